"""Reads of drafts for the planner: a community's drafts by state, the approval queue, one
draft's history."""

from __future__ import annotations

from typing import Any

from communa.communities.models import Community
from communa.communities.permissions import Action, can
from communa.core.errors import NotFound
from communa.core.pagination import Page, keyset_page
from communa.walls import selectors as walls_selectors
from communa.walls.models import DRAFT_STATUSES, Post, PostStatus, PostTransition

ORDER = ["-created_at", "-id"]


def _rows_all() -> Any:
    return Post.objects.select_related(
        "author", "rubric", "plan_entry__slot", "plan_entry__promotion"
    )


def _rows(community: Community) -> Any:
    return _rows_all().filter(community=community)


def drafts_page(
    *, community: Community, state: str = "", cursor: str | None, limit: int
) -> Page[Post]:
    """The community's drafts (every draft status, or one), newest first."""
    statuses = [state] if state else list(DRAFT_STATUSES)
    rows = _rows(community).filter(status__in=statuses)
    return keyset_page(rows, ORDER, cursor=cursor, limit=limit)


def approvals_page(*, community: Community, cursor: str | None, limit: int) -> Page[Post]:
    """Drafts awaiting approval, the earliest planned first (then the oldest)."""
    rows = _rows(community).filter(status=PostStatus.PENDING)
    return keyset_page(rows, ["created_at", "id"], cursor=cursor, limit=limit)


def planned_post(*, actor: Any, post_id: int) -> Post:
    """A post as the planning team sees it (a draft, or a post that went out); 404 for others."""
    post = walls_selectors.post_for(actor=actor, post_id=post_id)
    community = post.community
    if community is None or not (
        can(actor, Action.PLAN_CONTENT, community) or can(actor, Action.APPROVE_POSTS, community)
    ):
        raise NotFound
    return post


def draft_row(post_id: int) -> Post:
    """A planned post read again after a step, with what its answer shows."""
    return _rows_all().get(pk=post_id)


def history_of(post: Post) -> list[PostTransition]:
    """The post's steps through its drafts' statuses, oldest first, with who took them."""
    return list(PostTransition.objects.filter(post=post).select_related("actor"))
