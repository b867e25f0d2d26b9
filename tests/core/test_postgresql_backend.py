"""The PostgreSQL backend reads dates and times with psycopg's compiled loader, and gives the
same values as Django's own: aware, in UTC, through every way rows are read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.backends.postgresql.psycopg_any import BaseTzLoader

from communa.accounts.models import User
from communa.core.rows import converters_of, read_values

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="the backend is PostgreSQL's",
    ),
]

MOMENTS = [
    datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=5, minutes=45))),
    datetime(2030, 6, 15, 0, 0, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
]


def test_settings_name_the_communa_backend() -> None:
    assert settings.DATABASES["default"]["ENGINE"] == "communa.core.postgresql"


def test_a_connection_reads_timestamps_with_the_compiled_loader() -> None:
    from psycopg.pq import Format
    from psycopg_binary._psycopg import TimestamptzLoader

    connection.ensure_connection()
    oid = connection.connection.adapters.types["timestamptz"].oid
    loader = connection.connection.adapters.get_loader(oid, Format.TEXT)
    assert loader is TimestamptzLoader
    assert not issubclass(loader, BaseTzLoader)


def _people() -> list[User]:
    people = []
    for index, moment in enumerate(MOMENTS):
        person = User.objects.create_user(username=f"when{index}", password="x" * 12)
        person.date_joined = moment
        person.save(update_fields=["date_joined"])
        people.append(person)
    return people


def _as_read(values: list[datetime]) -> list[tuple[datetime, bool]]:
    """Each value with whether it is in `datetime.timezone.utc`, as Django's loader gave it."""
    return [(value, value.tzinfo is UTC) for value in values]


EXPECTED = [(moment, True) for moment in MOMENTS]


def test_models_values_and_raw_cursors_give_aware_utc_values() -> None:
    people = _people()
    ids = [person.pk for person in people]
    assert _as_read([User.objects.get(pk=pk).date_joined for pk in ids]) == EXPECTED
    by_id = dict(User.objects.filter(pk__in=ids).values_list("pk", "date_joined"))
    assert _as_read([by_id[pk] for pk in ids]) == EXPECTED
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_joined FROM accounts_user WHERE id = ANY(%s) ORDER BY id", [ids]
        )
        assert _as_read([row[0] for row in cursor.fetchall()]) == EXPECTED
    # core.rows' statements bind on the server and are prepared after two uses.
    sql = "SELECT date_joined FROM accounts_user WHERE id = ANY(%s) ORDER BY id"
    converters = converters_of([User._meta.get_field("date_joined")])
    for _ in range(3):
        assert _as_read([row[0] for row in read_values(sql, [ids], converters)]) == EXPECTED


def test_a_server_side_cursor_gives_the_same_values() -> None:
    people = _people()
    ids = [person.pk for person in people]
    # .iterator() on PostgreSQL reads through a named (server-side) cursor, in and out of a
    # transaction.
    query = User.objects.filter(pk__in=ids).order_by("pk").values_list("date_joined", flat=True)
    assert _as_read(list(query.iterator(chunk_size=1))) == EXPECTED
    with transaction.atomic():
        assert _as_read(list(query.iterator(chunk_size=2))) == EXPECTED
    # The connection still reads with the compiled loader after a named cursor.
    test_a_connection_reads_timestamps_with_the_compiled_loader()


def test_the_database_zone_is_utc_whatever_the_server_default() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW TIME ZONE")
        assert cursor.fetchone()[0] == "UTC"
        cursor.execute("SELECT %s::timestamptz", ["2026-03-01 12:00:00+05"])
        value = cursor.fetchone()[0]
    assert value == datetime(2026, 3, 1, 7, 0, tzinfo=UTC)
    assert value.tzinfo is UTC
