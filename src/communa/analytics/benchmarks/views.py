"""The benchmark page in the manage area (Statistics): watched pages beside the community, an
upload form that reports bad rows, deleting a page, and the comparison as CSV."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from communa.analytics.benchmarks import actions, queries
from communa.analytics.benchmarks.parsers import POST_FIELDS, ImportRejected, mapping_from_text
from communa.analytics.models import ImportFormat
from communa.analytics.periods import PERIOD_CHOICES, Period, period_of
from communa.analytics.templatetags.statistics import percent
from communa.communities.models import Community
from communa.communities.permissions import Action, Standing, can
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import ValidationFailed
from communa.core.exports import csv_download
from communa.core.web import answers_refusals, show_error_on_form

WEEKDAYS = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)


class UploadForm(forms.Form):
    """A watched page's export: the file, its layout, the page's name and, for the generic
    layouts, which column fills which field."""

    file = forms.FileField(label=gettext_lazy("Export file (CSV or JSON)"))
    name = forms.CharField(
        label=gettext_lazy("Watched page's name"),
        max_length=120,
        help_text=gettext_lazy("Importing a name again replaces that page's posts."),
    )
    format = forms.ChoiceField(label=gettext_lazy("Layout"), choices=ImportFormat.choices)
    mapping = forms.CharField(
        label=gettext_lazy("Column mapping (CSV and JSON layouts)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One line per field: field = column, e.g. likes = Likes. Fields: %(fields)s."
        )
        % {"fields": ", ".join(POST_FIELDS)},
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year of the months (UCI layout)"),
        required=False,
        min_value=1970,
        max_value=2100,
    )


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=gettext_lazy("Period of the community's posts"),
        choices=[(choice, choice) for choice in PERIOD_CHOICES if choice != "custom"],
        required=False,
    )


def _number(value: float | None, places: int = 0) -> str:
    return "—" if value is None else number_format(value, places, force_grouping=True)


def _mix(shares: list[queries.Share]) -> str:
    return ", ".join(f"{s.name} {number_format(s.share * 100, 1)} %" for s in shares) or "—"


def comparison_rows(found: queries.Comparison) -> list[tuple[str, list[str]]]:
    """The comparison table, one row per figure and one column per side (page and CSV)."""
    sides = found.sides

    def row(label: Any, value: Any) -> tuple[str, list[str]]:
        return str(label), [value(side) for side in sides]

    return [
        row(_("Posts"), lambda s: _number(s.posts)),
        row(_("Posts per month"), lambda s: _number(s.posts_per_month, 1)),
        row(_("Reach, total"), lambda s: _number(s.reach)),
        row(_("ER by members, mean of posts"), lambda s: percent(s.er_by_members.mean)),
        row(_("ER by members, pooled"), lambda s: percent(s.er_by_members.pooled)),
        row(_("ER by reach, mean of posts"), lambda s: percent(s.er_by_reach.mean)),
        row(
            _("ER by reach, pooled (Σ engagements / Σ reach)"),
            lambda s: percent(s.er_by_reach.pooled),
        ),
        row(_("Posts with ER by members known"), lambda s: _number(s.er_by_members.posts)),
        row(_("Posts with ER by reach known"), lambda s: _number(s.er_by_reach.posts)),
        row(_("Kinds of posts"), lambda s: _mix(s.kinds)),
        row(_("Rubrics"), lambda s: _mix(s.rubrics)),
        row(
            _("Best weekday"),
            lambda s: str(WEEKDAYS[s.best_weekday]) if s.best_weekday is not None else "—",
        ),
        row(
            _("Best hour"),
            lambda s: f"{s.best_hour:02d}:00" if s.best_hour is not None else "—",
        ),
    ]


@dataclass(frozen=True)
class Bar:
    """One bar of an inline SVG chart, in the chart's units."""

    label: str
    value: str
    x: float
    y: float
    width: float
    height: float


def bars(
    values: list[tuple[str, float | None, str]], *, width: int = 320, height: int = 80
) -> list[Bar]:
    """Vertical bars for (label, value, shown value); the largest value fills the height."""
    top = max((v for _l, v, _s in values if v), default=0.0)
    step = width / max(1, len(values))
    found = []
    for index, (label, value, shown) in enumerate(values):
        tall = (value or 0.0) / top * (height - 2) if top else 0.0
        found.append(Bar(label, shown, index * step + 1, height - tall, max(1.0, step - 2), tall))
    return found


def _charts(found: queries.Comparison) -> dict[str, Any]:
    er = [
        (side.name, side.er_by_members.mean, percent(side.er_by_members.mean))
        for side in found.sides
    ]
    hours = [
        {
            "side": side,
            "bars": bars([(f"{h.index:02d}", float(h.posts), str(h.posts)) for h in side.hours]),
        }
        for side in found.sides
    ]
    return {"er_bars": bars(er, height=120), "hour_charts": hours}


def _page(
    request: HttpRequest,
    community: Community,
    standing: Standing,
    *,
    period: Period,
    form: UploadForm | None = None,
    rejected: ImportRejected | None = None,
    status: int = 200,
) -> HttpResponse:
    found = queries.benchmark_comparison(community, period)
    writes = can(request.user, Action.PLAN_CONTENT, community, standing=standing)
    return render(
        request,
        "analytics/benchmarks/benchmarks.html",
        {
            **page_context(community, standing, "benchmarks"),
            "comparison": found,
            "rows": comparison_rows(found),
            "period": period,
            "period_form": PeriodForm(initial={"period": period.preset}),
            "form": (form or UploadForm()) if writes else None,
            "rejected": rejected,
            "writes": writes,
            "weekdays": WEEKDAYS,
            **_charts(found),
        },
        status=status,
    )


def _period(request: HttpRequest, community: Community) -> Period:
    form = PeriodForm(request.GET)
    chosen = form.cleaned_data.get("period") if form.is_valid() else None
    return period_of(community, period=chosen or "365")


@login_required
@require_GET
@answers_refusals
def benchmarks(request: HttpRequest, slug: str) -> HttpResponse:
    """The community beside its watched pages: the table, small charts, the upload form."""
    community, standing = community_for(request.user, slug, Action.VIEW_STATISTICS)
    return _page(request, community, standing, period=_period(request, community))


@login_required
@require_POST
@answers_refusals
def upload_benchmark(request: HttpRequest, slug: str) -> HttpResponse:
    """Import an export as a watched page; bad rows are listed and nothing is imported."""
    community, standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    form = UploadForm(request.POST, request.FILES)
    period = period_of(community, period="365")
    if not form.is_valid():
        return _page(request, community, standing, period=period, form=form, status=422)
    upload = form.cleaned_data["file"]
    try:
        actions.import_watched_page(
            actor=request.user,
            community=community,
            name=form.cleaned_data["name"],
            source_format=form.cleaned_data["format"],
            data=actions.read_upload(upload),
            file_name=upload.name or "",
            mapping=mapping_from_text(form.cleaned_data["mapping"] or "") or None,
            year=form.cleaned_data["year"],
        )
    except ImportRejected as exc:
        form.add_error(None, exc.message)
        return _page(
            request, community, standing, period=period, form=form, rejected=exc, status=422
        )
    except ValidationFailed as exc:
        status = show_error_on_form(form, exc)
        return _page(request, community, standing, period=period, form=form, status=status)
    return redirect(reverse("analytics:benchmarks", args=[community.slug]))


@login_required
@require_POST
@answers_refusals
def delete_benchmark(request: HttpRequest, slug: str, page_id: int) -> HttpResponse:
    """Stop watching a page."""
    community, _standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    actions.delete_watched_page(
        actor=request.user, page=queries.watched_page_in(community, page_id)
    )
    return redirect(reverse("analytics:benchmarks", args=[community.slug]))


@login_required
@require_GET
@answers_refusals
def benchmarks_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The comparison table as CSV: one row per figure, one column per side."""
    community, _standing = community_for(request.user, slug, Action.VIEW_STATISTICS)
    period = _period(request, community)
    found = queries.benchmark_comparison(community, period)
    return csv_download(
        f"benchmarks-{community.slug}-{period.first}-{period.last}",
        [_("Figure"), *(side.name for side in found.sides)],
        ([label, *values] for label, values in comparison_rows(found)),
    )
