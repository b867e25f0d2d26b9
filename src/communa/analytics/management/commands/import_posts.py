"""`communa manage import_posts FILE --format uci-facebook --community SLUG --as NAME`: read
another page's export into a watched page (R9.10), as the server's operator.

Exit codes: 0 imported; 1 the file has bad rows (each printed as "row N, column C: reason",
nothing imported); 2 a wrong argument (format, file, community, mapping, year).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from communa.analytics.benchmarks.actions import import_watched_page
from communa.analytics.benchmarks.commands import (
    community_by_slug,
    print_refusal,
    read_file,
)
from communa.analytics.benchmarks.parsers import ImportRejected, mapping_from_text
from communa.analytics.models import ImportFormat
from communa.core.errors import DomainError


class Command(BaseCommand):
    help = "Import another page's posts (an export file) as a watched page of a community."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the export: CSV or JSON")
        parser.add_argument(
            "--format",
            default=ImportFormat.UCI_FACEBOOK,
            help=f"the layout: {', '.join(ImportFormat.values)} (default: %(default)s)",
        )
        parser.add_argument("--community", required=True, help="the community's address (slug)")
        parser.add_argument(
            "--as", dest="name", required=True, help="the watched page's name (replaced if known)"
        )
        parser.add_argument("--year", type=int, default=None, help="the year of a file's months")
        parser.add_argument(
            "--map",
            dest="mapping",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="for csv and json: which column fills a field (repeat for each)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] not in ImportFormat.values:
            raise CommandError(
                f"Unknown format {options['format']!r}; choose one of: "
                f"{', '.join(ImportFormat.values)}.",
                returncode=2,
            )
        data = read_file(options["file"])
        community = community_by_slug(options["community"])
        try:
            mapping = mapping_from_text("\n".join(options["mapping"])) or None
            page = import_watched_page(
                actor=None,
                community=community,
                name=options["name"],
                source_format=options["format"],
                data=data,
                file_name=options["file"].name,
                mapping=mapping,
                year=options["year"],
                operator=True,
            )
        except ImportRejected as exc:
            print_refusal(self.stderr, exc)
            raise CommandError(exc.message, returncode=1) from exc
        except DomainError as exc:
            print_refusal(self.stderr, exc)
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(
            f"Imported {page.imported_posts} posts as the watched page “{page.name}” "  # type: ignore[attr-defined]
            f"of {community.slug}."
        )
