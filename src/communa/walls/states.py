"""The lifecycles of posts and comments: which status may follow which, and the one place that
sets it. Every action (walls' own, and what moderation asks of walls through `walls.moderated`)
moves a row with `move_post` / `move_comment`, a conditional UPDATE from the statuses that may
lead to the new one, so two people deciding at once cannot both win and no row jumps a step.

    post:     (new) → published | suggested | held
              published → held (an edit the checks hold) | deleted
              held      → published | rejected | deleted
              suggested → published | rejected | deleted
              rejected  → deleted
    drafts (R8.3, the planner):
              (new) → draft
              draft      → pending (sent for approval) | scheduled | published | deleted
              pending    → draft (returned, withdrawn) | scheduled (approved) | published | deleted
              scheduled  → publishing (the worker's claim) | published (now) | draft | pending
                           (a late post held for review) | deleted
              publishing → published | failed | scheduled (a claim let go) | pending | deleted
              failed     → scheduled (retry) | draft | deleted
    comment:  (new) → visible | held
              visible   → held | deleted
              held      → visible | rejected | deleted
              rejected  → deleted
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from communa.walls.models import Comment, CommentStatus, Post, PostStatus

POST_FLOW: Mapping[str, frozenset[str]] = {
    PostStatus.PUBLISHED: frozenset({PostStatus.HELD, PostStatus.DELETED}),
    PostStatus.HELD: frozenset({PostStatus.PUBLISHED, PostStatus.REJECTED, PostStatus.DELETED}),
    PostStatus.SUGGESTED: frozenset(
        {PostStatus.PUBLISHED, PostStatus.REJECTED, PostStatus.DELETED}
    ),
    PostStatus.REJECTED: frozenset({PostStatus.DELETED}),
    PostStatus.DELETED: frozenset(),
    PostStatus.DRAFT: frozenset(
        {PostStatus.PENDING, PostStatus.SCHEDULED, PostStatus.PUBLISHED, PostStatus.DELETED}
    ),
    PostStatus.PENDING: frozenset(
        {PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.PUBLISHED, PostStatus.DELETED}
    ),
    PostStatus.SCHEDULED: frozenset(
        {
            PostStatus.PUBLISHING,
            PostStatus.PUBLISHED,
            PostStatus.DRAFT,
            PostStatus.PENDING,
            PostStatus.DELETED,
        }
    ),
    PostStatus.PUBLISHING: frozenset(
        {
            PostStatus.PUBLISHED,
            PostStatus.FAILED,
            PostStatus.SCHEDULED,
            PostStatus.PENDING,
            PostStatus.DELETED,
        }
    ),
    PostStatus.FAILED: frozenset({PostStatus.SCHEDULED, PostStatus.DRAFT, PostStatus.DELETED}),
}
COMMENT_FLOW: Mapping[str, frozenset[str]] = {
    CommentStatus.VISIBLE: frozenset({CommentStatus.HELD, CommentStatus.DELETED}),
    CommentStatus.HELD: frozenset(
        {CommentStatus.VISIBLE, CommentStatus.REJECTED, CommentStatus.DELETED}
    ),
    CommentStatus.REJECTED: frozenset({CommentStatus.DELETED}),
    CommentStatus.DELETED: frozenset(),
}
# Post fields a move may set besides its status (the review of a suggestion, a moderator's note).
POST_EXTRAS = frozenset(
    {
        "review_reason",
        "reviewed_by",
        "reviewed_at",
        "scheduled_at",
        "publish_claim",
        "publish_claimed_at",
        "publish_attempts",
        "publish_error",
    }
)


def new_post_status(*, suggested: bool = False, held: bool = False) -> str:
    """The status a new post starts in: suggested for review, held by the checks, or published."""
    if suggested:
        return PostStatus.SUGGESTED
    return PostStatus.HELD if held else PostStatus.PUBLISHED


def new_comment_status(*, held: bool = False) -> str:
    """The status a new comment starts in."""
    return CommentStatus.HELD if held else CommentStatus.VISIBLE


def _sources(flow: Mapping[str, frozenset[str]], to: str, since: str | None) -> list[str]:
    if to not in flow:
        raise ValueError(f"unknown status {to!r}")
    sources = [status for status, targets in flow.items() if to in targets]
    if since is not None:
        sources = [status for status in sources if status == since]
    return sources


def move_post(
    post: Post,
    to: str,
    *,
    since: str | None = None,
    by: Any = None,
    now: datetime | None = None,
    extra: Mapping[str, Any] | None = None,
) -> bool:
    """Move a post to `to` if its stored status may lead there (and is `since`, when given).

    Sets what goes with the status (published_at on publishing, the deletion stamp and unpinning
    on deleting, unpinning on holding) and updates `post` in memory. Returns False, changing
    nothing, when the stored status does not allow the move: someone else decided first.
    """
    unknown = set(extra or {}) - POST_EXTRAS
    if unknown:
        raise ValueError(f"a status move does not set {sorted(unknown)}")
    now = now or timezone.now()
    changes: dict[str, Any] = {"status": to, **(extra or {})}
    if to == PostStatus.PUBLISHED:
        changes["published_at"] = now
    elif to == PostStatus.HELD:
        changes.update(published_at=None, pinned=False)
    elif to == PostStatus.DELETED:
        changes.update(pinned=False, deleted_at=now, deleted_by=by)
    sources = _sources(POST_FLOW, to, since)
    moved = Post.objects.filter(pk=post.pk, status__in=sources).update(**changes)
    if moved:
        for name, value in changes.items():
            setattr(post, name, value)
    return bool(moved)


def move_comment(
    comment: Comment,
    to: str,
    *,
    since: str | None = None,
    by: Any = None,
    now: datetime | None = None,
) -> bool:
    """Move a comment to `to` if its stored status may lead there (and is `since`, when given);
    False, changing nothing, when it may not. Counters are the caller's (`count_comment`)."""
    changes: dict[str, Any] = {"status": to}
    if to in (CommentStatus.DELETED, CommentStatus.REJECTED):
        changes.update(deleted_at=now or timezone.now(), deleted_by=by)
    sources = _sources(COMMENT_FLOW, to, since)
    moved = Comment.objects.filter(pk=comment.pk, status__in=sources).update(**changes)
    if moved:
        for name, value in changes.items():
            setattr(comment, name, value)
    return bool(moved)
