"""The digest kept HTML's keys are made of (core.fragments.digest_of): the same for equal plain
values read apart, different for values a page would show differently."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from communa.core import fragments
from communa.core.fragments import digest_of, digest_of_rows
from tests.support import calls_of

MOMENT = datetime(2026, 12, 6, 21, 19, 28, 980027, tzinfo=UTC)


def rows(name: str = "Learn to Cook", moment: datetime = MOMENT) -> tuple:
    # Built afresh at each call, as a page's rows are read afresh at each request.
    return tuple(
        (index, moment + timedelta(seconds=index), "".join(["bench_", "owner"]), name, False, None)
        for index in range(30)
    )


def test_equal_values_read_apart_have_one_digest():
    assert digest_of(("feed", rows(), None, "/feed/")) == digest_of(
        ("feed", rows(), None, "/feed/")
    )


def test_values_a_page_shows_differently_have_digests_of_their_own():
    first = digest_of(rows())
    changed = [
        rows(name="Learn to Bake"),
        rows(moment=MOMENT + timedelta(microseconds=1)),
        rows(moment=MOMENT.astimezone(ZoneInfo("Europe/Kyiv"))),  # the same moment, another zone
    ]
    assert len({first, *(digest_of(values) for values in changed)}) == 4
    # One, yes and "1" are three values.
    assert len({digest_of((1,)), digest_of((True,)), digest_of(("1",)), digest_of((1.0,))}) == 4


def test_what_does_not_pickle_is_written_out():
    lock = threading.Lock()  # no pickle for a lock: its text names it
    assert digest_of((lock,)) == digest_of((lock,))
    assert digest_of((lock,)) != digest_of((threading.Lock(),))


def test_a_page_asked_again_with_the_same_rows_is_named_without_digesting_them_again(monkeypatch):
    digests = calls_of(monkeypatch, fragments, "digest_of")
    first = digest_of_rows(("reader-feed", rows(), None, "/feed/"))
    again = digest_of_rows(("reader-feed", rows(), None, "/feed/"))  # read afresh, equal
    assert first == again == digest_of(("reader-feed", rows(), None, "/feed/"))
    assert len(digests) == 1
    changed = digest_of_rows(("reader-feed", rows(name="Learn to Bake"), None, "/feed/"))
    assert changed != first
    assert len(digests) == 2


def test_rows_that_cannot_be_a_key_are_digested_each_time(monkeypatch):
    digests = calls_of(monkeypatch, fragments, "digest_of")
    listed = ("reader-feed", [list(row) for row in rows()])
    assert digest_of_rows(listed) == digest_of_rows(listed) == digest_of(listed)
    assert len(digests) == 2
