"""How the planner plugs into the site at start-up: its pages in the manage area, the count of
drafts waiting for approval, and its answer to the kernel's `LinkCampaigns` socket (a post's
tracked links carry its promotion's campaign tag, R8.8)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
from communa.core.hooks import plug
from communa.core.links import LinkCampaigns
from communa.planner.models import PlannedPost
from communa.walls.models import Post, PostStatus


class PromotionCampaigns(LinkCampaigns):
    """A post that belongs to a promotion tags its links with the promotion's campaign."""

    def campaign_of(self, post: Any) -> str | None:
        campaign = (
            PlannedPost.objects.filter(post_id=post.pk, promotion__isnull=False)
            .values_list("promotion__campaign", flat=True)
            .first()
        )
        return campaign or None

    def campaigns_of(self, posts: Sequence[Any]) -> dict[int, str]:
        found = (
            PlannedPost.objects.filter(post_id__in=[post.pk for post in posts])
            .filter(promotion__isnull=False)
            .exclude(promotion__campaign="")
            .values_list("post_id", "promotion__campaign")
        )
        return dict(found)


def _drafts_waiting() -> Subquery:
    return count_per_community(Post.objects.filter(status=PostStatus.PENDING))


def connect() -> None:
    plug(LinkCampaigns, PromotionCampaigns())
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
