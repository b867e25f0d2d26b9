"""Statistics pages: the dashboard, the post table and the printable report (R9.2, R9.3,
R9.11), each table also as a CSV download."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from communa.analytics.goals.queries import goals_of
from communa.analytics.metrics.dashboard import Dashboard, dashboard
from communa.analytics.metrics.posts import SORTABLE, latest_posts, more_like
from communa.analytics.periods import PERIOD_CHOICES, Period, period_of
from communa.analytics.statistics.presenting import charts_of, daily_rows, facets_of
from communa.analytics.statistics.reports import kept_report, kept_reports
from communa.analytics.statistics.serialize import (
    DAILY_COLUMNS,
    POST_COLUMNS,
    RATE_COLUMNS,
    compared_row,
    group_row,
    post_row,
    rates_row,
)
from communa.communities.models import Community
from communa.communities.permissions import Action, can
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import ValidationFailed
from communa.core.exports import csv_download
from communa.core.web import answers_refusals, show_error_on_form

PERIOD_LABELS = {
    "7": gettext_lazy("Last 7 days"),
    "30": gettext_lazy("Last 30 days"),
    "90": gettext_lazy("Last 90 days"),
    "365": gettext_lazy("Last 365 days"),
    "custom": gettext_lazy("Custom"),
}
DAY_TABLE_DAYS = 92
POST_TABLE_COLUMNS = (
    ("published_at", gettext_lazy("Published")),
    ("reach", gettext_lazy("Reach")),
    ("impressions", gettext_lazy("Impressions")),
    ("engagements", gettext_lazy("Engagements")),
    ("er_reach", gettext_lazy("ER by reach")),
    ("er_members", gettext_lazy("ER by members")),
    ("negative", gettext_lazy("Negative feedback")),
    ("link_clicks", gettext_lazy("Link clicks")),
    ("ctr", gettext_lazy("CTR")),
)


class PeriodForm(forms.Form):
    """The period picker of every statistics page (a GET form)."""

    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=[(key, PERIOD_LABELS[key]) for key in PERIOD_CHOICES],
        required=False,
    )
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _period(request: HttpRequest, community: Community) -> tuple[Period, PeriodForm, int]:
    """The period the page's form asks for; on bad input the default period, the form's
    errors and the status 422 (the page still shows, with the reasons beside the fields)."""
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        try:
            data = form.cleaned_data
            return (
                period_of(community, period=data["period"], start=data["start"], end=data["end"]),
                form,
                200,
            )
        except ValidationFailed as exc:
            status = show_error_on_form(form, exc)
            return period_of(community), form, status
    return period_of(community), form, 422 if form.is_bound else 200


def _statistics(request: HttpRequest, slug: str) -> tuple[Community, Any]:
    return community_for(request.user, slug, Action.VIEW_STATISTICS)


@login_required
@require_GET
@answers_refusals
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    """The community dashboard of a period, beside the previous period."""
    community, standing = _statistics(request, slug)
    period, form, status = _period(request, community)
    found = dashboard(community, period)
    return render(
        request,
        "analytics/statistics/dashboard.html",
        {
            **page_context(community, standing, "statistics"),
            "form": form,
            "found": found,
            "charts": charts_of(found),
            "facets": facets_of(found),
            # A long period's day table is a download: a year is 365 rows nobody scrolls.
            "daily_rows": daily_rows(found) if found.period.days <= DAY_TABLE_DAYS else None,
            "query": request.GET.urlencode(),
        },
        status=status,
    )


@login_required
@require_GET
@answers_refusals
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """The printable report of a period (A4, from the browser's print)."""
    community, standing = _statistics(request, slug)
    period, form, status = _period(request, community)
    found = dashboard(community, period)
    return render(
        request,
        "analytics/statistics/report.html",
        {
            **page_context(community, standing, "statistics"),
            "form": form,
            "found": found,
            "charts": charts_of(found),
            "facets": facets_of(found),
            "posts": latest_posts(community, limit=10, sort="er_reach"),
            "goals": goals_of(community),
        },
        status=status,
    )


def _sorting(request: HttpRequest) -> tuple[str, bool]:
    sort = request.GET.get("sort", "published_at")
    return (sort if sort in SORTABLE else "published_at"), request.GET.get("order") != "asc"


@login_required
@require_GET
@answers_refusals
def posts(request: HttpRequest, slug: str) -> HttpResponse:
    """The latest posts with their figures, sortable by each figure's column; `?like=<id>`
    adds the best posts of the same rubric and tone ("more like these")."""
    community, standing = _statistics(request, slug)
    sort, descending = _sorting(request)
    rows = latest_posts(community, sort=sort, descending=descending)
    chosen = next((row for row in rows if str(row.post_id) == request.GET.get("like")), None)
    return render(
        request,
        "analytics/statistics/posts.html",
        {
            **page_context(community, standing, "statistics_posts"),
            "rows": rows,
            "columns": POST_TABLE_COLUMNS,
            "may_clone": can(request.user, Action.PLAN_CONTENT, community),
            "sort": sort,
            "descending": descending,
            "sortable": SORTABLE,
            "chosen": chosen,
            "similar": more_like(rows, chosen.post_id) if chosen else [],
        },
    )


@login_required
@require_GET
@answers_refusals
def posts_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The post table as CSV, in the order the page shows."""
    community, _standing = _statistics(request, slug)
    sort, descending = _sorting(request)
    rows = [post_row(row) for row in latest_posts(community, sort=sort, descending=descending)]
    return csv_download(
        f"{community.slug}-posts", POST_COLUMNS, ([row[c] for c in POST_COLUMNS] for row in rows)
    )


@login_required
@require_GET
@answers_refusals
def dashboard_csv(request: HttpRequest, slug: str, table: str) -> HttpResponse:
    """One table of the dashboard as CSV: daily figures, rubrics, tones, top posts, join
    sources, campaigns or the audience."""
    community, _standing = _statistics(request, slug)
    if table not in TABLE_OF:
        raise ValidationFailed(fields={"table": [_("There is no such table.")]})
    period, _form, status = _period(request, community)
    if status != 200:
        raise ValidationFailed(fields={"period": [_("Choose a valid period.")]})
    found = dashboard(community, period)
    name = f"{community.slug}-{table}-{period.first.isoformat()}-{period.last.isoformat()}"
    header, rows = _table(found, table)
    return csv_download(name, header, rows)


Table = tuple[tuple[str, ...], list[list[Any]]]
COMPARED = ("key", "label", "kind", "value", "previous", "change")
GROUPS = ("key", "label", *RATE_COLUMNS)


def _compared(figures: list[Any]) -> Table:
    return COMPARED, [[compared_row(f)[c] for c in COMPARED] for f in figures]


def _platforms(found: Dashboard) -> Table:
    return ("platform", "reach", "impressions"), [
        [platform, found.reach.by_platform.get(platform, 0), found.impressions[platform]]
        for platform in ("web", "mobile_web", "api", "all")
    ]


def _rates(found: Dashboard) -> Table:
    now, before = rates_row(found.rates), rates_row(found.previous_rates)
    return ("rate", "value", "previous"), [[c, now[c], before[c]] for c in RATE_COLUMNS]


def _groups(groups: list[Any]) -> Table:
    return GROUPS, [[group_row(g)[c] for c in GROUPS] for g in groups]


def _joins(pairs: list[tuple[str, int]], name: str) -> Table:
    return (name, "joins"), [[key, count] for key, count in pairs]


def _audience(found: Dashboard) -> Table:
    audience = found.audience
    facets = (
        ("gender", audience.gender),
        ("age", audience.age),
        ("country", audience.country),
        ("city", audience.city),
        ("language", audience.language),
        ("join_source", audience.source),
    )
    rows = [[facet, value, count] for facet, pairs in facets for value, count in pairs]
    return ("facet", "value", "members"), rows


TABLE_OF = {
    "headline": lambda found: _compared(found.headline),
    "actions": lambda found: _compared(found.actions),
    "platforms": _platforms,
    "rates": _rates,
    "daily": lambda found: (
        DAILY_COLUMNS,
        [[row[c] for c in DAILY_COLUMNS] for row in found.daily],
    ),
    "rubrics": lambda found: _groups(found.by_rubric),
    "tones": lambda found: _groups(found.by_tone),
    "top": lambda found: (
        POST_COLUMNS,
        [[post_row(r)[c] for c in POST_COLUMNS] for r in found.top_posts],
    ),
    "sources": lambda found: _joins(found.joins_by_source, "source"),
    "campaigns": lambda found: _joins(found.joins_by_campaign, "utm_campaign"),
    "audience": _audience,
}


def _table(found: Dashboard, table: str) -> Table:
    return TABLE_OF[table](found)


@login_required
@require_GET
@answers_refusals
def monthly_reports(request: HttpRequest, slug: str) -> HttpResponse:
    """The monthly reports the worker has kept, newest first, to download."""
    community, standing = _statistics(request, slug)
    return render(
        request,
        "analytics/statistics/monthly_reports.html",
        {
            **page_context(community, standing, "monthly_reports"),
            "reports": kept_reports(community),
        },
    )


@login_required
@require_GET
@answers_refusals
def monthly_report(request: HttpRequest, slug: str, month: str) -> HttpResponse:
    """One kept report as an HTML file to open, print or keep."""
    community, _standing = _statistics(request, slug)
    found = kept_report(community, month)
    response = HttpResponse(found.html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{community.slug}-report-{found.month:%Y-%m}.html"'
    )
    return response
