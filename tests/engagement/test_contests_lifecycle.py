"""The contest lifecycle (R6.2): draft → announced → open → closed → decided → winners →
delivered, moved by the worker at the contest's dates, each step exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone

from communa.core.errors import PermissionRefused
from communa.core.lifecycle import RUNNERS
from communa.engagement.actions import contests as contest_actions
from communa.engagement.actions.contests import (
    advance_due_contests,
    announce_contest,
    create_contest,
    mark_prize_delivered,
)
from communa.engagement.models import Contest, ContestEntry, ContestState, ContestWinner
from communa.walls.actions.posts import share_post
from tests.engagement.contest_support import contest_in, draw_rules, rules, run_to_the_end
from tests.factories import add_member, make_community, person
from tests.support import run_together, run_worker_batch
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return make_community(person("owner"), name="Bakers", slug="bakers")


def _future_rules(**changes):
    now = timezone.now()
    return rules(
        announce_at=now + timedelta(days=1),
        open_at=now + timedelta(days=2),
        close_at=now + timedelta(days=3),
        decide_at=now + timedelta(days=4),
        winners_at=now + timedelta(days=5),
        **changes,
    )


def test_each_date_moves_the_contest_one_step(community):
    owner = community.created_by
    contest = create_contest(actor=owner, community=community, data=_future_rules())
    advance_due_contests(now=contest.announce_at + timedelta(days=10))
    assert Contest.objects.get(pk=contest.pk).state == ContestState.DRAFT  # not announced yet
    announce_contest(actor=owner, contest=contest)
    contest.refresh_from_db()
    assert (contest.state, contest.ready) == (ContestState.DRAFT, True)
    steps = [
        (contest.announce_at, ContestState.ANNOUNCED),
        (contest.open_at, ContestState.OPEN),
        (contest.close_at, ContestState.CLOSED),
        (contest.decide_at, ContestState.DECIDED),
        (contest.winners_at, ContestState.WINNERS),
    ]
    for moment, state in steps:
        advance_due_contests(now=moment - timedelta(seconds=1))
        assert Contest.objects.get(pk=contest.pk).state != state
        assert advance_due_contests(now=moment) == 1
        assert Contest.objects.get(pk=contest.pk).state == state
    assert advance_due_contests(now=contest.winners_at + timedelta(days=1)) == 0


def test_a_late_worker_takes_every_step_in_one_run_and_then_nothing(community):
    contest = contest_in(community)
    assert run_to_the_end(contest).state == ContestState.WINNERS
    assert advance_due_contests(now=contest.decide_at + timedelta(days=9)) == 0


def test_a_worker_killed_during_the_draw_leaves_the_contest_for_the_next_run(
    community, monkeypatch
):
    post = make_post(community)
    for name in ("olga", "ivan"):
        share_post(actor=add_member(community, person(name)), post=post)
    contest = contest_in(community, data=draw_rules(post))

    def crash(*_args, **_kwargs):
        raise DatabaseError("the worker died")

    monkeypatch.setattr(contest_actions, "decide_contest", crash)
    with pytest.raises(DatabaseError):
        advance_due_contests(now=contest.decide_at)
    contest.refresh_from_db()
    assert contest.state == ContestState.CLOSED
    assert not ContestEntry.objects.filter(contest=contest).exists()
    monkeypatch.undo()
    assert advance_due_contests(now=contest.decide_at) == 2
    contest.refresh_from_db()
    assert contest.state == ContestState.WINNERS
    assert ContestWinner.objects.filter(contest=contest).count() == 1


def test_prizes_are_marked_delivered_per_winner_and_the_last_one_ends_the_contest(community):
    post = make_post(community)
    for name in ("olga", "ivan", "anna"):
        share_post(actor=add_member(community, person(name)), post=post)
    contest = run_to_the_end(contest_in(community, data=draw_rules(post, winners_count=2)))
    first, second = ContestWinner.objects.filter(contest=contest)
    owner = community.created_by
    with pytest.raises(PermissionRefused):
        mark_prize_delivered(actor=first.user, winner=first)
    mark_prize_delivered(actor=owner, winner=first, note="Tracking 123")
    assert Contest.objects.get(pk=contest.pk).state == ContestState.WINNERS
    again = mark_prize_delivered(actor=owner, winner=first)
    assert again.delivery_note == "Tracking 123"
    mark_prize_delivered(actor=owner, winner=second)
    assert Contest.objects.get(pk=contest.pk).state == ContestState.DELIVERED


def test_the_contest_runner_is_registered_with_the_worker():
    assert RUNNERS["contests"]() == 0


@pytest.mark.django_db(transaction=True)
def test_communa_worker_moves_a_due_contest(tmp_path):
    community = make_community(person("owner"), name="Bakers", slug="bakers")
    data = rules(
        open_at=timezone.now() - timedelta(hours=1), close_at=timezone.now() - timedelta(minutes=1)
    )
    data["decide_at"] = timezone.now() - timedelta(seconds=30)
    contest = contest_in(community, data=data, announce=False)
    announce_contest(actor=community.created_by, contest=contest)
    run_worker_batch(tmp_path)
    assert Contest.objects.get(pk=contest.pk).state == ContestState.WINNERS


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="races need concurrent writers; SQLite runs one writer at a time",
)
def test_workers_running_at_once_draw_once():
    community = make_community(person("owner"), name="Bakers", slug="bakers")
    post = make_post(community)
    for i in range(6):
        share_post(actor=add_member(community, person(f"baker{i}")), post=post)
    contest = contest_in(community, data=draw_rules(post, winners_count=2))
    moment = contest.decide_at + timedelta(hours=1)
    results, errors = run_together([lambda: advance_due_contests(now=moment) for _ in range(4)])
    assert not errors, errors
    assert sum(results) == 3  # closed, decided, winners: each step once
    assert ContestWinner.objects.filter(contest=contest).count() == 2
    assert ContestEntry.objects.filter(contest=contest).count() == 6
