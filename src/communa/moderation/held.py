"""Moderators' decisions on what the automatic checks held (R5.2, R5.3's fourth kind of item).

Approve publishes the row as if it had passed; reject keeps it unpublished with the reason its
author sees (and counts as an offence for the playbook); delete removes it the same way.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.models import User
from communa.communities.models import Community
from communa.core.audit import record_audit
from communa.core.errors import DomainError
from communa.moderation.filter_models import HeldItem, HeldStatus
from communa.moderation.playbook_models import OffenceKind
from communa.moderation.screening import held_note


def _claim(item: HeldItem, actor: User, status: str, reason: str) -> None:
    claimed = HeldItem.objects.filter(pk=item.pk, status=HeldStatus.HELD).update(
        status=status, decided_by=actor, decided_at=timezone.now(), decision_reason=reason[:500]
    )
    if not claimed:
        raise DomainError(_("This item has already been handled."), code="conflict")


def approve_held(*, actor: User, community: Community, item: HeldItem) -> None:
    """Publish what the checks held: the post goes on the wall, the comment into its thread."""
    from communa.core.events import viewer_for_user
    from communa.walls.actions.comments import count_comment
    from communa.walls.models import Comment, CommentStatus, Post, PostStatus, Topic

    now = timezone.now()
    with transaction.atomic():
        _claim(item, actor, HeldStatus.APPROVED, "")
        if item.post_id is not None:
            Post.objects.filter(pk=item.post_id, status=PostStatus.HELD).update(
                status=PostStatus.PUBLISHED, published_at=now
            )
        elif item.comment_id is not None:
            comment = Comment.objects.select_related("post").get(pk=item.comment_id)
            if comment.status == CommentStatus.HELD:
                Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.VISIBLE)
                comment.status = CommentStatus.VISIBLE
                count_comment(comment, viewer=viewer_for_user(comment.author), now=now)
        else:
            Topic.objects.filter(pk=item.topic_id).update(  # type: ignore[misc]
                held=False, last_activity_at=now
            )
        record_audit(
            actor=actor,
            community=community,
            action="held.approve",
            target=item.target,
            after={"checks": item.categories},
        )


def reject_held(
    *, actor: User, community: Community, item: HeldItem, reason: str, delete: bool = False
) -> None:
    """Refuse what the checks held, with the reason its author sees; an offence for the playbook."""
    from communa.moderation.playbooks import record_offence
    from communa.walls.models import Comment, CommentStatus, Post, PostStatus, Topic

    now = timezone.now()
    reason = (reason or "").strip() or held_note(item)
    with transaction.atomic():
        _claim(item, actor, HeldStatus.REJECTED, reason)
        if item.post_id is not None:
            changes: dict[str, Any] = {"review_reason": reason[:500], "reviewed_by": actor}
            changes["reviewed_at"] = now
            if delete:
                changes.update(status=PostStatus.DELETED, deleted_at=now, deleted_by=actor)
            else:
                changes.update(status=PostStatus.REJECTED)
            Post.objects.filter(pk=item.post_id, status=PostStatus.HELD).update(**changes)
        elif item.comment_id is not None:
            # A rejected comment stays visible to its author alone, with the reason.
            Comment.objects.filter(pk=item.comment_id, status=CommentStatus.HELD).update(
                status=CommentStatus.DELETED if delete else CommentStatus.REJECTED,
                deleted_at=now,
                deleted_by=actor,
            )
        elif delete:
            Topic.objects.filter(pk=item.topic_id).update(deleted_at=now)  # type: ignore[misc]
        # A rejected topic stays held: hidden from others, shown to its author with the reason.
        record_offence(
            community=community,
            user=item.author,
            reason=reason,
            kind=OffenceKind.FILTER,
            recorded_by=actor,
        )
        record_audit(
            actor=actor,
            community=community,
            action="held.delete" if delete else "held.reject",
            target=item.target,
            after={"checks": item.categories, "reason": reason},
        )
