"""How engagement plugs into the site at start-up: its pages in the manage area's Engagement
group, its lifecycle runners and its answers to the kernel's sockets. Each feature package adds
its own `connect_<feature>()` here."""

from __future__ import annotations

from communa.engagement.contest_wiring import connect_contests
from communa.engagement.views.forms import connect_forms
from communa.engagement.views.guides import connect_guides
from communa.engagement.views.under_posts import connect_polls


def connect() -> None:
    connect_contests()
    connect_forms()
    connect_guides()
    connect_polls()
