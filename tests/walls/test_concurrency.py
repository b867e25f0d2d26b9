"""Counters under concurrent writers stay exact: likes, comments, first views and pins.

PostgreSQL only, like tests/communities/test_concurrency.py: threads released together at a
barrier, each on its own connection, so the database's constraints decide who wins.
"""

from __future__ import annotations

import pytest
from django.db import connection

from communa.analytics.ingest import Viewer, record_impressions
from communa.analytics.models import Event, EventKind, PostViewer
from communa.communities.models import Role
from communa.core.errors import Conflict
from communa.walls.actions.comments import add_comment
from communa.walls.actions.interactions import like_post
from communa.walls.actions.posts import create_post, pin_post
from communa.walls.models import Comment, Like, Post
from tests.factories import add_member, make_community, person
from tests.support import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races need concurrent writers; SQLite runs one writer at a time",
    ),
]


def _community_with_post():
    owner = person()
    community = make_community(owner)
    post = create_post(actor=owner, community=community, data={"body": "Sharpen weekly."})
    return owner, community, post


def test_twenty_concurrent_likes_by_different_members_count_twenty():
    # given
    _owner, community, post = _community_with_post()
    members = [add_member(community) for _ in range(20)]
    # when
    _results, errors = run_together([lambda m=m: like_post(actor=m, post=post) for m in members])
    # then
    assert errors == []
    post.refresh_from_db()
    assert post.like_count == 20 == Like.objects.filter(post=post).count()
    assert Event.objects.filter(post=post, kind=EventKind.LIKE).count() == 20


def test_one_member_liking_five_times_at_once_counts_once():
    # given
    _owner, community, post = _community_with_post()
    member = add_member(community)
    # when
    results, errors = run_together([lambda: like_post(actor=member, post=post)] * 5)
    # then
    assert len(results) == 1
    assert len(errors) == 4
    assert all(isinstance(error, Conflict) for error in errors)
    post.refresh_from_db()
    assert post.like_count == 1 == Like.objects.filter(post=post).count()


def test_concurrent_comments_keep_the_comment_count_exact():
    # given
    _owner, community, post = _community_with_post()
    members = [add_member(community) for _ in range(12)]
    # when
    _results, errors = run_together(
        [lambda m=m: add_comment(actor=m, post=post, body=f"Nice, {m.username}") for m in members]
    )
    # then
    assert errors == []
    post.refresh_from_db()
    assert post.comment_count == 12 == Comment.objects.filter(post=post).count()


def test_concurrent_first_views_by_one_viewer_count_one_reach_and_every_impression():
    # given
    _owner, _community, post = _community_with_post()
    viewer = Viewer(user_id=None, key="vsame-visitor", platform="web")
    # when
    _results, errors = run_together([lambda: record_impressions(viewer, [post])] * 8)
    # then
    assert errors == []
    post.refresh_from_db()
    assert post.reach_count == 1 == PostViewer.objects.filter(post=post).count()
    assert post.impression_count == 8
    assert Event.objects.filter(post=post, kind=EventKind.IMPRESSION).count() == 8


def test_concurrent_pins_leave_exactly_one_pinned_post():
    # given
    owner, community, _post = _community_with_post()
    editor = add_member(community, role=Role.EDITOR)
    posts = [
        create_post(actor=owner, community=community, data={"body": f"Candidate {i}"})
        for i in range(4)
    ]
    # when
    calls = [lambda p=p: pin_post(actor=editor, post=p) for p in posts]
    _results, errors = run_together(calls)
    # then
    assert all(isinstance(error, Conflict) for error in errors)
    assert Post.objects.filter(community=community, pinned=True).count() == 1
