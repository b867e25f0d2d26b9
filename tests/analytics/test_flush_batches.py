"""A flush's batch, whatever its page views share: the same lists of posts seen by several
viewers, one viewer's views out of order, lists that overlap, a list repeated with a post
deleted, a profile post (no community). What it writes equals what each page view alone
makes: one row of shown posts per page view (its posts by community), each post's impressions,
and a viewer's first view of a post at its earliest moment."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from communa.analytics.impressions import PageView, write_batch
from communa.analytics.models import PostViewer, ShownPosts
from communa.walls.actions.posts import create_post
from communa.walls.models import Post
from tests.factories import make_community, person

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_batch_with_shared_and_overlapping_lists_writes_what_each_view_makes():
    owner = person("olga")
    first, second = make_community(owner, slug="first"), make_community(owner, slug="second")
    a = [create_post(actor=owner, community=first, data={"body": f"A{i}"}) for i in range(3)]
    b = [create_post(actor=owner, community=second, data={"body": f"B{i}"}) for i in range(2)]
    profile = Post.objects.create(author=owner, profile=owner, body="mine", status="published")
    gone = create_post(actor=owner, community=first, data={"body": "deleted before the flush"})
    member = person("mira")
    feed = (a[0].pk, b[0].pk, a[1].pk, b[1].pk, profile.pk)  # two communities and a profile
    wall = (a[2].pk, a[1].pk, a[0].pk, gone.pk)
    views = [
        PageView(f"u{member.pk}", member.pk, "api", feed, T0 + timedelta(minutes=5)),
        PageView("vann", None, "web", wall, T0 + timedelta(minutes=3)),
        PageView(f"u{member.pk}", member.pk, "api", feed, T0 + timedelta(minutes=1)),  # earlier
        PageView("vbob", None, "mobile_web", wall, T0 + timedelta(minutes=2)),
        PageView("vann", None, "web", feed, T0 + timedelta(minutes=4)),  # overlaps the wall
        PageView("", None, "web", wall, T0 + timedelta(minutes=6)),  # no viewer key: no reach
        PageView("vann", None, "web", (a[0].pk, a[0].pk), T0),  # a post twice, earliest of all
    ]
    gone.delete()
    with transaction.atomic():
        written = write_batch(views)
    # each view alone: its posts that still exist, each once
    alive = {post.pk for post in [*a, *b, profile]}
    expected_impressions: Counter[int] = Counter()
    expected_first: dict[tuple[int, str], datetime] = {}
    expected_rows: Counter[tuple] = Counter()
    community_of = {post.pk: post.community_id for post in [*a, *b, profile]}
    for view in views:
        unique = [p for p in dict.fromkeys(view.post_ids) if p in alive]
        expected_impressions.update(unique)
        per_community: dict[int, list[int]] = {}
        for p in unique:
            if view.viewer:
                key = (p, view.viewer)
                expected_first[key] = min(expected_first.get(key, view.at), view.at)
            if community_of[p] is not None:
                per_community.setdefault(community_of[p], []).append(p)
        if per_community:
            parts = tuple((c, tuple(ids)) for c, ids in per_community.items())
            expected_rows[(view.user_id, view.viewer, view.platform, view.at, parts)] += 1
    assert written == sum(expected_impressions.values())
    counts = dict(Post.objects.filter(pk__in=alive).values_list("pk", "impression_count"))
    assert counts == {p: expected_impressions[p] for p in alive}
    reach = dict(Post.objects.filter(pk__in=alive).values_list("pk", "reach_count"))
    assert reach == {p: sum(1 for q, _v in expected_first if q == p) for p in alive}
    firsts = {(row.post_id, row.viewer): row.first_seen_at for row in PostViewer.objects.all()}
    assert firsts == expected_first
    rows = Counter(
        (r.user_id, r.viewer, r.platform, r.at, tuple((c, tuple(ids)) for c, ids in r.parts()))
        for r in ShownPosts.objects.all()
    )
    assert rows == expected_rows
    assert all(r.shown == len(r.ids()) for r in ShownPosts.objects.all())
    # a page of one community names it; a page of several names each post's
    assert {r.community_id for r in ShownPosts.objects.all()} == {first.pk, None}
    mixed = ShownPosts.objects.get(community_id=None, viewer="vann")
    assert mixed.community_ids == f"|{first.pk}||{second.pk}||{first.pk}||{second.pk}|"
