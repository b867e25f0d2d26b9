"""Scheduled publishing, exactly once (R8.3): the worker's two steps on due posts.

1. `claim_due_posts` moves a batch of due posts from scheduled to publishing under one claim
   token, in one transaction that skips rows another worker holds (`FOR UPDATE SKIP LOCKED` on
   PostgreSQL; on SQLite the one writer and the conditional UPDATE do the same). A claim older
   than COMMUNA_PUBLISH_LEASE_SECONDS belongs to a worker that died: it is taken over.
2. `publish_claimed_posts` moves the batch's posts that still carry this claim to published (or
   to pending, when a late post is held for review; or to failed, with the reason), and keeps
   each step in the history, in one transaction.

A worker killed before step 1 commits leaves the posts scheduled; killed between the steps, it
leaves them publishing under a claim that runs out and is taken over; killed during step 2,
nothing of it is written. Step 2 changes only rows whose claim is its own, so a post is never
published twice, and no post is lost.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.actions import notify
from communa.accounts.models import NotificationKind
from communa.communities.models import WallMode
from communa.core.conf import int_setting
from communa.walls.actions.drafts import record_transitions
from communa.walls.models import Post, PostStatus, PostTransition


@dataclass
class Published:
    """What one run of the publisher did."""

    published: int = 0
    held: int = 0
    failed: int = 0


def _claimable(now: datetime) -> Q:
    stale = now - timedelta(seconds=int_setting("PUBLISH_LEASE_SECONDS"))
    return Q(status=PostStatus.SCHEDULED, scheduled_at__lte=now) | Q(
        status=PostStatus.PUBLISHING, publish_claimed_at__lt=stale
    )


def claim_due_posts(*, claim: str, limit: int, now: datetime | None = None) -> list[int]:
    """Claim up to `limit` due posts, earliest first; the ids this claim now holds."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Post.objects.filter(_claimable(now)).order_by("scheduled_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due.values_list("id", "status")[:limit])
        if not rows:
            return []
        ids = [pk for pk, _status in rows]
        Post.objects.filter(_claimable(now), pk__in=ids).update(
            status=PostStatus.PUBLISHING,
            publish_claim=claim,
            publish_claimed_at=now,
            publish_attempts=F("publish_attempts") + 1,
        )
        mine = set(
            Post.objects.filter(
                pk__in=ids, status=PostStatus.PUBLISHING, publish_claim=claim
            ).values_list("id", flat=True)
        )
        for status in {status for _pk, status in rows}:
            record_transitions(
                [Post(pk=pk) for pk, was in rows if was == status and pk in mine],
                from_status=status,
                to_status=PostStatus.PUBLISHING,
                at=now,
            )
    return sorted(mine)


def _late_minutes(post: Post, now: datetime) -> int:
    if post.scheduled_at is None:
        return 0
    return max(0, int((now - post.scheduled_at).total_seconds() // 60))


def _late_note(post: Post, now: datetime, late_after: int) -> str:
    minutes = _late_minutes(post, now)
    return _("Late by %(n)d minutes") % {"n": minutes} if minutes * 60 > late_after else ""


def publish_claimed_posts(*, claim: str, ids: list[int], now: datetime | None = None) -> Published:
    """Publish the claimed posts that still carry `claim` (see the module's docstring)."""
    now = now or timezone.now()
    late_after = int_setting("PUBLISH_LATE_SECONDS")
    done = Published()
    with transaction.atomic():
        posts = list(
            Post.objects.filter(pk__in=ids, status=PostStatus.PUBLISHING, publish_claim=claim)
            .select_related("community")
            .only(
                "id",
                "author_id",
                "title",
                "body",
                "scheduled_at",
                "community__id",
                "community__name",
                "community__wall_mode",
                "community__hold_late_posts",
            )
        )
        out, held, failed = [], [], []
        for post in posts:
            community = post.community
            late = post.scheduled_at is not None and now - post.scheduled_at > timedelta(
                seconds=late_after
            )
            if community is None or community.wall_mode == WallMode.OFF:
                failed.append(post)
            elif late and community.hold_late_posts:
                held.append(post)
            else:
                out.append(post)
        mine = Post.objects.filter(status=PostStatus.PUBLISHING, publish_claim=claim)
        released = {"publish_claim": "", "publish_claimed_at": None}
        if out:
            mine.filter(pk__in=[p.pk for p in out]).update(
                status=PostStatus.PUBLISHED, published_at=now, publish_error="", **released
            )
            PostTransition.objects.bulk_create(
                PostTransition(
                    post_id=post.pk,
                    from_status=PostStatus.PUBLISHING,
                    to_status=PostStatus.PUBLISHED,
                    note=_late_note(post, now, late_after),
                    scheduled_at=post.scheduled_at,
                    at=now,
                )
                for post in out
            )
        for post in held:
            reason = _(
                "Late by %(n)d minutes: held for review, as the community asks. Approve it to"
                " publish it now or give it a new time."
            ) % {"n": _late_minutes(post, now)}
            mine.filter(pk=post.pk).update(
                status=PostStatus.PENDING, review_reason=reason, **released
            )
            record_transitions(
                [post],
                from_status=PostStatus.PUBLISHING,
                to_status=PostStatus.PENDING,
                note=reason,
                at=now,
            )
        for post in failed:
            reason = _("The community's wall is switched off.")
            mine.filter(pk=post.pk).update(
                status=PostStatus.FAILED, publish_error=reason, **released
            )
            record_transitions(
                [post],
                from_status=PostStatus.PUBLISHING,
                to_status=PostStatus.FAILED,
                note=reason,
                at=now,
            )
            notify(
                recipients=[post.author_id],
                kind=NotificationKind.POST_FAILED,
                community=post.community,
                subject=str(post)[:80],
            )
        done.published, done.held, done.failed = len(out), len(held), len(failed)
    return done


def publish_due_posts(*, limit: int | None = None) -> int:
    """Publish every post that is due now, a batch at a time (the worker calls this every
    COMMUNA_PUBLISH_SECONDS); returns how many posts it moved on."""
    batch = limit or int_setting("PUBLISH_BATCH")
    moved = 0
    while True:
        claim = uuid.uuid4().hex
        ids = claim_due_posts(claim=claim, limit=batch)
        if not ids:
            return moved
        result = publish_claimed_posts(claim=claim, ids=ids)
        moved += result.published + result.held + result.failed
