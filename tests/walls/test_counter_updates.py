"""A counter's UPDATE is the cheapest write a post gets: the content-version trigger stays out of
it, and PostgreSQL keeps room in the pages for the row's next version (migration 0009)."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.models import F

from communa.walls.models import Comment, Post
from tests.factories import make_community, person
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

counters = importlib.import_module(
    "communa.walls.migrations.0009_counter_updates_skip_content_trigger"
)


def _version(post: Post) -> int:
    return Post.objects.values_list("content_version", flat=True).get(pk=post.pk)


def _trigger_calls() -> int:
    """How often the content trigger's function ran in this transaction (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_function_calls('walls_post_keep_content_version'::regproc)"
        )
        return cursor.fetchone()[0] or 0


def test_counters_leave_the_content_version_and_content_raises_it():
    # given a post
    post = make_post(make_community(person(), privacy="open"))
    before = _version(post)
    # when its counters move
    Post.objects.filter(pk=post.pk).update(
        like_count=F("like_count") + 1, impression_count=F("impression_count") + 30
    )
    # then its content version is the same
    assert _version(post) == before
    # when its title is written unchanged, then still the same
    Post.objects.filter(pk=post.pk).update(title=post.title)
    assert _version(post) == before
    # when its text changes, then it is one higher
    Post.objects.filter(pk=post.pk).update(body="Rye at noon")
    assert _version(post) == before + 1
    # and a whole save() from a copy read before an image raised the version keeps the higher
    stale = Post.objects.get(pk=post.pk)
    Post.objects.filter(pk=post.pk).update(content_version=F("content_version") + 1)
    stale.like_count = 7
    stale.save()
    assert _version(post) == before + 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's function statistics")
def test_the_trigger_runs_only_for_updates_that_name_content_or_the_version():
    post = make_post(make_community(person(), privacy="open"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL track_functions = 'pl'")
    # a counter's UPDATE: not run
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    assert _trigger_calls() == 0
    # an UPDATE of the text, of the version, and a whole save(): run once each
    Post.objects.filter(pk=post.pk).update(body="Rye at noon")
    Post.objects.filter(pk=post.pk).update(content_version=F("content_version") + 1)
    Post.objects.get(pk=post.pk).save()
    assert _trigger_calls() == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's trigger text")
def test_sqlites_trigger_names_the_content_columns():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger'"
            " AND name = 'walls_post_content_changed'"
        )
        (sql,) = cursor.fetchone()
    named = sql.split(" OF ", 1)[1].split(" ON ", 1)[0]
    assert [column.strip() for column in named.split(",")] == list(counters.CONTENT_COLUMNS)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's fillfactor")
def test_post_and_comment_pages_keep_room_for_counter_updates():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)",
            [[Post._meta.db_table, Comment._meta.db_table]],
        )
        options = dict(cursor.fetchall())
    assert options[Post._meta.db_table] == [f"fillfactor={counters.POST_FILLFACTOR}"]
    assert options[Comment._meta.db_table] == [f"fillfactor={counters.COMMENT_FILLFACTOR}"]
