"""How the planner plugs into the site at start-up: its pages in the manage area."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from communa.communities.manage import Group, ManagePage, register_page
from communa.communities.permissions import Action


def connect() -> None:
    register_page(
        ManagePage(Group.CONTENT, "planner:rubrics", _("Rubrics"), Action.MANAGE_POSTS, 20)
    )
