"""The planner's drafts (R8.3): write, send for approval, return with a comment, approve,
schedule, move, publish now, retry. Each step is a conditional status move (walls/states.py), so
two people deciding at once cannot both win, and each is kept as a `PostTransition` row: the
draft's history of who did what and when.

Approval: where the community asks for it (`Community.approval_required`, on by default for
public pages), an administrator or the owner who is not the draft's author approves it; elsewhere
editors schedule their drafts themselves. Ad-hoc posts straight to the wall stay possible.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import IO, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.actions import notify
from communa.accounts.models import NotificationKind, User
from communa.communities.models import Community, Membership, Role
from communa.communities.permissions import Action, can, require
from communa.core.audit import record_audit
from communa.core.conf import int_setting
from communa.core.errors import Conflict, PermissionRefused, ValidationFailed
from communa.walls.access import require_post_visible, require_signature
from communa.walls.actions.posts import _locked, _new_post
from communa.walls.models import DRAFT_STATUSES, Post, PostStatus, PostTransition
from communa.walls.states import move_post

NOTE_MAX = 1000


def _community(post: Post) -> Community:
    if post.community is None or post.status not in DRAFT_STATUSES:
        raise PermissionRefused(_("This post is not a draft."))
    return post.community


def _planning(actor: User, post: Post) -> Community:
    """The draft's community, once the actor may see the draft and plan there (a 404 before a
    403, so nobody learns of a draft they may not see)."""
    require_post_visible(actor, post)
    community = _community(post)
    require(actor, Action.PLAN_CONTENT, community)
    return community


def record_transitions(
    posts: Iterable[Post],
    *,
    from_status: str,
    to_status: str,
    actor: User | None = None,
    note: str = "",
    at: datetime | None = None,
) -> None:
    """Keep one step of each post's history (one INSERT for any number of posts)."""
    moment = at or timezone.now()
    PostTransition.objects.bulk_create(
        PostTransition(
            post_id=post.pk,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            note=note[:NOTE_MAX],
            scheduled_at=post.scheduled_at,
            at=moment,
        )
        for post in posts
    )


def _future(at: datetime | None, *, field: str = "scheduled_at") -> datetime:
    """A publishing time must be given, aware, and still ahead (a minute of slack for typing)."""
    if at is None:
        raise ValidationFailed(fields={field: [_("Choose when the post goes out.")]})
    if timezone.is_naive(at):
        raise ValidationFailed(fields={field: [_("Give the time with its time zone.")]})
    now = timezone.now()
    if at < now - timedelta(minutes=1):
        raise ValidationFailed(
            fields={field: [_("This time has passed: choose a time in the future.")]}
        )
    horizon = int_setting("PLAN_HORIZON_DAYS")
    if at > now + timedelta(days=horizon):
        raise ValidationFailed(
            fields={
                field: [
                    _("Plan at most %(days)d days ahead.") % {"days": horizon},
                ]
            }
        )
    return at


def _approvers(community: Community) -> list[int]:
    return list(
        Membership.objects.filter(
            community=community, role__in=[Role.OWNER, Role.ADMIN]
        ).values_list("user_id", flat=True)
    )


def _url(post: Post) -> str:
    return reverse("walls:post", args=[post.pk])


def _move(
    post: Post,
    to: str,
    *,
    actor: User | None,
    note: str = "",
    extra: dict[str, Any] | None = None,
    allowed: Iterable[str],
) -> None:
    """Move the locked draft from one of `allowed` to `to`, and keep the step."""
    before = post.status
    if before not in allowed or not move_post(post, to, since=before, by=actor, extra=extra):
        raise Conflict(_("This draft has changed meanwhile; reload it and try again."))
    record_transitions([post], from_status=before, to_status=to, actor=actor, note=note)


def create_draft(
    *,
    actor: User,
    community: Community,
    data: dict[str, Any],
    scheduled_at: datetime | None = None,
    images: list[IO[bytes]] | None = None,
    document: IO[bytes] | None = None,
    document_name: str = "",
    ip: str | None = None,
) -> Post:
    """Write a draft with the full composer (text, images, long-read, labels, signature),
    optionally at a planned time; it goes nowhere until it is scheduled or approved."""
    require(actor, Action.PLAN_CONTENT, community)
    require_signature(data.get("signed_as"), team=True)
    if scheduled_at is not None:
        _future(scheduled_at)
    post = _new_post(
        actor=actor,
        community=community,
        data=data,
        images=images or [],
        document=document,
        document_name=document_name,
        status=PostStatus.DRAFT,
        team=True,
        ip=ip,
    )
    if scheduled_at is not None:
        Post.objects.filter(pk=post.pk).update(scheduled_at=scheduled_at)
        post.scheduled_at = scheduled_at
    record_transitions([post], from_status="", to_status=PostStatus.DRAFT, actor=actor)
    return post


def set_draft_time(*, actor: User, post: Post, at: datetime | None) -> Post:
    """Move a draft on the calendar (drag and drop, or the form); a scheduled post keeps its
    approval and goes out at the new time. `None` takes a draft off the calendar."""
    _planning(actor, post)
    if at is not None:
        _future(at)
    with transaction.atomic():
        post = _locked(post)
        if post.status not in (PostStatus.DRAFT, PostStatus.PENDING, PostStatus.SCHEDULED):
            raise Conflict(_("This post can no longer be moved."))
        if at is None and post.status == PostStatus.SCHEDULED:
            raise ValidationFailed(
                fields={"scheduled_at": [_("A scheduled post needs a time; unschedule it first.")]}
            )
        before = post.scheduled_at
        Post.objects.filter(pk=post.pk).update(scheduled_at=at)
        post.scheduled_at = at
        note = _("Moved from %(before)s") % {"before": before.isoformat()} if before else ""
        record_transitions(
            [post], from_status=post.status, to_status=post.status, actor=actor, note=note
        )
    return post


def submit_draft(*, actor: User, post: Post) -> Post:
    """Send a draft for approval; the community's administrators and owner are told."""
    community = _planning(actor, post)
    with transaction.atomic():
        post = _locked(post)
        _move(
            post,
            PostStatus.PENDING,
            actor=actor,
            allowed=[PostStatus.DRAFT],
            extra={"review_reason": ""},
        )
        notify(
            recipients=_approvers(community),
            kind=NotificationKind.DRAFT_WAITING,
            actor=actor,
            community=community,
            subject=str(post)[:80],
            url=_url(post),
        )
    return post


def withdraw_draft(*, actor: User, post: Post) -> Post:
    """Take a draft back from approval, or off the schedule, to change it further."""
    _planning(actor, post)
    with transaction.atomic():
        post = _locked(post)
        _move(
            post,
            PostStatus.DRAFT,
            actor=actor,
            allowed=[PostStatus.PENDING, PostStatus.SCHEDULED, PostStatus.FAILED],
        )
    return post


def _require_second_person(actor: User, post: Post, community: Community) -> None:
    require(actor, Action.APPROVE_POSTS, community)
    if community.approval_required and post.author_id == actor.pk:
        raise PermissionRefused(
            _("In this community another administrator or the owner approves your own drafts.")
        )


def return_draft(*, actor: User, post: Post, comment: str) -> Post:
    """Send a draft back to its author with a comment they see; they edit and send it again."""
    require_post_visible(actor, post)
    community = _community(post)
    _require_second_person(actor, post, community)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed(fields={"comment": [_("Tell the author what to change.")]})
    if len(comment) > NOTE_MAX:
        raise ValidationFailed(
            fields={"comment": [_("A comment has at most %(n)d characters.") % {"n": NOTE_MAX}]}
        )
    with transaction.atomic():
        post = _locked(post)
        now = timezone.now()
        _move(
            post,
            PostStatus.DRAFT,
            actor=actor,
            note=comment,
            allowed=[PostStatus.PENDING],
            extra={"review_reason": comment, "reviewed_by": actor, "reviewed_at": now},
        )
        notify(
            recipients=[post.author_id],
            kind=NotificationKind.DRAFT_RETURNED,
            actor=actor,
            community=community,
            subject=str(post)[:80],
            url=_url(post),
        )
    return post


def approve_draft(*, actor: User, post: Post, at: datetime | None = None) -> Post:
    """Approve a draft waiting for approval: it is scheduled for `at` (or its planned time), or
    published now when it has no time or its time has passed. An author never approves their
    own draft where the community asks for a second person."""
    require_post_visible(actor, post)
    community = _community(post)
    _require_second_person(actor, post, community)
    with transaction.atomic():
        post = _locked(post)
        now = timezone.now()
        when = at or post.scheduled_at
        if at is None and when is not None and when < now:
            # Its time passed while it waited (or it was held for being late): approved without
            # a new time, it goes out now, as a held late post's reason says.
            when = None
        extra: dict[str, Any] = {"review_reason": "", "reviewed_by": actor, "reviewed_at": now}
        to = PostStatus.PUBLISHED
        if when is not None:
            extra["scheduled_at"] = _future(when)
            to = PostStatus.SCHEDULED
        _move(post, to, actor=actor, allowed=[PostStatus.PENDING], extra=extra)
        record_audit(actor=actor, community=community, action="draft.approve", target=post)
        notify(
            recipients=[post.author_id],
            kind=NotificationKind.DRAFT_APPROVED,
            actor=actor,
            community=community,
            subject=str(post)[:80],
            url=_url(post),
        )
    return post


def _may_skip_approval(actor: User, post: Post, community: Community) -> None:
    if community.approval_required and (
        not can(actor, Action.APPROVE_POSTS, community) or post.author_id == actor.pk
    ):
        raise PermissionRefused(
            _("Drafts in this community need approval: send this one for approval.")
        )


def schedule_draft(*, actor: User, post: Post, at: datetime | None = None) -> Post:
    """Schedule a draft (or retry a failed post) for `at` or its planned time, where no
    approval is needed."""
    community = _planning(actor, post)
    _may_skip_approval(actor, post, community)
    with transaction.atomic():
        post = _locked(post)
        when = _future(at or post.scheduled_at)
        _move(
            post,
            PostStatus.SCHEDULED,
            actor=actor,
            allowed=[PostStatus.DRAFT, PostStatus.FAILED],
            extra={"scheduled_at": when, "publish_error": "", "publish_claim": ""},
        )
    return post


def publish_draft_now(*, actor: User, post: Post) -> Post:
    """Publish a draft or a scheduled post at once (the plan is a guide, R8.7)."""
    community = _planning(actor, post)
    _may_skip_approval(actor, post, community)
    with transaction.atomic():
        post = _locked(post)
        _move(
            post,
            PostStatus.PUBLISHED,
            actor=actor,
            allowed=[PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.FAILED],
            extra={"publish_claim": "", "publish_error": ""},
        )
        record_audit(actor=actor, community=community, action="post.publish", target=post)
    return post
