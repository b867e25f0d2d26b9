"""How the planner plugs into the site at start-up: its pages in the manage area."""

from __future__ import annotations

from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from communa.communities.manage import (
    Group,
    ManagePage,
    WaitingCount,
    count_per_community,
    register_page,
    register_waiting,
)
from communa.communities.permissions import Action
from communa.walls.models import Post, PostStatus


def _drafts_waiting() -> Subquery:
    return count_per_community(Post.objects.filter(status=PostStatus.PENDING))


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
    register_page(
        ManagePage(Group.CONTENT, "planner:calendar", _("Calendar"), Action.PLAN_CONTENT, 1)
    )
    register_page(
        ManagePage(
            Group.CONTENT,
            "planner:approvals",
            _("Drafts to approve"),
            Action.APPROVE_POSTS,
            2,
            waiting=("drafts",),
        )
    )
    register_waiting(
        WaitingCount("drafts", _("Drafts to approve"), Action.APPROVE_POSTS, _drafts_waiting)
    )
