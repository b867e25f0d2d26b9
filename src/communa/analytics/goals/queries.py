"""Goal query functions (R9.8): a community's goals with their progress, forecast and status.

Goals that track the same metric (and currency) share one read of it over the days all of them
cover, so the goals page and the API read a fixed number of queries whatever the number of goals:
one for the goals, then a few per distinct metric (at most the catalogue's size).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from django.conf import settings
from django.utils.translation import gettext as _

from communa.analytics.goals.forecast import Trend, fit
from communa.analytics.goals.metrics import METRICS, Daily, GoalMetric, value
from communa.analytics.models import Goal, GoalStatus
from communa.analytics.periods import Period, today_in
from communa.communities.models import Community
from communa.core.errors import NotFound
from communa.core.moments import community_time_zone

DEFAULT_MIN_DAYS: Final = 7


def min_days() -> int:
    """Complete days of data a forecast needs (`COMMUNA["GOAL_MIN_DAYS"]`, 7 by default)."""
    return int(getattr(settings, "COMMUNA", {}).get("GOAL_MIN_DAYS", DEFAULT_MIN_DAYS))


@dataclass(frozen=True)
class SeriesPoint:
    """The metric from the goal's start to the end of `day` (None: nothing to divide by)."""

    day: date
    value: Decimal | None


@dataclass(frozen=True)
class GoalProgress:
    """A goal as the team sees it today: its value, share of the target, forecast and status."""

    goal: Goal
    metric: GoalMetric
    today: date
    value: Decimal | None
    series: list[SeriesPoint]
    trend: Trend | None
    status: GoalStatus

    @property
    def share(self) -> Decimal | None:
        """Progress towards the target in %, from 0 to 100."""
        if self.value is None or not self.goal.target:
            return None
        return max(Decimal(0), min(Decimal(100), self.value * 100 / self.goal.target)).quantize(
            Decimal("0.1")
        )

    @property
    def days_left(self) -> int:
        return max(0, (self.goal.deadline - self.today).days)

    @property
    def warning(self) -> str:
        """What the team is told when the trend misses the deadline ("" otherwise)."""
        if self.status != GoalStatus.WILL_MISS or self.trend is None:
            return ""
        return _(
            "At the current trend this goal will reach about %(value)s by %(deadline)s, short of "
            "its target of %(target)s."
        ) % {
            "value": _rounded(self.trend.projected),
            "deadline": self.goal.deadline.isoformat(),
            "target": _rounded(float(self.goal.target)),
        }


def _rounded(number: float) -> str:
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def _status(
    goal: Goal, today: date, current: Decimal | None, trend: Trend | None, complete: int
) -> GoalStatus:
    if today < goal.starts_on:
        return GoalStatus.NOT_ENOUGH_DATA
    reached = current is not None and current >= goal.target
    if today > goal.deadline:
        return GoalStatus.ACHIEVED if reached else GoalStatus.ENDED
    if reached:
        return GoalStatus.ACHIEVED
    if complete < min_days() or trend is None:
        return GoalStatus.NOT_ENOUGH_DATA
    target = float(goal.target)
    if trend.projected >= target:
        return GoalStatus.ON_TRACK if trend.low >= target else GoalStatus.AT_RISK
    return GoalStatus.AT_RISK if trend.high >= target else GoalStatus.WILL_MISS


def progress_of(goal: Goal, metric: GoalMetric, daily: Daily, today: date) -> GoalProgress:
    """A goal's progress from a read of its metric that covers its days up to `today`."""
    index = {day: n for n, day in enumerate(daily.days)}
    first = index.get(goal.starts_on)
    if first is None or today < goal.starts_on:
        return GoalProgress(
            goal, metric, today, None, [], None, _status(goal, today, None, None, 0)
        )
    through = min(today, goal.deadline)
    current = value(metric, daily, first, index[through])
    # Complete days only: today is not over, and a partial day would bend the line.
    last_complete = min(today - timedelta(days=1), goal.deadline)
    series = [
        SeriesPoint(day, value(metric, daily, first, index[day]))
        for day in daily.days[first : index[through] + 1]
    ]
    complete = [p for p in series if p.day <= last_complete]
    trend = fit(
        [((p.day - goal.starts_on).days, p.value) for p in complete if p.value is not None],
        (goal.deadline - goal.starts_on).days,
    )
    status = _status(goal, today, current, trend, len(complete))
    return GoalProgress(goal, metric, today, current, series, trend, status)


def _progress(community: Community, goals: list[Goal]) -> list[GoalProgress]:
    zone = community_time_zone(community)
    today = today_in(zone)
    groups: dict[tuple[str, str], list[Goal]] = defaultdict(list)
    for goal in goals:
        groups[(goal.metric, goal.currency)].append(goal)
    found: dict[int, GoalProgress] = {}
    for (code, currency), members in groups.items():
        metric = METRICS[code]
        started = [g for g in members if g.starts_on <= today]
        daily = Daily([], [], [])
        if started and metric.daily is not None:
            period = Period(
                first=min(g.starts_on for g in started),
                last=max(min(today, g.deadline) for g in started),
                zone=zone,
            )
            daily = metric.daily(community, period, currency=currency)
        for goal in members:
            found[goal.pk] = progress_of(goal, metric, daily, today)
    return [found[goal.pk] for goal in goals]


def goals_of(community: Community) -> list[GoalProgress]:
    """The community's goals, nearest deadline first, each with its progress and forecast."""
    return _progress(community, list(Goal.objects.filter(community=community)))


def goal_in(community: Community, goal_id: int) -> Goal:
    """One goal of the community; another community's is the same 404 as a missing one."""
    goal = Goal.objects.filter(community=community, pk=goal_id).first()
    if goal is None:
        raise NotFound(_("No such goal."))
    return goal


def goal_progress(community: Community, goal: Goal) -> GoalProgress:
    return _progress(community, [goal])[0]
