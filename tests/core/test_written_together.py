"""`written_together`: a transaction whose BEGIN and COMMIT go with its statements (issue 11)."""

from __future__ import annotations

import itertools
import tempfile

import pytest
from django.db import IntegrityError, connection, transaction

from communa.accounts.models import Notification
from communa.core.writes import add_to, insert, insert_and_add, sent_together, written_together
from communa.walls.models import Like, Post
from tests.factories import make_community, person
from tests.walls.support import make_post

# No transaction of the test's around the block: the block is the transaction.
pytestmark = pytest.mark.django_db(transaction=True)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="psycopg's pipeline mode"
)


@pytest.fixture
def post():
    owner = person("olga")
    return make_post(make_community(owner, slug="cooks"), body="Hi", author=owner)


def comment_like_write(post: Post, liker) -> tuple[Like, Notification]:
    """What a comment does: a row whose id is read at once, then writes sent together."""
    with written_together():
        (like,) = insert(Like(user=liker, post=post))
        assert like.pk is not None  # read at once: the statements after it may use it
        with sent_together():
            (note,) = insert_and_add(
                Notification(recipient=post.author, kind="comment_on_post", subject=str(like.pk)),
                link="recipient",
                deltas={"unread_notifications": 1},
            )
            add_to(Post, post.pk, {"like_count": 1})
    return like, note


def test_a_transaction_written_together_writes_what_one_by_one_would(post):
    mira = person("mira")
    like, note = comment_like_write(post, mira)
    # Every new row has its id once the block has ended, the rows and counters are written.
    assert Like.objects.get(pk=like.pk).user_id == mira.pk
    assert Notification.objects.get(pk=note.pk).subject == str(like.pk)
    assert not note._state.adding
    post.refresh_from_db()
    post.author.refresh_from_db()
    assert post.like_count == 1
    assert post.author.unread_notifications == 1
    # The connection is as Django left it: no transaction open, autocommit on.
    assert connection.get_autocommit()
    assert not connection.in_atomic_block


def trace_of(block) -> list[str]:
    """The protocol messages libpq sent and received while `block` ran."""
    raw = connection.connection
    from psycopg import pq

    with tempfile.TemporaryFile("w+") as out:
        raw.pgconn.trace(out.fileno())
        raw.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            block()
        finally:
            raw.pgconn.untrace()
        out.seek(0)
        return [line.split("\t") for line in out.read().splitlines()]  # type: ignore[misc]


@on_postgresql
def test_on_postgresql_the_begin_and_the_commit_go_with_the_statements(post):
    mira = person("mira")
    connection.ensure_connection()
    messages = trace_of(lambda: comment_like_write(post, mira))
    sent = [fields[2] for fields in messages if fields[0] == "F"]
    # Round trips: each time the server answers what the client sent. One for the like's id
    # (with the BEGIN before it), one for the rest with the COMMIT; psycopg's own BEGIN would
    # have been a Query of its own, waited for.
    directions = [fields[0] for fields in messages]
    trips = sum(1 for pair in itertools.pairwise(directions) if pair == ("F", "B"))
    assert trips == 2
    assert "Query" not in sent
    queries = [
        f for fields in messages if fields[0] == "F" and fields[2] == "Parse" for f in fields
    ]
    assert any('"BEGIN"' in f for f in queries)
    assert any('"COMMIT"' in f for f in queries)
    post.refresh_from_db()
    assert post.like_count == 1


@on_postgresql
def test_on_postgresql_rows_sent_together_inside_get_their_ids_at_the_end(post):
    mira = person("mira")
    with written_together():
        assert connection.connection._pipeline is not None
        with sent_together():
            (note,) = insert(Notification(recipient=mira, kind="comment_on_post", subject="x"))
        assert note.pk is None  # nothing waited for yet
        add_to(Post, post.pk, {"comment_count": 1})
    assert connection.connection._pipeline is None
    assert Notification.objects.get(pk=note.pk).recipient_id == mira.pk


def test_a_database_error_in_the_block_writes_nothing(post):
    mira = person("mira")
    insert(Like(user=mira, post=post))

    def writes() -> None:
        with written_together():
            add_to(Post, post.pk, {"comment_count": 1})
            with sent_together():
                insert(Notification(recipient=mira, kind="comment_on_post", subject="x"))
                insert(Like(user=mira, post=post))  # the same like again
                add_to(Post, post.pk, {"share_count": 1})

    with pytest.raises(IntegrityError):
        writes()
    post.refresh_from_db()
    assert (post.comment_count, post.share_count) == (0, 0)
    assert not Notification.objects.exists()
    assert Like.objects.count() == 1
    # The connection goes on as before.
    comment_like_write(post, person("ivan"))
    post.refresh_from_db()
    assert post.like_count == 1


def test_an_error_of_the_code_in_the_block_writes_nothing(post):
    mira = person("mira")

    def stopped_half_way() -> None:
        with written_together():
            insert(Like(user=mira, post=post))
            with sent_together():
                add_to(Post, post.pk, {"like_count": 1})
            raise RuntimeError("the code, not the database, stops here")

    with pytest.raises(RuntimeError):
        stopped_half_way()
    post.refresh_from_db()
    assert post.like_count == 0
    assert not Like.objects.exists()
    assert connection.get_autocommit()
    comment_like_write(post, mira)
    assert Like.objects.count() == 1


def test_a_foreign_key_checked_at_the_commit_writes_nothing(post):
    """Django's foreign keys are checked at the COMMIT, which goes with the last statements."""
    mira = person("mira")

    def to_nobody() -> None:
        with written_together():
            insert(Like(user=mira, post=post))
            with sent_together():
                add_to(Post, post.pk, {"like_count": 1})
                insert(Notification(recipient_id=10**9, kind="comment_on_post", subject="x"))

    with pytest.raises(IntegrityError):
        to_nobody()
    post.refresh_from_db()
    assert post.like_count == 0
    assert not Like.objects.exists()
    assert not Notification.objects.exists()


def test_inside_another_transaction_the_block_is_part_of_it(post):
    mira = person("mira")

    def rolled_back() -> None:
        with transaction.atomic():
            comment_like_write(post, mira)
            raise RuntimeError("the outer transaction rolls back")

    with pytest.raises(RuntimeError):
        rolled_back()
    assert not Like.objects.exists()
    post.refresh_from_db()
    assert post.like_count == 0


def test_what_waits_for_the_commit_runs_after_it(post):
    mira = person("mira")
    seen: list[int] = []
    with written_together():
        (like,) = insert(Like(user=mira, post=post))
        transaction.on_commit(lambda: seen.append(Like.objects.filter(pk=like.pk).count()))
        assert seen == []
    # Run once the row is committed: a read on the same connection finds it.
    assert seen == [1]


def test_on_every_database_the_block_is_one_transaction(post):
    """Rows written, then an error: on every database the block is one transaction."""
    mira = person("mira")

    def twice() -> None:
        with written_together():
            insert(Like(user=mira, post=post))
            insert(Like(user=mira, post=post))

    with pytest.raises(IntegrityError):
        twice()
    assert not Like.objects.exists()
