"""Scheduled publishing, exactly once (R8.3): due posts go out once, late ones are marked or
held, two workers never take the same post, and a worker killed at any point loses none."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from communa.communities.models import Community, Role, WallMode
from communa.walls.actions import drafts
from communa.walls.actions.publishing import (
    claim_due_posts,
    publish_claimed_posts,
    publish_due_posts,
)
from communa.walls.models import Post, PostStatus, PostTransition
from tests.factories import add_member, make_community, person
from tests.support import database_url_for_subprocess, run_together, run_worker_batch

REPO = Path(__file__).resolve().parents[2]


def _scheduled(count: int, *, due_minutes_ago: float = 0.5, community=None) -> list[Post]:
    """`count` scheduled posts of one group, due `due_minutes_ago` minutes ago."""
    owner = person()
    community = community or make_community(owner)
    editor = add_member(community, person(), role=Role.EDITOR)
    posts = [
        drafts.create_draft(actor=editor, community=community, data={"body": f"Post {i}"})
        for i in range(count)
    ]
    due = timezone.now() - timedelta(minutes=due_minutes_ago)
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(
        status=PostStatus.SCHEDULED, scheduled_at=due
    )
    return posts


def _statuses(posts) -> list[str]:
    return list(
        Post.objects.filter(pk__in=[p.pk for p in posts])
        .order_by("id")
        .values_list("status", flat=True)
    )


@pytest.mark.django_db
def test_a_due_post_is_published_once_and_a_future_one_waits():
    # given one post due now and one due tomorrow
    due = _scheduled(1)[0]
    future = _scheduled(1)[0]
    Post.objects.filter(pk=future.pk).update(scheduled_at=timezone.now() + timedelta(days=1))
    # when the publisher runs twice
    assert publish_due_posts() == 1
    assert publish_due_posts() == 0
    # then the due post is out once, with its history; the other still waits
    due.refresh_from_db()
    assert due.status == PostStatus.PUBLISHED
    assert due.published_at is not None
    assert due.publish_claim == ""
    assert _statuses([future]) == [PostStatus.SCHEDULED]
    assert list(
        PostTransition.objects.filter(post=due)
        .order_by("at", "id")
        .values_list("from_status", "to_status")
    )[-2:] == [("scheduled", "publishing"), ("publishing", "published")]


@pytest.mark.django_db
def test_a_post_whose_time_passed_while_no_worker_ran_is_published_marked_late():
    post = _scheduled(1, due_minutes_ago=45)[0]
    publish_due_posts()
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    note = PostTransition.objects.filter(post=post, to_status="published").get().note
    assert note == "Late by 45 minutes"


@pytest.mark.django_db
def test_a_late_post_is_held_for_review_where_the_community_asks():
    community = make_community(person())
    Community.objects.filter(pk=community.pk).update(hold_late_posts=True)
    late = _scheduled(1, due_minutes_ago=30, community=community)[0]
    on_time = _scheduled(1, due_minutes_ago=1, community=community)[0]
    publish_due_posts()
    late.refresh_from_db()
    assert late.status == PostStatus.PENDING
    assert "Late by 30 minutes" in late.review_reason
    assert _statuses([on_time]) == [PostStatus.PUBLISHED]


@pytest.mark.django_db
def test_a_post_that_cannot_go_out_fails_with_the_reason_and_can_be_retried():
    owner = person()
    community = make_community(owner)
    post = _scheduled(1, community=community)[0]
    Community.objects.filter(pk=community.pk).update(wall_mode=WallMode.OFF)
    publish_due_posts()
    post.refresh_from_db()
    assert post.status == PostStatus.FAILED
    assert "switched off" in post.publish_error
    # when the wall is on again and the owner retries it
    Community.objects.filter(pk=community.pk).update(wall_mode=WallMode.OPEN)
    drafts.schedule_draft(actor=owner, post=post, at=timezone.now())
    publish_due_posts()
    assert _statuses([post]) == [PostStatus.PUBLISHED]


@pytest.mark.django_db
def test_a_claim_of_a_worker_that_died_is_taken_over_and_its_late_step_changes_nothing(settings):
    posts = _scheduled(3)
    # given a worker that claimed the batch and died
    dead = claim_due_posts(claim="dead", limit=10)
    assert len(dead) == 3
    # when its claim runs out and another worker publishes
    settings.COMMUNA = {**settings.COMMUNA, "PUBLISH_LEASE_SECONDS": 0}
    later = timezone.now() + timedelta(seconds=1)
    mine = claim_due_posts(claim="alive", limit=10, now=later)
    assert publish_claimed_posts(claim="alive", ids=mine, now=later).published == 3
    # then the dead worker's publishing step, should it wake up, changes nothing
    assert publish_claimed_posts(claim="dead", ids=dead).published == 0
    assert _statuses(posts) == [PostStatus.PUBLISHED] * 3
    assert PostTransition.objects.filter(post__in=posts, to_status="published").count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_worker_publishes_due_posts(tmp_path):
    posts = _scheduled(2)
    run_worker_batch(tmp_path)
    assert _statuses(posts) == [PostStatus.PUBLISHED] * 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent workers need concurrent writers"
)
def test_four_workers_at_once_publish_each_post_exactly_once(settings):
    posts = _scheduled(60)
    settings.COMMUNA = {**settings.COMMUNA, "PUBLISH_BATCH": 7}
    results, errors = run_together([lambda: publish_due_posts(limit=7) for _ in range(4)])
    assert not errors
    assert sum(results) == 60
    assert _statuses(posts) == [PostStatus.PUBLISHED] * 60
    assert PostTransition.objects.filter(post__in=posts, to_status="published").count() == 60


def _wait_for_backend_gone(pid: int) -> None:
    deadline = time.monotonic() + 20
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                return
        assert time.monotonic() < deadline, "the killed worker's connection never closed"
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("stage", ["claimed", "publishing"])
def test_a_worker_killed_at_any_point_publishes_nothing_twice_and_loses_nothing(
    settings, stage, tmp_path
):
    # given due posts
    posts = _scheduled(5)
    # when a publishing process is killed (SIGKILL) at this point of its run
    killed = subprocess.run(
        [sys.executable, "-m", "tests.walls.publish_until_killed", stage],
        env={
            **os.environ,
            "COMMUNA_DATABASE_URL": database_url_for_subprocess(),
            "COMMUNA_VAR_DIR": str(tmp_path),
        },
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -9, killed.stderr
    if connection.vendor == "postgresql":
        _wait_for_backend_gone(int(killed.stdout.split()[0]))
    # then its committed claim is all it left: nothing of its publishing step
    assert _statuses(posts) == [PostStatus.PUBLISHING] * 5
    assert not PostTransition.objects.filter(post__in=posts, to_status="published").exists()
    # and the next worker takes over what it left (its claim counts as run out at once here)
    settings.COMMUNA = {**settings.COMMUNA, "PUBLISH_LEASE_SECONDS": 0}
    time.sleep(0.01)  # the claim must be older than now: a lease of 0 s means "any time before"
    assert publish_due_posts() == 5
    # then every post is out exactly once
    assert _statuses(posts) == [PostStatus.PUBLISHED] * 5
    assert PostTransition.objects.filter(post__in=posts, to_status="published").count() == 5
    assert publish_due_posts() == 0


@pytest.mark.django_db
def test_a_late_post_held_for_review_is_published_when_approved_without_a_new_time():
    community = make_community(person())
    Community.objects.filter(pk=community.pk).update(hold_late_posts=True)
    late = _scheduled(1, due_minutes_ago=30, community=community)[0]
    publish_due_posts()
    late.refresh_from_db()
    assert late.status == PostStatus.PENDING
    owner = community.memberships.get(role=Role.OWNER).user
    drafts.approve_draft(actor=owner, post=late)
    late.refresh_from_db()
    assert late.status == PostStatus.PUBLISHED
    assert late.published_at is not None
