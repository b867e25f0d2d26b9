"""The goals API (R9.8): the metric catalogue, a community's goals with progress and forecast,
and setting, changing and dropping goals. Reading is for the statistics team (VIEW_STATISTICS);
writing for who manages the settings (EDIT_SETTINGS, ADR 0017)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Router, Schema
from ninja.responses import Status

from communa.accounts.http import AuthedRequest
from communa.analytics.goals import actions
from communa.analytics.goals import queries as selectors
from communa.analytics.goals.forecast import Z_95
from communa.analytics.goals.metrics import CATALOGUE, GoalMetric
from communa.analytics.models import GoalType
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.schemas import Day, OneOf, RowId, Strict

router = Router(tags=["goals"])

TargetText = Annotated[
    str,
    Field(
        max_length=24,
        description='The target as text, such as "1500" or "2.5" (a percentage for rates).',
    ),
]


class MetricOut(Schema):
    code: str
    goal_type: str
    label: str
    unit: str = Field(description="`count`, `percent`, `money` or `seconds`.")
    combine: str = Field(
        description="`level` (the value at the end), `sum` (added up since the start) or "
        "`ratio` (Σ numerators / Σ denominators since the start)."
    )
    needs_currency: bool
    available: bool
    unavailable_reason: str = Field(description="Why a goal cannot track it yet; empty if it can.")


class ForecastOut(Schema):
    value: str = Field(description="The trend's value at the deadline.")
    low: str = Field(description="Lower end of the 95 % prediction interval.")
    high: str = Field(description="Upper end of the 95 % prediction interval.")
    slope_per_day: str
    days_fitted: int
    method: str


class GoalOut(Schema):
    id: int
    goal_type: str
    metric: str
    metric_label: str
    unit: str
    name: str
    target: str
    currency: str = Field(description="For revenue and average order value; else empty.")
    starts_on: date
    deadline: date
    value: str | None = Field(description="The metric from the start to today; null: no data.")
    progress_percent: str | None = Field(description="`value` / `target`, 0–100.")
    status: str = Field(
        description="`not_enough_data`, `on_track`, `at_risk`, `will_miss`, `achieved` or "
        "`ended` (docs/metrics.md, 'KPI goals')."
    )
    status_label: str
    days_left: int
    forecast: ForecastOut | None
    warning: str = Field(description="Set when the status is `will_miss`.")


class PointOut(Schema):
    day: date
    value: str | None


class GoalDetailOut(GoalOut):
    series: list[PointOut] = Field(description="The metric from the start to each day.")


class GoalsOut(Schema):
    items: list[GoalOut] = Field(
        description=f"Every goal, nearest deadline first (at most {actions.MAX_GOALS}: no pages)."
    )


class GoalIn(Strict):
    goal_type: Annotated[str, OneOf(GoalType.values)]
    metric: Annotated[str, Field(max_length=32)]
    target: TargetText
    deadline: Day
    starts_on: Day | None = Field(None, description="Today on the community's clock if left out.")
    name: Annotated[str, Field(max_length=120)] = ""
    currency: Annotated[str, Field(max_length=3)] = ""


class GoalPatch(Strict):
    goal_type: Annotated[str, OneOf(GoalType.values)] | None = None
    metric: Annotated[str, Field(max_length=32)] | None = None
    target: TargetText | None = None
    deadline: Day | None = None
    starts_on: Day | None = None
    name: Annotated[str, Field(max_length=120)] | None = None
    currency: Annotated[str, Field(max_length=3)] | None = None


def figure(metric: GoalMetric, number: Decimal | float | None) -> str | None:
    """A metric's value as text: whole for counts, two decimals for rates and money."""
    if number is None:
        return None
    places = Decimal(1) if metric.unit == "count" else Decimal("0.01")
    return str(Decimal(str(number)).quantize(places))


def metric_out(metric: GoalMetric) -> dict[str, Any]:
    return {
        "code": metric.code,
        "goal_type": metric.goal_type,
        "label": str(metric.label),
        "unit": metric.unit,
        "combine": str(metric.combine),
        "needs_currency": metric.needs_currency,
        "available": metric.available,
        "unavailable_reason": str(metric.unavailable or ""),
    }


def goal_out(found: selectors.GoalProgress, *, series: bool = False) -> dict[str, Any]:
    goal, metric, trend = found.goal, found.metric, found.trend
    out: dict[str, Any] = {
        "id": goal.pk,
        "goal_type": goal.goal_type,
        "metric": goal.metric,
        "metric_label": str(metric.label),
        "unit": metric.unit,
        "name": goal.name,
        "target": figure(metric, goal.target),
        "currency": goal.currency,
        "starts_on": goal.starts_on,
        "deadline": goal.deadline,
        "value": figure(metric, found.value),
        "progress_percent": str(found.share) if found.share is not None else None,
        "status": str(found.status),
        "status_label": str(found.status.label),
        "days_left": found.days_left,
        "forecast": None,
        "warning": found.warning,
    }
    if trend is not None:
        out["forecast"] = {
            "value": figure(metric, trend.projected),
            "low": figure(metric, trend.low),
            "high": figure(metric, trend.high),
            "slope_per_day": str(Decimal(str(trend.slope)).quantize(Decimal("0.0001"))),
            "days_fitted": trend.points,
            "method": f"least squares on the daily series, ±{Z_95} × prediction standard error",
        }
    if series:
        out["series"] = [{"day": p.day, "value": figure(metric, p.value)} for p in found.series]
    return out


def _given(payload: Strict) -> dict[str, Any]:
    """The fields sent; null means "leave it" (or, for `starts_on` of a new goal, "today")."""
    data = payload.model_dump(exclude_unset=True)
    return {key: value for key, value in data.items() if value is not None}


@router.get("/communities/{slug}/goal-metrics", response=list[MetricOut])
def goal_metrics(request: AuthedRequest, slug: str) -> list[dict[str, Any]]:
    """The metrics each goal type may track; those not measured yet say why."""
    community_for(request.auth, slug, Action.VIEW_STATISTICS)
    return [metric_out(metric) for metric in CATALOGUE]


@router.get("/communities/{slug}/goals", response=GoalsOut)
def list_goals(request: AuthedRequest, slug: str) -> dict[str, Any]:
    """The community's goals with progress, forecast and status (VIEW_STATISTICS)."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    return {"items": [goal_out(found) for found in selectors.goals_of(community)]}


@router.post("/communities/{slug}/goals", response={201: GoalDetailOut})
def create_goal(request: AuthedRequest, slug: str, payload: GoalIn) -> Status:
    """Set a goal (EDIT_SETTINGS); a metric of another type, a metric not measured yet, a money
    metric without currency or a deadline before the start are 422s that name the field."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    goal = actions.create_goal(actor=request.auth, community=community, data=_given(payload))
    return Status(201, goal_out(selectors.goal_progress(community, goal), series=True))


@router.get("/communities/{slug}/goals/{goal_id}", response=GoalDetailOut)
def get_goal(request: AuthedRequest, slug: str, goal_id: RowId) -> dict[str, Any]:
    """One goal with its daily series since the start."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    goal = selectors.goal_in(community, goal_id)
    return goal_out(selectors.goal_progress(community, goal), series=True)


@router.patch("/communities/{slug}/goals/{goal_id}", response=GoalDetailOut)
def update_goal(
    request: AuthedRequest, slug: str, goal_id: RowId, payload: GoalPatch
) -> dict[str, Any]:
    """Change a goal (EDIT_SETTINGS)."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    goal = actions.update_goal(
        actor=request.auth, goal=selectors.goal_in(community, goal_id), data=_given(payload)
    )
    return goal_out(selectors.goal_progress(community, goal), series=True)


@router.delete("/communities/{slug}/goals/{goal_id}", response={204: None})
def delete_goal(request: AuthedRequest, slug: str, goal_id: RowId) -> Status:
    """Drop a goal (EDIT_SETTINGS)."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    actions.delete_goal(actor=request.auth, goal=selectors.goal_in(community, goal_id))
    return Status(204, None)
