"""Writes of comments under posts and in discussion topics: add, reply, edit, delete."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.actions import notify
from communa.accounts.models import NotificationKind, User
from communa.communities.permissions import Action, can, require
from communa.core.audit import record_audit
from communa.core.errors import NotFound, PermissionRefused
from communa.core.events import EventKind, Viewer, record_event, viewer_for_user
from communa.core.gate import member_gate, text_gate
from communa.core.limits import limit_write
from communa.core.writes import add_to, insert, sent_together, written_together
from communa.walls.access import (
    require_comment_visible,
    require_on_post,
    require_signature,
    require_topic_visible,
    thread_of,
)
from communa.walls.formatting import render_markdown
from communa.walls.models import Comment, CommentStatus, Post, Signature, Topic
from communa.walls.recent_texts import forget_recent_texts
from communa.walls.states import move_comment, new_comment_status
from communa.walls.validation import clean_comment_body


def _community_of(thread: Post | Topic) -> Any:
    return thread.community


def _may_comment_on(actor: User, post: Post | None, topic: Topic | None) -> tuple[Any, bool]:
    """Refuse unless the actor may comment here; return the community and whether they are team."""
    if post is not None:
        standing = require_on_post(actor, Action.COMMENT, post)
        community = post.community
    else:
        assert topic is not None  # noqa: S101 — the caller passes exactly one
        require_topic_visible(actor, topic)
        community = topic.community
        if topic.closed:
            raise PermissionRefused(_("This discussion is closed."))
        standing = require(actor, Action.COMMENT, community)
    # The standing just read answers the team question too: one membership read, not two.
    team = community is not None and can(actor, Action.MANAGE_POSTS, community, standing=standing)
    return community, team


def add_comment(
    *,
    actor: User,
    body: str,
    post: Post | None = None,
    topic: Topic | None = None,
    parent: Comment | None = None,
    signed_as: str = Signature.AUTHOR,
    viewer: Viewer | None = None,
    ip: str | None = None,
) -> Comment:
    """Comment on a post or a topic, or reply to a comment (replies nest one level)."""
    if (post is None) == (topic is None):
        raise ValueError("comment on exactly one post or topic")
    community, team = _may_comment_on(actor, post, topic)
    member_gate().require_not_muted(actor, community)
    text = clean_comment_body(body)
    signed_as = signed_as or Signature.AUTHOR
    require_signature(signed_as, team=team)
    if parent is not None:
        same_thread = (post is not None and parent.post_id == post.pk) or (
            topic is not None and parent.topic_id == topic.pk
        )
        # Only a visible comment takes replies: a held one is not shown to anyone else yet.
        if not same_thread or parent.status != CommentStatus.VISIBLE:
            raise NotFound(_("The comment you reply to is gone."))
        # One level of nesting: a reply to a reply joins the top comment's thread.
        if parent.parent_id is not None:
            parent = parent.parent
    try:
        screened = text_gate().screen(
            author=actor, community=community, texts={"body": text}, primary="body", exempt=team
        )
    finally:
        forget_recent_texts(actor)  # read with the post for this check alone
    text = screened.texts["body"]
    limit_write("comment", actor=actor, ip=ip)
    now = timezone.now()
    with written_together():
        (comment,) = insert(
            Comment(
                post=post,
                topic=topic,
                parent=parent,
                author=actor,
                signed_as=signed_as,
                body=text,
                body_html=render_markdown(text),
                created_at=now,
                language=screened.language,
                status=new_comment_status(held=screened.holds),
            )
        )
        if screened.holds:
            # Counted and announced when a moderator approves it (`count_comment`).
            text_gate().hold(community=community, author=actor, target=comment, screened=screened)
        else:
            count_comment(comment, viewer=viewer or viewer_for_user(actor), now=now)
    return comment


def _announce_comment(comment: Comment) -> None:
    """Tell the author of the post, or of the comment replied to, that someone answered."""
    if comment.post_id is not None:
        thread: Post | Topic = comment.post  # type: ignore[assignment]
        url = reverse("walls:post", args=[comment.post_id])
    else:
        thread = comment.topic  # type: ignore[assignment]
        url = reverse("walls:topic", args=[comment.topic_id])
    if comment.parent_id is not None:
        recipient, kind = comment.parent.author_id, NotificationKind.REPLY_TO_COMMENT  # type: ignore[union-attr]
    elif comment.post_id is not None:
        recipient, kind = thread.author_id, NotificationKind.COMMENT_ON_POST
    else:
        return
    notify(
        recipients=[recipient],
        kind=kind,
        actor=comment.author,
        community=getattr(thread, "community", None),
        subject=str(thread)[:80],
        url=f"{url}#comment-{comment.pk}",
    )


def count_comment(comment: Comment, *, viewer: Viewer, now: Any) -> None:
    """A comment becomes visible: record the event, tell its addressee, move its thread's
    counters.

    The rows many comments share come last, so each stays locked only until the commit: the
    addressee's unread count, then the parent comment's and the post's counters (in this order
    on every path, so two comments never wait on each other crosswise)."""
    # Nothing here reads what it writes: the statements go together, in one round trip.
    with sent_together():
        if comment.post_id is not None:
            record_event(EventKind.COMMENT, viewer=viewer, post=comment.post, comment=comment)
        _announce_comment(comment)
        if comment.parent_id is not None:
            add_to(Comment, comment.parent_id, {"reply_count": 1})
        if comment.post_id is not None:
            add_to(Post, comment.post_id, {"comment_count": 1})
        else:
            Topic.objects.filter(pk=comment.topic_id).update(  # type: ignore[misc]
                comment_count=F("comment_count") + 1, last_activity_at=now
            )


def uncount_comment(comment: Comment) -> None:
    """A visible comment leaves its thread: move the counters back."""
    if comment.parent_id is not None:
        Comment.objects.filter(pk=comment.parent_id).update(reply_count=F("reply_count") - 1)
    if comment.post_id is not None:
        Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") - 1)
    elif comment.topic_id is not None:
        Topic.objects.filter(pk=comment.topic_id).update(comment_count=F("comment_count") - 1)


def edit_comment(*, actor: User, comment: Comment, body: str) -> Comment:
    """Change one's own comment."""
    require_comment_visible(actor, comment)
    if comment.author_id != actor.pk:
        raise PermissionRefused(_("You can edit only your own comments."))
    if comment.status not in (CommentStatus.VISIBLE, CommentStatus.HELD):
        raise PermissionRefused(_("A moderator rejected this comment; it can no longer change."))
    text = clean_comment_body(body)
    thread = thread_of(comment)
    community = _community_of(thread)
    team = community is not None and can(actor, Action.MANAGE_POSTS, community)
    screened = text_gate().screen(
        author=actor,
        community=community,
        texts={"body": text},
        primary="body",
        exempt=team,
        history=False,
    )
    text = screened.texts["body"]
    now = timezone.now()
    with transaction.atomic():
        comment.body = text
        comment.body_html = render_markdown(text)
        comment.edited_at = now
        comment.language = screened.language
        fields = ["body", "body_html", "edited_at", "language"]
        was_held = comment.status == CommentStatus.HELD
        if community is not None and (was_held or screened.holds):
            # Edit and resubmit (R5.2): released when the checks pass, held again if not.
            text_gate().rehold(target=comment, screened=screened, community=community, author=actor)
            if was_held and not screened.holds:
                move_comment(comment, CommentStatus.VISIBLE, since=CommentStatus.HELD)
                count_comment(comment, viewer=viewer_for_user(actor), now=now)
            elif not was_held and move_comment(
                comment, CommentStatus.HELD, since=CommentStatus.VISIBLE
            ):
                uncount_comment(comment)
        comment.save(update_fields=fields)
    return comment


def delete_comment(*, actor: User, comment: Comment) -> None:
    """Delete a comment: one's own, or any as a moderator; with replies it shows "deleted"."""
    require_comment_visible(actor, comment)
    thread = thread_of(comment)
    community = _community_of(thread)
    own = comment.author_id == actor.pk
    moderator = community is not None and can(actor, Action.DELETE_COMMENTS, community)
    profile_owner = isinstance(thread, Post) and thread.profile_id == actor.pk
    if not (own or moderator or profile_owner):
        raise PermissionRefused(_("You can delete only your own comments."))
    with transaction.atomic():
        if not move_comment(comment, CommentStatus.DELETED, since=CommentStatus.VISIBLE, by=actor):
            if move_comment(comment, CommentStatus.DELETED, since=CommentStatus.HELD, by=actor):
                # A held comment was never counted; its author took it back.
                text_gate().withdraw(comment)
            return
        uncount_comment(comment)
        if not own:
            record_audit(
                actor=actor,
                community=community,
                action="comment.delete",
                target=comment,
                before={"body": comment.body},
            )
            member_gate().content_removed(community=community, content=comment, moderator=actor)
