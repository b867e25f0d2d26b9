"""R9.8: the forecast of a goal: a least-squares line through its daily series, its interval,
and the status it gives (docs/metrics.md, "KPI goals")."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from communa.analytics.goals.forecast import fit
from communa.analytics.goals.metrics import METRICS, Daily
from communa.analytics.goals.queries import progress_of
from communa.analytics.models import Goal, GoalStatus

START = date(2026, 3, 1)


def test_a_straight_line_is_found_exactly_with_no_spread():
    trend = fit([(x, Decimal(100 + 5 * x)) for x in range(10)], at=30)
    assert trend is not None
    assert trend.slope == pytest.approx(5)
    assert trend.intercept == pytest.approx(100)
    assert trend.projected == pytest.approx(250)
    assert trend.low == pytest.approx(250)
    assert trend.high == pytest.approx(250)


def test_noise_widens_the_interval_around_the_projection():
    noisy = [(x, Decimal(100 + 5 * x + (3 if x % 2 else -3))) for x in range(10)]
    trend = fit(noisy, at=30)
    assert trend is not None
    assert trend.low < trend.projected < trend.high
    assert trend.slope == pytest.approx(5, abs=1)


def test_one_point_makes_no_line():
    assert fit([(0, Decimal(1))], at=10) is None


def goal(target: int, metric: str = "conversions", days: int = 30) -> Goal:
    return Goal(
        pk=1,
        goal_type=METRICS[metric].goal_type,
        metric=metric,
        target=Decimal(target),
        starts_on=START,
        deadline=START + timedelta(days=days),
    )


def daily_sums(per_day: int, days: int) -> Daily:
    every = [START + timedelta(days=n) for n in range(days)]
    return Daily(every, [Decimal(per_day)] * days, [Decimal(1)] * days)


@pytest.mark.parametrize(
    ("target", "status"),
    [
        (300, GoalStatus.ON_TRACK),  # 10 a day for 31 days: 310
        (500, GoalStatus.WILL_MISS),
        (50, GoalStatus.ACHIEVED),
    ],
)
def test_a_steady_daily_rate_gives_the_status_its_projection_says(target, status):
    today = START + timedelta(days=10)
    found = progress_of(goal(target), METRICS["conversions"], daily_sums(10, 11), today)
    assert found.value == Decimal(110)
    assert found.status == status
    if status != GoalStatus.ACHIEVED:
        assert found.trend is not None
        assert found.trend.slope == pytest.approx(10)
        assert found.trend.projected == pytest.approx(310)


def test_a_goal_that_will_miss_says_so_with_its_projection():
    today = START + timedelta(days=10)
    found = progress_of(goal(500), METRICS["conversions"], daily_sums(10, 11), today)
    assert "310" in found.warning
    assert "500" in found.warning


def test_fewer_days_than_the_minimum_are_not_enough_data():
    today = START + timedelta(days=3)
    found = progress_of(goal(500), METRICS["conversions"], daily_sums(10, 4), today)
    assert found.status == GoalStatus.NOT_ENOUGH_DATA


def test_a_goal_past_its_deadline_has_ended_or_was_achieved():
    today = START + timedelta(days=40)
    series = daily_sums(10, 31)
    missed = progress_of(goal(500), METRICS["conversions"], series, today)
    met = progress_of(goal(300), METRICS["conversions"], series, today)
    assert (missed.status, met.status) == (GoalStatus.ENDED, GoalStatus.ACHIEVED)
    assert missed.value == Decimal(310)
