"""Walls' answer to moderation (`core.gate.ModeratedContent`): what a moderator decided about a
held or reported post, comment or topic, or a suggested post, done through walls' own lifecycle
(`walls.states`) and actions, with walls' own permission checks. Plugged in by `WallsConfig`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from communa.communities.permissions import Action, require
from communa.core.errors import NotFound
from communa.core.events import viewer_for_user
from communa.core.gate import ModeratedContent, text_gate
from communa.walls.access import thread_of
from communa.walls.actions.comments import count_comment, uncount_comment
from communa.walls.actions.posts import delete_post, publish_suggestion, reject_suggestion
from communa.walls.models import Comment, CommentStatus, Post, PostStatus, Topic
from communa.walls.recent_texts import recent_texts
from communa.walls.states import move_comment, move_post


def _post(post_id: int) -> tuple[Post, Any]:
    post = Post.objects.select_related("community").filter(pk=post_id).first()
    if post is None or post.community is None:
        raise NotFound
    return post, post.community


def _comment(comment_id: int) -> tuple[Comment, Any]:
    comment = Comment.objects.select_related("post", "topic").filter(pk=comment_id).first()
    if comment is None:
        raise NotFound
    community = thread_of(comment).community
    if community is None:
        raise NotFound
    return comment, community


def _topic(topic_id: int) -> Topic:
    topic = Topic.objects.select_related("community").filter(pk=topic_id).first()
    if topic is None:
        raise NotFound
    return topic


def release_held(
    *,
    actor: Any,
    post_id: int | None = None,
    comment_id: int | None = None,
    topic_id: int | None = None,
) -> None:
    """Publish what the checks held: the post goes on the wall, the comment into its thread
    (counted only now), the topic onto the board."""
    now = timezone.now()
    with transaction.atomic():
        if post_id is not None:
            post, community = _post(post_id)
            require(actor, Action.MODERATE, community)
            move_post(post, PostStatus.PUBLISHED, since=PostStatus.HELD, now=now)
        elif comment_id is not None:
            comment, community = _comment(comment_id)
            require(actor, Action.MODERATE, community)
            if move_comment(comment, CommentStatus.VISIBLE, since=CommentStatus.HELD):
                count_comment(comment, viewer=viewer_for_user(comment.author), now=now)
        elif topic_id is not None:
            topic = _topic(topic_id)
            require(actor, Action.MODERATE, topic.community)
            Topic.objects.filter(pk=topic.pk).update(held=False, last_activity_at=now)


def refuse_held(
    *,
    actor: Any,
    reason: str,
    delete: bool,
    post_id: int | None = None,
    comment_id: int | None = None,
    topic_id: int | None = None,
) -> None:
    """Refuse what the checks held: kept with its author alone with the reason, or deleted. A
    refused topic stays held: hidden from others, shown to its author with the reason."""
    now = timezone.now()
    with transaction.atomic():
        if post_id is not None:
            post, community = _post(post_id)
            require(actor, Action.MODERATE, community)
            move_post(
                post,
                PostStatus.DELETED if delete else PostStatus.REJECTED,
                since=PostStatus.HELD,
                by=actor,
                now=now,
                extra={"review_reason": reason[:500], "reviewed_by": actor, "reviewed_at": now},
            )
        elif comment_id is not None:
            comment, community = _comment(comment_id)
            require(actor, Action.MODERATE, community)
            move_comment(
                comment,
                CommentStatus.DELETED if delete else CommentStatus.REJECTED,
                since=CommentStatus.HELD,
                by=actor,
                now=now,
            )
        elif topic_id is not None and delete:
            topic = _topic(topic_id)
            require(actor, Action.MODERATE, topic.community)
            Topic.objects.filter(pk=topic.pk).update(deleted_at=now)


def remove_reported(
    *, actor: Any, post_id: int | None = None, comment_id: int | None = None
) -> None:
    """A moderator upheld a report: the content goes, whatever the moderator's editing rights."""
    with transaction.atomic():
        if post_id is not None:
            post, community = _post(post_id)
            require(actor, Action.MODERATE, community)
            if move_post(post, PostStatus.DELETED, by=actor):
                text_gate().withdraw(post)
        elif comment_id is not None:
            comment, community = _comment(comment_id)
            require(actor, Action.MODERATE, community)
            if move_comment(comment, CommentStatus.DELETED, since=CommentStatus.VISIBLE, by=actor):
                uncount_comment(comment)


class WallsModeratedContent(ModeratedContent):
    """Posts, comments and topics, as moderation sees them."""

    def release_held(
        self,
        *,
        actor: Any,
        post_id: int | None = None,
        comment_id: int | None = None,
        topic_id: int | None = None,
    ) -> None:
        release_held(actor=actor, post_id=post_id, comment_id=comment_id, topic_id=topic_id)

    def refuse_held(
        self,
        *,
        actor: Any,
        reason: str,
        delete: bool,
        post_id: int | None = None,
        comment_id: int | None = None,
        topic_id: int | None = None,
    ) -> None:
        refuse_held(
            actor=actor,
            reason=reason,
            delete=delete,
            post_id=post_id,
            comment_id=comment_id,
            topic_id=topic_id,
        )

    def remove_reported(
        self, *, actor: Any, post_id: int | None = None, comment_id: int | None = None
    ) -> None:
        remove_reported(actor=actor, post_id=post_id, comment_id=comment_id)

    def waiting_suggestions(self, community: Any) -> QuerySet[Any] | None:
        return Post.objects.filter(community=community, status=PostStatus.SUGGESTED)

    def suggestions(self, ids: list[int]) -> dict[int, Any]:
        return {
            post.pk: post for post in Post.objects.filter(pk__in=ids).select_related("suggested_by")
        }

    def decide_suggestion(self, *, actor: Any, suggestion: Any, decision: str, reason: str) -> None:
        if decision == "approve":
            publish_suggestion(actor=actor, post=suggestion)
        elif decision == "reject":
            reject_suggestion(actor=actor, post=suggestion, reason=reason)
        else:
            delete_post(actor=actor, post=suggestion)

    def reviewed_suggestions(self, community: Any, since: datetime) -> list[tuple[Any, bool]]:
        reviewed = (
            Post.objects.filter(
                community=community, reviewed_at__gte=since, suggested_by__isnull=False
            )
            .exclude(reviewed_by=None)
            .select_related("reviewed_by")
        )
        return [(post.reviewed_by, post.status == PostStatus.PUBLISHED) for post in reviewed]

    def recent_texts(self, author: Any, since: datetime, limit: int) -> list[tuple[str, datetime]]:
        return recent_texts(author, since, limit)
