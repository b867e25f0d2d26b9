"""The facts a published post's rates divide by, fixed once by the worker's rollup (ADR 0015):
the members of its community at its publication (METRICS.md: old posts do not change as the
community grows)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from communa.analytics.metrics.audience import members_at_moments
from communa.analytics.models import PostFacts, RollupState
from communa.core.conf import int_setting
from communa.walls.models import Post, PostStatus

_POST_FACTS_BATCH = 500
POST_FACTS, POST_FACTS_SWEEP = "post_facts", "post_facts_sweep"
# How far before the last run's start a run reads again: a post is stamped with its publication
# moment before its transaction commits, and another machine's clock may run behind.
_LATE_PUBLICATION = timedelta(hours=1)
_NEVER = datetime(2000, 1, 1, tzinfo=UTC)


def roll_up_post_facts(*, sweep: bool = False) -> int:
    """Fix the members at publication of posts published since the last run (the membership
    history of each community read once for all its new posts).

    A run reads the posts published since the last run began (less `_LATE_PUBLICATION`), not
    every published post: on a site of many posts that search cost more than all the rest of
    a rollup. Every `POST_FACTS_SWEEP_SECONDS`, or with `sweep`, it looks at every published
    post, for a post stored with an earlier moment (a restore, an import). A post without
    facts yet is not wrong meanwhile: its figures count its members at publication from the
    membership history (`metrics.posts`)."""
    now = timezone.now()
    since = _read_since(now, sweep=sweep)
    published = Post.objects.filter(
        status=PostStatus.PUBLISHED, published_at__isnull=False, community__isnull=False
    )
    if since is not None:
        published = published.filter(published_at__gte=since - _LATE_PUBLICATION)
    missing = list(
        published.exclude(Exists(PostFacts.objects.filter(post_id=OuterRef("pk"))))
        .order_by("published_at", "pk")
        .values_list("pk", "community_id", "published_at")[:_POST_FACTS_BATCH]
    )
    by_community: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for pk, community_id, published_at in missing:
        if community_id is not None and published_at is not None:
            by_community[community_id].append((pk, published_at))
    facts = []
    for community_id, posts in by_community.items():
        members = members_at_moments(community_id, [at for _pk, at in posts])
        facts += [
            PostFacts(
                post_id=pk,
                community_id=community_id,
                published_at=at,
                members_at_publication=count,
            )
            for (pk, at), count in zip(posts, members, strict=True)
        ]
    PostFacts.objects.bulk_create(facts, ignore_conflicts=True)
    if len(missing) < _POST_FACTS_BATCH:
        # Read to the end: the next run starts from this one (a full batch reads again).
        names = [POST_FACTS] if since is not None else [POST_FACTS, POST_FACTS_SWEEP]
        RollupState.objects.filter(name__in=names).update(seen_at=now)
    return len(missing)


def _read_since(now: datetime, *, sweep: bool) -> datetime | None:
    """From when this run reads the posts' publication moments; None: from the first (the
    first run, a sweep). A state not yet written reads as never."""
    seen = {
        name: RollupState.objects.get_or_create(name=name, defaults={"seen_at": _NEVER})[0].seen_at
        for name in (POST_FACTS, POST_FACTS_SWEEP)
    }
    every = timedelta(seconds=int_setting("POST_FACTS_SWEEP_SECONDS"))
    if sweep or now - seen[POST_FACTS_SWEEP] >= every:
        return None
    return seen[POST_FACTS]
