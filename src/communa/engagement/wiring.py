"""How engagement plugs into the site at start-up: its pages in the manage area's Engagement
group, its lifecycle runners and its answers to the kernel's sockets. Each feature package adds
its own `connect_<feature>()` here."""

from __future__ import annotations

from communa.engagement.contest_wiring import connect_contests


def connect() -> None:
    connect_contests()
