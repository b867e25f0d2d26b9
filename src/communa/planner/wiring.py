"""How the planner plugs into the site at start-up: its pages in the manage area."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from communa.communities.manage import Group, ManagePage, register_page
from communa.communities.permissions import Action


def connect() -> None:
    for page in [
        ManagePage(Group.CONTENT, "planner:plans", _("Content plans"), Action.PLAN_CONTENT, 30),
        ManagePage(Group.CONTENT, "planner:promotions", _("Promotions"), Action.PLAN_CONTENT, 40),
        ManagePage(Group.CONTENT, "planner:targets", _("Mix targets"), Action.PLAN_CONTENT, 50),
    ]:
        register_page(page)
    register_page(
        ManagePage(Group.CONTENT, "planner:rubrics", _("Rubrics"), Action.MANAGE_POSTS, 20)
    )
