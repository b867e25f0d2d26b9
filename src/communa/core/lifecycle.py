"""Lifecycle runners: functions that carry out due state changes (handovers, scheduled posts...).

Apps register runners in their AppConfig.ready(); the worker calls every runner each
COMMUNA_LIFECYCLE_SECONDS. Runners claim rows atomically, so several workers never do a
change twice, and a worker killed mid-way leaves the row for the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError

logger = logging.getLogger(__name__)
RUNNERS: dict[str, Callable[[], int]] = {}


def register_runner(name: str, runner: Callable[[], int]) -> None:
    """Add a runner that returns how many rows it moved on."""
    RUNNERS[name] = runner


def run_due_lifecycles() -> dict[str, int]:
    """Call every runner once; a failing runner is logged and the others still run."""
    done: dict[str, int] = {}
    for name, runner in RUNNERS.items():
        try:
            done[name] = runner()
        except DatabaseError:
            logger.exception("lifecycle runner %s failed", name)
    return done
