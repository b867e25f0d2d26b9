"""The demo's controlled clock: every action the demo runs happens at a moment of its timeline.

Actions stamp their rows with "now" (`timezone.now()`, `auto_now_add`, and model defaults of
`default=timezone.now`). While `DemoClock` is running, all three read the clock instead of the
wall clock, so an action run "at" a moment writes exactly what it would have written then:
its rows, its audit entry and its event carry that moment, and every rule that compares with
now (new-account checks, quotas per day, block ends) judges by it. Nothing is restamped after
the fact. Leaving the block restores Django's clock and the model defaults.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.apps import apps
from django.utils import timezone


class DemoClock:
    """A clock the demo sets to each moment of its timeline before it runs an action there."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def set(self, moment: datetime) -> None:
        """Move the clock (forwards or backwards) to this moment."""
        self.moment = moment

    def now(self) -> datetime:
        """What `timezone.now()` answers while the clock runs."""
        return self.moment

    @contextmanager
    def running(self) -> Iterator[DemoClock]:
        """Make Django's "now" this clock's moment for the duration of the block."""
        real_now = timezone.now
        # Model fields declared with `default=timezone.now` hold the function itself, not the
        # module attribute, so they are pointed at the clock as well (and put back after).
        patched: list[Any] = []
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if getattr(field, "default", None) is real_now:
                    patched.append(field)
        try:
            timezone.now = self.now
            for field in patched:
                field.default = self.now
                field.__dict__.pop("_get_default", None)  # Django caches the default's getter
            yield self
        finally:
            timezone.now = real_now
            for field in patched:
                field.default = real_now
                field.__dict__.pop("_get_default", None)
