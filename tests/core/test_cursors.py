"""The cursor statements written once run on (core.cursors): one per connection, used again,
with the errors and the broken-transaction rule of Django's own cursor."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from communa.communities.models import Community
from communa.core.cursors import KeptCursor, statement_cursor
from communa.core.rows import read_one
from communa.core.writes import insert
from communa.walls.models import Like
from tests.factories import make_community, person
from tests.walls.support import make_post

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="kept on PostgreSQL only"),
]


def test_a_connection_runs_its_statements_written_once_on_one_cursor():
    first = statement_cursor(connection)
    assert isinstance(first, KeptCursor)
    with first as cursor:
        cursor.execute("SELECT %s::int + 1", [41])
        assert cursor.fetchone() == (42,)
    # Left open by the block, and the same one for the next statement.
    assert statement_cursor(connection) is first
    with statement_cursor(connection) as cursor:
        cursor.execute("SELECT 1 WHERE false")
        assert cursor.fetchall() == []
        assert cursor.rowcount == 0


@pytest.mark.django_db(transaction=True)  # a connection closed between two statements
def test_a_new_connection_gets_a_cursor_of_its_own():
    community = make_community()
    before = statement_cursor(connection)
    connection.close()
    found = read_one(Community, 't0."id" = %s', [community.pk])
    assert found is not None
    assert found.pk == community.pk
    assert statement_cursor(connection) is not before


def test_a_database_error_is_the_orm_s_and_a_broken_transaction_refuses_the_next():
    owner = person("olga")
    post = make_post(make_community(owner, slug="cooks"), body="Hi", author=owner)
    insert(Like(user=owner, post=post))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(Like(user=owner, post=post))  # the same like again
    # Rolled back to before the block: the kept cursor serves the connection again.
    assert read_one(Like, 't0."post_id" = %s', [post.pk]) is not None
    # As with Django's cursor: nothing runs in a transaction marked for rolling back.
    with transaction.atomic():
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            read_one(Like, 't0."post_id" = %s', [post.pk])


def test_statements_go_through_django_s_cursor_while_queries_are_recorded_or_wrapped():
    community = make_community()
    with CaptureQueriesContext(connection) as recorded:
        assert not isinstance(statement_cursor(connection), KeptCursor)
        read_one(Community, 't0."id" = %s', [community.pk])
    # Recorded with its value, as the ORM's statements are.
    assert str(community.pk) in recorded.captured_queries[-1]["sql"]
    seen: list[str] = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        read_one(Community, 't0."id" = %s', [community.pk])
    assert seen
    assert '"communities_community"' in seen[0]


def test_a_fresh_cursor_is_one_of_its_own():
    fresh = statement_cursor(connection, fresh=True)
    try:
        assert fresh is not statement_cursor(connection)
        fresh.execute("SELECT 2")
        assert fresh.fetchone() == (2,)
    finally:
        fresh.close()
