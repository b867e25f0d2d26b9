"""Votes arriving together are counted exactly: many members at once, and one member twice.

Threads start together at a barrier, each on its own database connection, so the database's
locks and constraints (not Python) decide. PostgreSQL only: SQLite serialises every writer.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from communa.communities.models import Membership
from communa.core.errors import Conflict
from communa.engagement.actions.polls import CAST, SAME, close_due_polls, vote_in_poll
from communa.engagement.models import Ballot, BallotChoice, Poll, PollState
from tests.engagement.polls_support import counts, make_poll, option_ids, poll_row
from tests.factories import add_member, crowd, make_community, person
from tests.support import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races need concurrent writers; SQLite runs one writer at a time",
    ),
]

VOTERS = 200
THREADS = 16


def test_two_hundred_members_voting_at_once_are_counted_exactly():
    # given a poll with three options and 200 members
    community = make_community(person("owner"), slug="cooks")
    poll = make_poll(community, options=("a", "b", "c"), multiple=True)
    a, b, c = option_ids(poll)
    members = crowd(VOTERS, prefix="voter")
    Membership.objects.bulk_create([Membership(community=community, user=m) for m in members])
    # each votes for a; every second also for b; every fifth for c
    wanted = {
        member.pk: [a, *([b] if index % 2 == 0 else []), *([c] if index % 5 == 0 else [])]
        for index, member in enumerate(members)
    }

    # when their votes are pushed by 16 threads released together
    barrier = threading.Barrier(THREADS)
    chunks = [members[i::THREADS] for i in range(THREADS)]
    errors: list[BaseException] = []

    def push(chunk):
        try:
            barrier.wait(timeout=30)
            for member in chunk:
                vote_in_poll(actor=member, poll=poll, option_ids=wanted[member.pk])
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(push, chunks))

    # then every vote counts once, and the results add up exactly
    assert not errors, errors
    assert Ballot.objects.filter(poll=poll).count() == VOTERS
    assert counts(poll) == [VOTERS, VOTERS // 2, VOTERS // 5]
    assert BallotChoice.objects.filter(poll=poll).count() == VOTERS + VOTERS // 2 + VOTERS // 5


def test_one_member_voting_eight_times_at_once_counts_once():
    community = make_community(person("owner"), slug="cooks")
    poll = make_poll(community, changeable=False)
    member = add_member(community)
    yes, _no = option_ids(poll)

    results, errors = run_together(
        [lambda: vote_in_poll(actor=member, poll=poll, option_ids=[yes]) for _ in range(8)]
    )

    # one vote was cast, the others found the same ballot; none failed
    assert not errors, errors
    assert sorted(outcome for _ballot, outcome in results) == [CAST] + [SAME] * 7
    assert len({ballot.pk for ballot, _outcome in results}) == 1
    assert counts(poll) == [1, 0]


def test_one_member_sending_different_votes_at_once_keeps_one_ballot():
    community = make_community(person("owner"), slug="cooks")
    poll = make_poll(community, changeable=False)
    member = add_member(community)
    yes, no = option_ids(poll)

    results, errors = run_together(
        [
            lambda choice=choice: vote_in_poll(actor=member, poll=poll, option_ids=[choice])
            for choice in [yes, no] * 4
        ]
    )

    # the first counted; the rest were the same vote or a refused change, never a failure
    assert all(isinstance(error, Conflict) for error in errors), errors
    assert len(results) + len(errors) == 8
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert sum(counts(poll)) == 1


def test_workers_closing_due_polls_at_once_close_each_exactly_once():
    community = make_community(person("owner"), slug="cooks")
    due = [
        poll_row(community, closes_at=timezone.now() - timedelta(minutes=minutes))
        for minutes in (1, 2, 3)
    ]

    results, errors = run_together([close_due_polls for _ in range(6)])

    assert not errors, errors
    assert sum(results) == len(due)
    assert set(Poll.objects.values_list("state", flat=True)) == {PollState.CLOSED}
