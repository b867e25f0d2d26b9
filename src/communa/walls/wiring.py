"""How walls plugs into the site at start-up (called from `WallsConfig.ready()`): its answer to
moderation's socket, and its pages and waiting count in the manage area."""

from __future__ import annotations

from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from communa.communities.cover import register_cover_part
from communa.communities.manage import (
    Group,
    ManagePage,
    WaitingCount,
    count_per_community,
    register_page,
    register_waiting,
)
from communa.communities.models import Community, Kind
from communa.communities.permissions import Action
from communa.core.gate import ModeratedContent
from communa.core.hooks import plug
from communa.core.lifecycle import register_runner
from communa.walls.actions.publishing import publish_due_posts
from communa.walls.models import Post, PostStatus
from communa.walls.moderated import WallsModeratedContent
from communa.walls.templatetags.wall_cover import pinned_cover


def _suggested_posts() -> Subquery:
    return count_per_community(Post.objects.filter(status=PostStatus.SUGGESTED))


def _on_public_pages(community: Community) -> bool:
    return community.kind == Kind.PUBLIC_PAGE


MANAGE_PAGES = [
    ManagePage(
        Group.CONTENT,
        "walls:suggestions",
        _("Suggested posts"),
        Action.REVIEW_SUGGESTIONS,
        10,
        waiting=("suggestions",),
        applies=_on_public_pages,
    ),
    ManagePage(Group.CONTENT, "walls:topics", _("Discussions"), Action.MANAGE_TOPICS, 30),
    ManagePage(Group.CONTENT, "walls:documents", _("Documents"), Action.MANAGE_MEDIA, 40),
    ManagePage(Group.CONTENT, "walls:albums", _("Photo albums"), Action.MANAGE_MEDIA, 50),
]


def connect() -> None:
    plug(ModeratedContent, WallsModeratedContent())
    # R1.6: the pinned post's opening words on the community's home (read with the page).
    register_cover_part("pinned", pinned_cover)
    # R8.3: scheduled posts go out on the worker's own thread every COMMUNA_PUBLISH_SECONDS.
    register_runner("scheduled_posts", publish_due_posts, every="PUBLISH_SECONDS")
    for page in MANAGE_PAGES:
        register_page(page)
    register_waiting(
        WaitingCount(
            "suggestions",
            _("Suggested posts"),
            Action.REVIEW_SUGGESTIONS,
            _suggested_posts,
            applies=_on_public_pages,
        )
    )
