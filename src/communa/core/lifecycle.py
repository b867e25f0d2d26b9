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
# Runners that cannot wait COMMUNA_LIFECYCLE_SECONDS (a post due at 09:00 goes out at 09:00):
# the worker calls them on a thread of their own every COMMUNA_<setting> seconds.
PROMPT_RUNNERS: dict[str, tuple[str, Callable[[], int]]] = {}


def register_runner(name: str, runner: Callable[[], int], *, every: str | None = None) -> None:
    """Add a runner that returns how many rows it moved on; `every` names the setting of its
    own interval (e.g. "PUBLISH_SECONDS"), else it runs with the other lifecycles."""
    if every is None:
        RUNNERS[name] = runner
    else:
        PROMPT_RUNNERS[name] = (every, runner)


def _run(runners: dict[str, Callable[[], int]]) -> dict[str, int]:
    done: dict[str, int] = {}
    for name, runner in runners.items():
        try:
            done[name] = runner()
        except DatabaseError:
            logger.exception("lifecycle runner %s failed", name)
    return done


def run_due_lifecycles() -> dict[str, int]:
    """Call every runner once; a failing runner is logged and the others still run."""
    return _run(RUNNERS)


def prompt_intervals() -> set[str]:
    """The interval settings of the prompt runners (one worker thread each)."""
    return {every for every, _runner in PROMPT_RUNNERS.values()}


def run_prompt_lifecycles(every: str | None = None) -> dict[str, int]:
    """Call the prompt runners of one interval setting (all of them without one) once."""
    return _run(
        {
            name: runner
            for name, (interval, runner) in PROMPT_RUNNERS.items()
            if every is None or interval == every
        }
    )
