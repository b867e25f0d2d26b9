"""Statistics pages: the dashboard, the post table and the printable report (R9.2, R9.3,
R9.11), each table also as a CSV download."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_countries.fields import Country

from communa.accounts.models import Gender
from communa.analytics.charts import bar_chart, line_chart
from communa.analytics.metrics.dashboard import Dashboard, dashboard
from communa.analytics.metrics.posts import SORTABLE, latest_posts
from communa.analytics.periods import PERIOD_CHOICES, Period, period_of
from communa.analytics.statistics.serialize import (
    DAILY_COLUMNS,
    POST_COLUMNS,
    RATE_COLUMNS,
    group_row,
    post_row,
)
from communa.communities.models import Community, JoinSource
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
TABLES = ("daily", "rubrics", "tones", "top", "sources", "campaigns", "audience")


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


def _charts(found: Dashboard) -> dict[str, Any]:
    first = date_format(found.period.first, "SHORT_DATE_FORMAT")
    last = date_format(found.period.last, "SHORT_DATE_FORMAT")
    daily = found.daily
    span = _("from %(first)s to %(last)s") % {"first": first, "last": last}

    def line(column: str, title: str, *, percent: bool = False) -> Any:
        values = [row[column] for row in daily]
        known = [v for v in values if v is not None]
        summary = (
            _("%(title)s by day, %(span)s: lowest %(low)s, highest %(high)s.")
            % {
                "title": title,
                "span": span,
                "low": _figure(min(known), percent),
                "high": _figure(max(known), percent),
            }
            if known
            else _("%(title)s by day, %(span)s: no data.") % {"title": title, "span": span}
        )
        return line_chart(
            values, title=title, description=summary, first_label=first, last_label=last
        )

    mix = [(group.label or _("No rubric"), float(group.rates.posts)) for group in found.by_rubric]
    return {
        "members": line("members", _("Members")),
        "reach": line("reach", _("Reach")),
        "impressions": line("impressions", _("Impressions")),
        "engagements": line("engagements", _("Engagements")),
        "er_day": line("er_day", _("ERday"), percent=True),
        "rubrics": bar_chart(
            mix,
            title=_("Posts by rubric"),
            description=_("Number of posts of each rubric published in the period."),
        ),
    }


def facets(found: Dashboard) -> list[dict[str, Any]]:
    """The audience tables with readable values (the API keeps the codes)."""
    audience = found.audience
    genders = dict(Gender.choices)
    languages = dict(settings.LANGUAGES)
    sources = dict(JoinSource.choices)

    def named(pairs: list[tuple[str, int]], names: dict[str, Any]) -> list[tuple[str, int]]:
        return [(str(names.get(value, value)) if value else "", count) for value, count in pairs]

    countries = {code: Country(code=code).name or code for code, _count in audience.country}
    return [
        {"id": "facet-gender", "title": _("Gender"), "pairs": named(audience.gender, genders)},
        {"id": "facet-age", "title": _("Age"), "pairs": audience.age},
        {"id": "facet-country", "title": _("Country"), "pairs": named(audience.country, countries)},
        {"id": "facet-city", "title": _("City"), "pairs": audience.city},
        {
            "id": "facet-language",
            "title": _("Language"),
            "pairs": named(audience.language, languages),
        },
        {"id": "facet-source", "title": _("Join source"), "pairs": named(audience.source, sources)},
    ]


def _figure(value: float, percent: bool) -> str:
    return f"{value * 100:.2f} %" if percent else f"{value:,.0f}"


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
            "charts": _charts(found),
            "facets": facets(found),
            "query": request.GET.urlencode(),
            "tables": TABLES,
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
            "charts": _charts(found),
            "facets": facets(found),
            "posts": latest_posts(community, limit=10, sort="er_reach"),
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
    """The latest posts with their figures, sortable by each figure's column."""
    community, standing = _statistics(request, slug)
    sort, descending = _sorting(request)
    rows = latest_posts(community, sort=sort, descending=descending)
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
    if table not in TABLES:
        raise ValidationFailed(fields={"table": [_("There is no such table.")]})
    period, _form, status = _period(request, community)
    if status != 200:
        raise ValidationFailed(fields={"period": [_("Choose a valid period.")]})
    found = dashboard(community, period)
    name = f"{community.slug}-{table}-{period.first.isoformat()}-{period.last.isoformat()}"
    header, rows = _table(found, table)
    return csv_download(name, header, rows)


def _table(found: Dashboard, table: str) -> tuple[tuple[str, ...], list[list[Any]]]:
    groups_header = ("key", "label", *RATE_COLUMNS)
    if table == "daily":
        return DAILY_COLUMNS, [[row[c] for c in DAILY_COLUMNS] for row in found.daily]
    if table in ("rubrics", "tones"):
        groups = found.by_rubric if table == "rubrics" else found.by_tone
        return groups_header, [[group_row(g)[c] for c in groups_header] for g in groups]
    if table == "top":
        return POST_COLUMNS, [[post_row(r)[c] for c in POST_COLUMNS] for r in found.top_posts]
    if table in ("sources", "campaigns"):
        pairs = found.joins_by_source if table == "sources" else found.joins_by_campaign
        return ("source" if table == "sources" else "utm_campaign", "joins"), [
            [key, count] for key, count in pairs
        ]
    audience = found.audience
    rows = [
        [facet, value, count]
        for facet, pairs in (
            ("gender", audience.gender),
            ("age", audience.age),
            ("country", audience.country),
            ("city", audience.city),
            ("language", audience.language),
            ("join_source", audience.source),
        )
        for value, count in pairs
    ]
    return ("facet", "value", "members"), rows
