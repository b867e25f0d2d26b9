"""How contests plug in at start-up: their page in the manage area's Engagement group and the
lifecycle runner that moves them at their dates (R6.2)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from communa.communities.manage import Group, ManagePage, register_page
from communa.communities.permissions import Action
from communa.core.lifecycle import register_runner
from communa.engagement.actions.contests import advance_due_contests


def _advance() -> int:
    return advance_due_contests()


def connect_contests() -> None:
    register_page(
        ManagePage(
            Group.ENGAGEMENT, "engagement:manage_contests", _("Contests"), Action.RUN_ENGAGEMENT, 20
        )
    )
    register_runner("contests", _advance)
