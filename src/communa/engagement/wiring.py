"""How engagement plugs into the site at start-up: its pages in the manage area's Engagement
group, its lifecycle runners and its answers to the kernel's sockets. Each feature package adds
its own `connect_<feature>()` here."""

from __future__ import annotations

from communa.engagement.views.under_posts import connect_polls


def connect() -> None:
    connect_polls()
