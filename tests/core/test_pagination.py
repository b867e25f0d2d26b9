"""Keyset paging: every row once, stable while rows arrive, one query per page."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from communa.accounts.models import User
from communa.core.errors import ValidationFailed
from communa.core.pagination import keyset_page

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NEWEST_FIRST = ["-date_joined", "-id"]


def add_users(count: int, *, prefix: str = "user", stamp=None, name=None) -> list[User]:
    """Users whose join moments tie in groups of three (unless a stamp is given)."""
    return User.objects.bulk_create(
        [
            User(
                username=f"{prefix}{i}",
                email=f"{prefix}{i}@example.org",
                first_name=name(i) if name else "",
                date_joined=stamp if stamp is not None else START - timedelta(minutes=i // 3),
            )
            for i in range(count)
        ]
    )


def walk(ordering: list[str], limit: int, *, between_pages=None) -> list[int]:
    seen: list[int] = []
    cursor = None
    for page_number in range(1000):
        page = keyset_page(User.objects.all(), ordering, cursor=cursor, limit=limit)
        seen += [user.pk for user in page.items]
        if page.next_cursor is None:
            return seen
        if between_pages:
            between_pages(page_number)
        cursor = page.next_cursor
    raise AssertionError("paging never ended")


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5, 11, 50])
def test_walking_the_pages_returns_every_row_once_in_order_despite_ties(limit):
    add_users(11)

    seen = walk(NEWEST_FIRST, limit)

    expected = list(User.objects.order_by(*NEWEST_FIRST).values_list("pk", flat=True))
    assert seen == expected


@pytest.mark.parametrize("limit", [1, 2, 4, 7])
def test_mixed_directions_and_ties_in_every_field_still_give_every_row_once(limit):
    add_users(14, name=lambda i: "abc"[i % 3])
    ordering = ["first_name", "-date_joined", "id"]

    seen = walk(ordering, limit)

    assert seen == list(User.objects.order_by(*ordering).values_list("pk", flat=True))


def test_rows_added_between_page_loads_never_repeat_or_hide_older_rows():
    # given twelve people, paged four at a time, newest first
    older = {user.pk for user in add_users(12)}
    added: list[int] = []

    def someone_joins(page_number: int) -> None:
        # newer than everyone, tied with rows already seen and still to come, older than all
        for offset, moment in enumerate(
            [
                START + timedelta(minutes=5),
                START - timedelta(minutes=page_number),
                START - timedelta(minutes=page_number + 2),
                START - timedelta(days=1),
            ]
        ):
            (user,) = add_users(1, prefix=f"new{page_number}-{offset}-", stamp=moment)
            added.append(user.pk)

    # when rows are inserted after each page is read
    seen = walk(NEWEST_FIRST, 4, between_pages=someone_joins)

    # then no row was shown twice and every older row was shown
    assert len(seen) == len(set(seen))
    assert older <= set(seen)
    assert set(seen) - older <= set(added)


def test_the_last_page_has_no_next_cursor_and_an_empty_list_is_one_empty_page():
    assert keyset_page(User.objects.all(), NEWEST_FIRST, cursor=None, limit=5).items == []
    add_users(5)

    page = keyset_page(User.objects.all(), NEWEST_FIRST, cursor=None, limit=5)

    assert len(page.items) == 5
    assert page.next_cursor is None


def token(values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "%%%%",
        token({"date_joined": "2026-01-01"}),
        token(["2026-03-01T12:00:00+00:00"]),
        token(["2026-03-01T12:00:00+00:00", 5, 6]),
        token(["yesterday", 5]),
        token(["2026-03-01T12:00:00+00:00", "five"]),
        token(["2026-03-01T12:00:00+00:00", None]),
        token([None, 5]),
        token(["2026-02-30T12:00:00+00:00", 5]),
    ],
)
def test_a_cursor_that_is_not_ours_is_refused_naming_the_cursor(cursor):
    add_users(3)

    with pytest.raises(ValidationFailed) as refused:
        keyset_page(User.objects.all(), NEWEST_FIRST, cursor=cursor, limit=2)

    assert "cursor" in refused.value.fields


def test_each_page_takes_one_query(django_assert_num_queries):
    add_users(9)
    with django_assert_num_queries(1):
        first = keyset_page(User.objects.all(), NEWEST_FIRST, cursor=None, limit=4)
    assert first.next_cursor

    with django_assert_num_queries(1):
        second = keyset_page(
            User.objects.all(),
            NEWEST_FIRST,
            cursor=first.next_cursor,
            limit=4,
        )

    assert len(second.items) == 4
    assert not {u.pk for u in first.items} & {u.pk for u in second.items}
