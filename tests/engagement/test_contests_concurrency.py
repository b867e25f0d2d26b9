"""Votes at the same instant in a photo contest (R6.2): exact counts, and a member's two votes
sent at once count once. PostgreSQL only, as in tests/communities/test_concurrency.py: SQLite
runs one writer at a time, which proves nothing about races."""

from __future__ import annotations

import pytest
from django.db import connection

from communa.core.errors import Conflict
from communa.engagement.actions.photos import submit_photo, vote_for_entry
from communa.engagement.models import ContestEntry, ContestVote
from tests.engagement.contest_support import contest_in
from tests.factories import add_member, crowd, make_community, person
from tests.support import run_together
from tests.walls.support import png_file

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races need concurrent writers; SQLite runs one writer at a time",
    ),
]
# The database server is shared: this many connections at once, waves until all have voted.
AT_ONCE = 25


def _photo_contest(**rules):
    community = make_community(person("owner"), name="Bakers", slug="bakers")
    contest = contest_in(community, **rules)
    entries = [
        submit_photo(actor=add_member(community), contest=contest, upload=png_file())
        for _ in range(2)
    ]
    return community, contest, entries


def test_two_hundred_members_voting_at_once_give_exact_counts():
    # given a photo contest with two entries and 200 members
    community, _contest, (first, second) = _photo_contest()
    voters = crowd(200, "voter")
    for voter in voters:
        add_member(community, voter)

    # when they all vote, the even ones for the first entry, the odd ones for the second
    calls = [
        lambda voter=voter, i=i: vote_for_entry(actor=voter, entry=first if i % 2 == 0 else second)
        for i, voter in enumerate(voters)
    ]
    errors: list[BaseException] = []
    for start in range(0, len(calls), AT_ONCE):
        _results, failed = run_together(calls[start : start + AT_ONCE])
        errors.extend(failed)

    # then every vote counts, once
    assert not errors, errors
    assert ContestEntry.objects.get(pk=first.pk).vote_count == 100
    assert ContestEntry.objects.get(pk=second.pk).vote_count == 100
    assert ContestVote.objects.count() == 200


def test_a_member_voting_twice_at_the_same_instant_counts_once():
    community, _contest, (entry, _other) = _photo_contest()
    voter = add_member(community)
    results, errors = run_together([lambda: vote_for_entry(actor=voter, entry=entry)] * 4)
    assert not errors, errors
    assert sorted(counted for _entry, counted in results) == [False, False, False, True]
    assert ContestEntry.objects.get(pk=entry.pk).vote_count == 1
    assert ContestVote.objects.filter(voter=voter).count() == 1


def test_one_vote_per_contest_sent_for_two_entries_at_once_keeps_one():
    community, _contest, (first, second) = _photo_contest(vote_scope="contest")
    voter = add_member(community)
    results, errors = run_together(
        [
            lambda: vote_for_entry(actor=voter, entry=first),
            lambda: vote_for_entry(actor=voter, entry=second),
        ]
    )
    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], Conflict), errors
    total = sum(
        ContestEntry.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "vote_count", flat=True
        )
    )
    assert total == 1
