"""Likes, hides, reports and link clicks: each writes its row, bumps a counter and an event.

Counters move with F() updates in the same transaction as the unique row that justifies them,
so two concurrent likes by different people add two and a repeated like adds nothing. A like's
counter update comes last in its transaction: the likes of a hot post queue on that post's row,
which then stays locked only until the commit, not while the event is written.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from communa.accounts.models import User
from communa.communities.permissions import Action
from communa.core.errors import Conflict, PermissionRefused
from communa.core.events import EventKind, Viewer, record_event, viewer_for_user
from communa.core.gate import report_desk
from communa.core.limits import limit_write
from communa.core.writes import add_to, insert, remove
from communa.walls.access import require_comment_visible, require_on_post
from communa.walls.actions.links import click_post_link
from communa.walls.models import Comment, HiddenPost, Like, Post


def _require_comment_interaction(actor: User, comment: Comment) -> None:
    require_comment_visible(actor, comment)
    if comment.post_id is not None:
        require_on_post(actor, Action.INTERACT, comment.post)  # type: ignore[arg-type]
    elif not getattr(actor, "is_authenticated", False):
        raise PermissionRefused(_("Log in first."))


def _counted(model: type[Post] | type[Comment], pk: int, delta: dict[str, int]) -> int:
    """Move a like counter in the action's transaction and give its new value (one statement:
    the row the like locked, read back as it was written)."""
    (value,) = add_to(model, pk, delta, returning=True) or [0]
    return int(value)


def like_post(
    *, actor: User, post: Post, viewer: Viewer | None = None, ip: str | None = None
) -> Post:
    """Like a post once (R4.3)."""
    require_on_post(actor, Action.INTERACT, post)
    limit_write("like", actor=actor, ip=ip)
    try:
        with transaction.atomic():
            insert(Like(user=actor, post=post))
            record_event(EventKind.LIKE, viewer=viewer or viewer_for_user(actor), post=post)
            post.like_count = _counted(Post, post.pk, {"like_count": 1})
    except IntegrityError as exc:
        raise Conflict(_("You already like this post."), code="already_liked") from exc
    return post


def unlike_post(*, actor: User, post: Post, viewer: Viewer | None = None) -> Post:
    """Take back a like."""
    require_on_post(actor, Action.INTERACT, post)
    with transaction.atomic():
        deleted = remove(Like, user_id=actor.pk, post_id=post.pk, comment_id=None)
        if not deleted:
            raise Conflict(_("You do not like this post."), code="not_liked")
        record_event(EventKind.UNLIKE, viewer=viewer or viewer_for_user(actor), post=post)
        post.like_count = _counted(Post, post.pk, {"like_count": -1})
    return post


def like_comment(
    *, actor: User, comment: Comment, viewer: Viewer | None = None, ip: str | None = None
) -> Comment:
    """Like a comment once."""
    _require_comment_interaction(actor, comment)
    limit_write("like", actor=actor, ip=ip)
    try:
        with transaction.atomic():
            insert(Like(user=actor, comment=comment))
            record_event(
                EventKind.LIKE,
                viewer=viewer or viewer_for_user(actor),
                post=comment.post,
                comment=comment,
                community_id=_community_id(comment),
            )
            comment.like_count = _counted(Comment, comment.pk, {"like_count": 1})
    except IntegrityError as exc:
        raise Conflict(_("You already like this comment."), code="already_liked") from exc
    return comment


def unlike_comment(*, actor: User, comment: Comment, viewer: Viewer | None = None) -> Comment:
    """Take back a like of a comment."""
    _require_comment_interaction(actor, comment)
    with transaction.atomic():
        deleted = remove(Like, user_id=actor.pk, comment_id=comment.pk)
        if not deleted:
            raise Conflict(_("You do not like this comment."), code="not_liked")
        record_event(
            EventKind.UNLIKE,
            viewer=viewer or viewer_for_user(actor),
            post=comment.post,
            comment=comment,
            community_id=_community_id(comment),
        )
        comment.like_count = _counted(Comment, comment.pk, {"like_count": -1})
    return comment


def _community_id(comment: Comment) -> int | None:
    if comment.post_id is not None:
        return comment.post.community_id  # type: ignore[union-attr]
    return comment.topic.community_id  # type: ignore[union-attr]


def hide_post(*, actor: User, post: Post, viewer: Viewer | None = None) -> None:
    """Hide a post from one's feed (counted as negative feedback)."""
    require_on_post(actor, Action.INTERACT, post)
    try:
        with transaction.atomic():
            HiddenPost.objects.create(user=actor, post=post)
            Post.objects.filter(pk=post.pk).update(hide_count=F("hide_count") + 1)
            record_event(EventKind.HIDE, viewer=viewer or viewer_for_user(actor), post=post)
    except IntegrityError as exc:
        raise Conflict(_("You have already hidden this post."), code="already_hidden") from exc


def report_post(
    *,
    actor: User,
    post: Post,
    reason: str,
    text: str = "",
    viewer: Viewer | None = None,
    ip: str | None = None,
) -> Any:
    """Report a post to the community's moderators with a reason."""
    require_on_post(actor, Action.INTERACT, post)
    limit_write("report", actor=actor, ip=ip)
    with transaction.atomic():
        report = report_desk().file_report(
            reporter=actor, community_id=post.community_id, post=post, reason=reason, text=text
        )
        Post.objects.filter(pk=post.pk).update(report_count=F("report_count") + 1)
        record_event(EventKind.REPORT, viewer=viewer or viewer_for_user(actor), post=post)
    return report


def report_comment(
    *,
    actor: User,
    comment: Comment,
    reason: str,
    text: str = "",
    viewer: Viewer | None = None,
    ip: str | None = None,
) -> Any:
    """Report a comment to the community's moderators with a reason."""
    _require_comment_interaction(actor, comment)
    limit_write("report", actor=actor, ip=ip)
    with transaction.atomic():
        report = report_desk().file_report(
            reporter=actor,
            community_id=_community_id(comment),
            comment=comment,
            reason=reason,
            text=text,
        )
        record_event(
            EventKind.REPORT,
            viewer=viewer or viewer_for_user(actor),
            post=comment.post,
            comment=comment,
            community_id=_community_id(comment),
        )
    return report


def click_link(*, viewer: Viewer, actor: User | None, post: Post) -> str:
    """Count a click on the post's link and return the tagged address to send the person to
    (R8.8: counted on the link's tracked row too, as a click on its short link is)."""
    return click_post_link(viewer=viewer, actor=actor, post=post)
