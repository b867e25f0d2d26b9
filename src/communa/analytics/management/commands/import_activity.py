"""`communa manage import_activity FILE --format klout --community SLUG`: import reaction
events as placeholder members' likes, so the best-time grid (R8.5) reads real behaviour.

Exit codes: 0 imported; 1 the file has bad rows (each printed, nothing imported); 2 a wrong
argument (format, file, community).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from communa.analytics.benchmarks.actions import import_activity
from communa.analytics.benchmarks.commands import (
    community_by_slug,
    print_refusal,
    read_file,
)
from communa.analytics.benchmarks.parsers import ACTIVITY_FORMATS, ImportRejected
from communa.core.errors import DomainError


class Command(BaseCommand):
    help = "Import reaction events (who reacted when, in which time zone) into a community."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the events file")
        parser.add_argument(
            "--format",
            default="klout",
            help=f"the layout: {', '.join(ACTIVITY_FORMATS)} (default: %(default)s)",
        )
        parser.add_argument("--community", required=True, help="the community's address (slug)")
        parser.add_argument(
            "--as",
            dest="name",
            default="",
            help="the import's name (default: the file's name); importing it again replaces it",
        )
        parser.add_argument(
            "--recent",
            action="store_true",
            help="move every moment by whole weeks so that the latest falls in the last week",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] not in ACTIVITY_FORMATS:
            raise CommandError(
                f"Unknown format {options['format']!r}; choose one of: "
                f"{', '.join(ACTIVITY_FORMATS)}.",
                returncode=2,
            )
        data = read_file(options["file"])
        community = community_by_slug(options["community"])
        try:
            done = import_activity(
                actor=None,
                community=community,
                source_format=options["format"],
                data=data,
                name=options["name"] or options["file"].name,
                file_name=options["file"].name,
                recent=options["recent"],
                operator=True,
            )
        except ImportRejected as exc:
            print_refusal(self.stderr, exc)
            raise CommandError(exc.message, returncode=1) from exc
        except DomainError as exc:
            print_refusal(self.stderr, exc)
            raise CommandError(exc.message, returncode=2) from exc
        moved = f", moved {done.shifted_weeks} weeks later" if done.shifted_weeks else ""
        self.stdout.write(
            f"Imported {done.events} reactions of {done.people} people "
            f"({done.joined} new placeholder members) into {community.slug} as “{done.name}”"
            f"{moved}."
        )
