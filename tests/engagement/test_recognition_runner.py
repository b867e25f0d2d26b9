"""R6.3: the worker computes each community's last month once, after it ends on the community's
clock; two workers never compute it twice and a worker killed half-way leaves nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection

from communa.engagement.actions import recognition as actions
from communa.engagement.actions.recognition import compute_due_months
from communa.engagement.models import BadgeKind, MemberBadge, MonthlyLeaders
from tests.engagement.recognition_kit import board_rows, community_in, post_by
from tests.factories import add_member, person
from tests.support import run_together

APRIL_FIRST_IN_UTC = datetime(2024, 4, 1, 0, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_the_worker_computes_last_month_once():
    community = community_in()
    post_by(community, add_member(community, person("ann")))

    assert compute_due_months(now=APRIL_FIRST_IN_UTC) == 1
    assert compute_due_months(now=APRIL_FIRST_IN_UTC) == 0

    board = MonthlyLeaders.objects.get(community=community)
    assert board.month == date(2024, 3, 1)
    assert board.computed_by is None
    assert board_rows(board) == [("ann", 1, 3)]
    assert MemberBadge.objects.filter(community=community, kind=BadgeKind.TITLE).count() == 1


@pytest.mark.django_db
def test_the_month_ends_on_the_community_clock():
    # given, at 16:00 UTC on 31 March, Tokyo is already in April and UTC still in March
    tokyo, utc = community_in("Asia/Tokyo"), community_in("UTC")
    now = datetime(2024, 3, 31, 16, 0, tzinfo=UTC)

    compute_due_months(now=now)

    # then Tokyo's March is computed, UTC's last finished month is February
    assert list(MonthlyLeaders.objects.filter(community=tokyo).values_list("month", flat=True)) == [
        date(2024, 3, 1)
    ]
    assert list(MonthlyLeaders.objects.filter(community=utc).values_list("month", flat=True)) == [
        date(2024, 2, 1)
    ]


@pytest.mark.django_db
def test_no_board_for_a_month_before_the_community_existed():
    community = community_in()
    community.created_at = datetime(2024, 3, 20, tzinfo=UTC)
    community.save(update_fields=["created_at"])

    assert compute_due_months(now=datetime(2024, 3, 25, tzinfo=UTC)) == 0
    assert compute_due_months(now=APRIL_FIRST_IN_UTC) == 1


@pytest.mark.django_db
def test_a_worker_killed_half_way_leaves_nothing_and_the_next_run_computes_the_month(
    monkeypatch,
):
    community = community_in()
    post_by(community, add_member(community, person("ann")))

    def killed(board):
        raise KeyboardInterrupt

    monkeypatch.setattr(actions, "_fill_board", killed)
    with pytest.raises(KeyboardInterrupt):
        compute_due_months(now=APRIL_FIRST_IN_UTC)
    assert not MonthlyLeaders.objects.filter(community=community).exists()

    monkeypatch.undo()
    assert compute_due_months(now=APRIL_FIRST_IN_UTC) == 1
    assert board_rows(MonthlyLeaders.objects.get(community=community)) == [("ann", 1, 3)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_workers_compute_a_month_exactly_once():
    community = community_in()
    post_by(community, add_member(community, person("ann")))

    results, errors = run_together([lambda: compute_due_months(now=APRIL_FIRST_IN_UTC)] * 2)

    assert errors == []
    assert sorted(results) == [0, 1]
    assert MonthlyLeaders.objects.filter(community=community).count() == 1
    assert MemberBadge.objects.filter(community=community, kind=BadgeKind.TITLE).count() == 1
