"""What the wall pages share: htmx, paging links, the posts a page shows and their addresses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.http import HttpRequest
from django.urls import reverse

from communa.core.events import record_impressions, viewer_of
from communa.core.pagination import next_page_link
from communa.walls.kept_walls import ShownPost
from communa.walls.models import Post, PostStatus

# A page's posts as models, or as the rows of a page kept whole (walls.kept_walls.VisitorWall).
Shown = TypeVar("Shown", Post, ShownPost)

# --- shared helpers ----------------------------------------------------------------------------


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _next_url(request: HttpRequest, cursor: str | None) -> str | None:
    return next_page_link(request, cursor, with_path=True)


def _signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


def _show(request: HttpRequest, posts: Iterable[Shown | None]) -> list[Shown]:
    """The published posts a page shows, recorded as impressions for this viewer."""
    shown = [post for post in posts if post is not None and post.status == PostStatus.PUBLISHED]
    record_impressions(viewer_of(request), shown)
    return shown


def _post_url(post: Post) -> str:
    return reverse("walls:post", args=[post.pk])


def _home_of(post: Post) -> str:
    if post.community is not None:
        return reverse("communities:home", args=[post.community.slug])
    assert post.profile is not None  # noqa: S101 — a post lives on one of the two walls
    return reverse("walls:profile_wall", args=[post.profile.username])
