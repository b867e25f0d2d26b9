"""Buffered impressions: a page appends one record, the worker's flush counts each exactly once.

Every test runs with the database buffer and with the real Redis (COMMUNA_TEST_REDIS_URL), on
whichever database the suite runs on (SQLite or PostgreSQL).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from communa.analytics.impressions import flush_impressions, pending_page_views
from communa.analytics.ingest import Viewer, record_impressions
from communa.analytics.models import (
    Event,
    ImpressionBuffer,
    Platform,
    PostViewer,
    ShownPosts,
)
from communa.walls.actions.posts import create_post
from tests.factories import make_community, person
from tests.support import database_url_for_subprocess, run_together, run_worker_batch

REDIS_URL = os.environ.get("COMMUNA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["database", "redis"])
def buffered(request, settings) -> Iterator[dict[str, str]]:
    """Buffered mode on the parametrised buffer; yields the environment of a flushing process."""
    prefix = f"test:imp:{uuid.uuid4().hex}:"
    settings.COMMUNA = {
        **settings.COMMUNA,
        "IMPRESSIONS_MODE": "buffered",
        "IMPRESSIONS_BUFFER": request.param,
        "IMPRESSIONS_REDIS_PREFIX": prefix,
    }
    env = {"COMMUNA_IMPRESSIONS_MODE": "buffered", "COMMUNA_IMPRESSIONS_BUFFER": request.param}
    if request.param == "redis":
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        client.ping()  # fails loudly when Redis is not running: these tests need the real one
        settings.REDIS_URL = REDIS_URL
        env |= {"COMMUNA_REDIS_URL": REDIS_URL, "COMMUNA_IMPRESSIONS_REDIS_PREFIX": prefix}
        yield env
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    else:
        settings.REDIS_URL = ""
        yield env


def _posts(count: int):
    owner = person()
    community = make_community(owner)
    return [
        create_post(actor=owner, community=community, data={"body": f"Post {i}"})
        for i in range(count)
    ]


def _counts(posts) -> list[tuple[int, int]]:
    for post in posts:
        post.refresh_from_db()
    return [(post.impression_count, post.reach_count) for post in posts]


def shown(**where) -> int:
    """The impressions the flush wrote: each row of shown posts stands for its posts."""
    rows = ShownPosts.objects.filter(**where)
    assert all(row.shown == len(row.ids()) for row in rows)
    return sum(row.shown for row in rows)


def _show_pages(posts) -> list[tuple[int, int]]:
    """Alice sees the three posts twice, Bob the first, Carol (a member) the first two;
    returns the (impressions, reach) each post must end with."""
    carol = person()
    alice = Viewer(user_id=None, key="valice", platform=Platform.WEB)
    bob = Viewer(user_id=None, key="vbob", platform=Platform.MOBILE_WEB)
    member = Viewer(user_id=carol.pk, key=f"u{carol.pk}", platform=Platform.API)
    record_impressions(alice, posts)
    record_impressions(alice, posts)
    record_impressions(bob, posts[:1])
    record_impressions(member, posts[:2])
    return [(4, 3), (3, 2), (2, 1)]


def _wait_until(condition: Callable[[], bool], seconds: float = 20) -> None:
    """Poll a condition another process makes true (a dead client's transaction rolled back)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never became true"
        time.sleep(0.05)


def _backend_gone(pid: int) -> Callable[[], bool]:
    def gone() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            return cursor.fetchone()[0] == 0

    return gone


@pytest.mark.django_db
def test_a_page_view_is_one_buffered_record_and_counts_only_when_flushed(buffered):
    # given
    posts = _posts(3)
    viewer = Viewer(user_id=None, key="valice", platform=Platform.WEB)
    # when
    record_impressions(viewer, posts)
    # then nothing is written yet but the record
    assert _counts(posts) == [(0, 0)] * 3
    assert not Event.objects.exists()
    assert not ShownPosts.objects.exists()
    assert pending_page_views() == 1
    # when the worker flushes
    assert flush_impressions() == 3
    # then
    assert _counts(posts) == [(1, 1)] * 3
    assert pending_page_views() == 0
    assert shown(viewer="valice") == 3


@pytest.mark.django_db
def test_each_showing_is_an_impression_and_a_viewer_counts_once_across_flushes(buffered):
    # given
    posts = _posts(3)
    # when the views are flushed in batches of one page view, and some views come after a flush
    viewer = Viewer(user_id=None, key="valice", platform=Platform.WEB)
    record_impressions(viewer, posts)
    flush_impressions()
    expected = _show_pages(posts)
    flush_impressions(max_batches=1)
    flush_impressions()
    # then
    assert _counts(posts) == [(imp + 1, reach) for imp, reach in expected]
    assert PostViewer.objects.filter(post__in=posts).count() == 6
    assert shown() == 12


@pytest.mark.django_db
def test_a_buffered_page_view_costs_one_query_on_the_database_buffer(
    settings, django_assert_num_queries
):
    settings.REDIS_URL = ""
    settings.COMMUNA = {
        **settings.COMMUNA,
        "IMPRESSIONS_MODE": "buffered",
        "IMPRESSIONS_BUFFER": "database",
    }
    posts = _posts(30)
    viewer = Viewer(user_id=None, key="vsomeone", platform=Platform.WEB)
    with django_assert_num_queries(1):
        record_impressions(viewer, posts)
    assert ImpressionBuffer.objects.get().post_ids == ",".join(str(p.pk) for p in posts)


@pytest.mark.django_db
def test_views_of_a_post_deleted_before_the_flush_are_dropped_and_the_rest_count(buffered):
    # given
    posts = _posts(2)
    viewer = Viewer(user_id=None, key="valice", platform=Platform.WEB)
    record_impressions(viewer, posts)
    # when
    posts[0].delete()
    written = flush_impressions()
    # then
    assert written == 1
    assert _counts(posts[1:]) == [(1, 1)]
    assert pending_page_views() == 0


@pytest.mark.django_db
def test_a_page_in_buffered_mode_counts_after_the_flush(buffered):
    community = make_community(person())
    post = create_post(actor=community.created_by, community=community, data={"body": "Hello"})
    browser = Client(HTTP_USER_AGENT="Firefox")
    assert browser.get(f"/c/{community.slug}/wall/").status_code == 200
    assert browser.get(f"/api/communities/{community.slug}/wall").status_code == 200
    assert _counts([post]) == [(0, 0)]
    call_command("flush_impressions", verbosity=0)
    assert _counts([post]) == [(2, 1)]  # the same browser (its cookie) on both: one viewer


@pytest.mark.django_db
def test_switching_impressions_off_or_a_crawler_buffers_nothing(buffered, settings):
    community = make_community(person())
    create_post(actor=community.created_by, community=community, data={"body": "Hello"})
    Client(HTTP_USER_AGENT="curl/8.5.0").get(f"/c/{community.slug}/wall/")
    settings.COMMUNA = {**settings.COMMUNA, "RECORD_IMPRESSIONS": False}
    Client(HTTP_USER_AGENT="Firefox").get(f"/c/{community.slug}/wall/")
    assert pending_page_views() == 0


def _buffered_in_redis_at(settings, url: str):
    """Buffered mode on the Redis at `url`; two posts to show."""
    settings.REDIS_URL = url
    settings.COMMUNA = {
        **settings.COMMUNA,
        "IMPRESSIONS_MODE": "buffered",
        "IMPRESSIONS_BUFFER": "redis",
    }
    return _posts(2)


@pytest.mark.django_db
def test_when_redis_is_away_page_views_go_to_the_database_buffer(settings):
    # given a Redis that does not answer
    posts = _buffered_in_redis_at(settings, "redis://127.0.0.1:1/0")
    # when
    record_impressions(Viewer(user_id=None, key="valice", platform=Platform.WEB), posts)
    # then the view waits in the database, and the database buffer alone flushes it
    assert ImpressionBuffer.objects.count() == 1
    settings.COMMUNA = {**settings.COMMUNA, "IMPRESSIONS_BUFFER": "database"}
    assert flush_impressions() == 2
    assert _counts(posts) == [(1, 1)] * 2


def _commands(peer: socket.socket) -> Iterator[list[bytes]]:
    """The commands a Redis client sends on this socket (RESP arrays of bulk strings)."""
    stream = peer.makefile("rb")
    while header := stream.readline():
        arguments = []
        for _ in range(int(header[1:])):
            length = int(stream.readline()[1:])
            arguments.append(stream.read(length + 2)[:-2])
        yield arguments


@pytest.fixture
def silent_redis() -> Iterator[str]:
    """A Redis URL whose server answers the client's greeting and never answers an RPUSH."""
    server = socket.create_server(("127.0.0.1", 0))
    taken: list[socket.socket] = []

    def serve(peer: socket.socket) -> None:
        for command in _commands(peer):
            name = command[0].upper()
            if name == b"HELLO":  # the greeting: RESP3, as Redis 6+ answers it
                peer.sendall(b"%1\r\n+proto\r\n:3\r\n")
            elif name != b"RPUSH":
                peer.sendall(b"+OK\r\n")

    def take() -> None:
        while True:
            try:
                peer, _address = server.accept()
            except OSError:
                return
            taken.append(peer)
            threading.Thread(target=serve, args=(peer,), daemon=True).start()

    threading.Thread(target=take, daemon=True).start()
    port = server.getsockname()[1]
    yield f"redis://127.0.0.1:{port}/0?socket_timeout=0.5"
    server.close()
    for peer in taken:
        peer.close()


@pytest.mark.django_db
def test_a_page_view_does_not_wait_for_redis_and_one_never_answered_still_counts(
    settings, silent_redis
):
    # given a Redis that takes page views and never answers
    posts = _buffered_in_redis_at(settings, silent_redis)
    # when a page shows the posts
    record_impressions(Viewer(user_id=None, key="valice", platform=Platform.WEB), posts)
    # then the page went on without Redis's answer: nothing went to the database buffer yet
    assert ImpressionBuffer.objects.count() == 0
    # when the process next reads the buffers, the answer it waits for never comes: the view
    # goes to the database buffer, once
    settings.COMMUNA = {**settings.COMMUNA, "IMPRESSIONS_BUFFER": "database"}
    assert pending_page_views() == 1
    assert flush_impressions() == 2
    assert _counts(posts) == [(1, 1)] * 2


@pytest.mark.django_db
def test_a_page_view_redis_refuses_counts_through_the_database(buffered, settings):
    # given a Redis that refuses the append (the buffer's key holds a string)
    import redis

    if settings.COMMUNA["IMPRESSIONS_BUFFER"] != "redis":
        pytest.skip("Redis's own refusal")
    client = redis.Redis.from_url(settings.REDIS_URL)
    queue = f"{settings.COMMUNA['IMPRESSIONS_REDIS_PREFIX']}buffer"
    client.set(queue, "not a list")
    posts = _posts(2)
    # when a page shows the posts, and then the key is a list again
    record_impressions(Viewer(user_id=None, key="valice", platform=Platform.WEB), posts)
    client.delete(queue)
    # then the refused view is counted once, from the database buffer
    assert flush_impressions() == 2
    assert _counts(posts) == [(1, 1)] * 2
    assert pending_page_views() == 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("stage", ["claimed", "written", "acknowledging"])
def test_a_flush_killed_at_any_point_loses_no_impression_and_counts_none_twice(
    buffered, settings, stage, tmp_path
):
    # given page views waiting in the buffer
    posts = _posts(3)
    expected = _show_pages(posts)
    # when a flushing process is killed (SIGKILL) at this point of its flush
    killed = subprocess.run(
        [sys.executable, "-m", "tests.analytics.flush_until_killed", stage],
        env={
            **os.environ,
            **buffered,
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
        _wait_until(_backend_gone(int(killed.stdout.split()[0])))
    # and the next flush takes over what it left (a claim counts as stale at once here)
    settings.COMMUNA = {**settings.COMMUNA, "IMPRESSIONS_CLAIM_STALE_SECONDS": 0}
    flush_impressions()
    # then every impression counts exactly once and reach is exact
    assert _counts(posts) == expected
    assert shown() == 9
    assert PostViewer.objects.filter(post__in=posts).count() == 6
    assert pending_page_views() == 0
    # and a later flush finds nothing left to count
    assert flush_impressions() == 0
    assert _counts(posts) == expected


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_flushes_at_once_count_every_impression_once(buffered, settings):
    # given many page views, in batches of a few, with claims taken over at once
    settings.COMMUNA = {
        **settings.COMMUNA,
        "IMPRESSIONS_FLUSH_BATCH": 3,
        "IMPRESSIONS_CLAIM_STALE_SECONDS": 0,
    }
    posts = _posts(4)
    for number in range(40):
        viewer = Viewer(user_id=None, key=f"v{number % 10}", platform=Platform.WEB)
        record_impressions(viewer, posts)
    # when two flushes run at the same time
    _results, errors = run_together([flush_impressions, flush_impressions])
    flush_impressions()  # what a flush skipped while the other held it
    # then
    assert not errors
    assert _counts(posts) == [(40, 10)] * 4
    assert shown() == 160
    assert pending_page_views() == 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_worker_flushes_buffered_impressions(buffered, tmp_path, monkeypatch):
    # given
    posts = _posts(3)
    expected = _show_pages(posts)
    for name, value in buffered.items():
        monkeypatch.setenv(name, value)
    # when
    run_worker_batch(tmp_path)
    # then
    assert _counts(posts) == expected


@pytest.mark.parametrize(("chosen", "expected"), [(None, "buffered"), ("direct", "direct")])
def test_communa_serve_buffers_impressions_unless_the_operator_chose(monkeypatch, chosen, expected):
    # given
    from communa import cli

    if chosen is None:
        monkeypatch.delenv("COMMUNA_IMPRESSIONS_MODE", raising=False)
    else:
        monkeypatch.setenv("COMMUNA_IMPRESSIONS_MODE", chosen)
    started: list[list[str]] = []
    monkeypatch.setattr(cli.os, "execv", lambda _path, argv: started.append(argv))
    # when
    with pytest.raises(SystemExit):
        cli.main(["serve", "--skip-collectstatic"])
    # then the web server starts with the mode in its environment
    assert "gunicorn" in started[0]
    assert os.environ["COMMUNA_IMPRESSIONS_MODE"] == expected


@pytest.mark.django_db
def test_a_flush_stops_at_the_batch_that_takes_what_was_left(buffered, settings, monkeypatch):
    """Page views that come while a flush runs wait for the next flush, in a fuller batch,
    instead of being chased a few at a time (each batch has its fixed statements)."""
    from communa.analytics import impressions

    settings.COMMUNA = {**settings.COMMUNA, "IMPRESSIONS_FLUSH_BATCH": 10}
    posts = _posts(2)
    viewer = Viewer(user_id=None, key="valice", platform=Platform.WEB)
    for _ in range(25):
        record_impressions(viewer, posts)
    arrivals = []
    real = impressions.write_batch

    def with_arrivals(views):
        written = real(views)
        if len(arrivals) < 5:  # a page view comes while each batch is written
            arrivals.append(1)
            record_impressions(viewer, posts)
        return written

    monkeypatch.setattr(impressions, "write_batch", with_arrivals)
    # when
    written = flush_impressions()
    # then three batches: 10, 10, and the last 5 with the 2 that came during the first two;
    # the one that came while the last was written waits for the next flush
    assert len(arrivals) == 3
    assert written == 27 * 2
    assert pending_page_views() == 1
    monkeypatch.setattr(impressions, "write_batch", real)
    assert flush_impressions() == 2
    assert pending_page_views() == 0
    assert _counts(posts) == [(28, 1), (28, 1)]
