"""Goal pages (R9.8): the goals with progress bars, a small chart of the trend and its forecast
band, the warning when a deadline will be missed; a form to set one and a button to drop one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communa.analytics.goals import actions
from communa.analytics.goals import queries as selectors
from communa.analytics.goals.api import figure
from communa.analytics.goals.metrics import CATALOGUE
from communa.analytics.models import GoalType
from communa.communities.permissions import Action, can
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import DomainError
from communa.core.web import answers_refusals, show_error_on_form

DATE_WIDGET = {"type": "date"}
CHART_WIDTH = 160
CHART_HEIGHT = 40


def _metric_choices() -> list[tuple[str, Any]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for metric in CATALOGUE:
        label = str(metric.label)
        if not metric.available:
            label = _("%(metric)s (not measured yet)") % {"metric": label}
        groups.setdefault(str(GoalType(metric.goal_type).label), []).append((metric.code, label))
    return list(groups.items())


class GoalForm(forms.Form):
    goal_type = forms.ChoiceField(label=gettext_lazy("Goal type"), choices=GoalType.choices)
    metric = forms.ChoiceField(label=gettext_lazy("Metric"), choices=_metric_choices)
    target = forms.DecimalField(
        label=gettext_lazy("Target"), max_digits=19, decimal_places=4, min_value=0
    )
    currency = forms.CharField(
        label=gettext_lazy("Currency"),
        max_length=3,
        required=False,
        help_text=gettext_lazy("For revenue and average order value only, such as EUR."),
    )
    starts_on = forms.DateField(
        label=gettext_lazy("Start"),
        required=False,
        help_text=gettext_lazy("Today if left empty."),
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=actions.NAME_MAX, required=False)

    def data_for_action(self) -> dict[str, Any]:
        data = {field: self.cleaned_data[field] for field in actions.FIELDS}
        data["currency"] = (data["currency"] or "").strip().upper()
        if data["starts_on"] is None:
            data.pop("starts_on")
        return data


@dataclass(frozen=True)
class Chart:
    """A tiny chart of a goal: the series so far, the trend to the deadline and its band."""

    line: str
    trend: str
    band: str
    target_y: float


def _chart(found: selectors.GoalProgress) -> Chart | None:
    points = [(p.day, float(p.value)) for p in found.series if p.value is not None]
    if not points:
        return None
    goal, trend = found.goal, found.trend
    days = max(1, (goal.deadline - goal.starts_on).days)
    values = [v for _d, v in points] + [float(goal.target)]
    if trend is not None:
        values += [trend.low, trend.high]
    low, high = min(0.0, *values), max(values)
    span = (high - low) or 1.0

    def xy(day: date | int, number: float) -> str:
        offset = day if isinstance(day, int) else (day - goal.starts_on).days
        x = offset / days * CHART_WIDTH
        y = CHART_HEIGHT - (number - low) / span * CHART_HEIGHT
        return f"{x:.1f},{y:.1f}"

    line = " ".join(xy(day, number) for day, number in points)
    trend_path = band = ""
    if trend is not None:
        last = (points[-1][0] - goal.starts_on).days
        steps = [last + (days - last) * n / 8 for n in range(9)]
        centre = [trend.band_at(x) for x in steps]
        trend_path = f"{xy(int(steps[0]), centre[0][0])} {xy(days, centre[-1][0])}"
        upper = [xy(round(x), c[2]) for x, c in zip(steps, centre, strict=True)]
        lower = [xy(round(x), c[1]) for x, c in zip(steps, centre, strict=True)]
        band = " ".join(upper + lower[::-1])
    target_y = CHART_HEIGHT - (float(goal.target) - low) / span * CHART_HEIGHT
    return Chart(line, trend_path, band, round(target_y, 1))


def _rows(community: Any) -> list[dict[str, Any]]:
    rows = []
    for found in selectors.goals_of(community):
        metric = found.metric
        rows.append(
            {
                "progress": found,
                "goal": found.goal,
                "metric": metric,
                "value": figure(metric, found.value),
                "target": figure(metric, found.goal.target),
                "forecast": figure(metric, found.trend.projected) if found.trend else None,
                "low": figure(metric, found.trend.low) if found.trend else None,
                "high": figure(metric, found.trend.high) if found.trend else None,
                "chart": _chart(found),
            }
        )
    return rows


@login_required
@answers_refusals
def goals(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's goals with progress and forecast; the settings team also sets them."""
    community, standing = community_for(request.user, slug, Action.VIEW_STATISTICS)
    may_edit = can(request.user, Action.EDIT_SETTINGS, community)
    form = GoalForm(request.POST or None) if may_edit else None
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            try:
                actions.create_goal(
                    actor=request.user, community=community, data=form.data_for_action()
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("The goal is set."))
                return redirect("analytics:goals", community.slug)
        else:
            status = 400
    elif request.method == "POST":
        status = 403
    rows = _rows(community)
    return render(
        request,
        "analytics/goals/goals.html",
        {
            **page_context(community, standing, "goals"),
            "rows": rows,
            "warnings": [row for row in rows if row["progress"].warning],
            "form": form,
            "may_edit": may_edit,
            "min_days": selectors.min_days(),
            "chart_width": CHART_WIDTH,
            "chart_height": CHART_HEIGHT,
            "metrics": CATALOGUE,
        },
        status=status,
    )


@login_required
@require_POST
@answers_refusals
def goal_delete(request: HttpRequest, slug: str, goal_id: int) -> HttpResponse:
    """Drop a goal (POST; EDIT_SETTINGS)."""
    community, _standing = community_for(request.user, slug, Action.VIEW_STATISTICS)
    actions.delete_goal(actor=request.user, goal=selectors.goal_in(community, goal_id))
    messages.success(request, _("The goal has been deleted."))
    return redirect("analytics:goals", community.slug)
