"""`communa manage flush_impressions`: write every buffered impression now (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from communa.analytics.impressions import flush_impressions, pending_page_views


class Command(BaseCommand):
    help = "Write the impressions that pages buffered (buffered mode) now, until none is left."

    def handle(self, *args: Any, **options: Any) -> None:
        written = flush_impressions()
        if options["verbosity"]:
            left = pending_page_views()
            self.stdout.write(f"Wrote {written} impressions; {left} page views still buffered.")
