"""`communa manage roll_up`: roll every recorded event up into the statistics now (ADR 0015)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from communa.analytics.rollups import roll_up


class Command(BaseCommand):
    help = (
        "Roll new events and membership changes up into the statistics' day cells now, and fix"
        " the members at publication of every published post that has none yet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-settle",
            action="store_true",
            help="read every id at once (only when nothing else writes: a loader, a restore)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["no_settle"]:
            settings.COMMUNA = {**settings.COMMUNA, "ROLLUP_SETTLE_SECONDS": 0}
        total = 0
        while moved := roll_up(sweep_posts=True):
            total += moved
        if options["verbosity"]:
            self.stdout.write(f"Rolled up {total} rows.")
