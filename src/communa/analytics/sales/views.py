"""Sales pages (R9.9): clicks, CTR, conversions, revenue, conversion rate and AOV per campaign
and per post, with a CSV of each table; and the community's conversion keys."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from communa.analytics.periods import PERIOD_CHOICES, Period, period_of
from communa.analytics.sales import actions
from communa.analytics.sales import queries as selectors
from communa.analytics.sales.api import KEY_HEADER
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import DomainError, ValidationFailed
from communa.core.exports import csv_download
from communa.core.web import answers_refusals, show_error_on_form

TABLES = ("campaigns", "posts")
COLUMNS = (
    ("name", gettext_lazy("Name")),
    ("clicks", gettext_lazy("Clicks")),
    ("impressions", gettext_lazy("Impressions")),
    ("ctr", gettext_lazy("CTR, %")),
    ("conversions", gettext_lazy("Conversions")),
    ("conversion_rate", gettext_lazy("Conversion rate, %")),
)
# A cell a spreadsheet would run as a formula (campaign names come from shops' reports).


def _day(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(fields={field: [_("Expected a date such as 2026-01-31.")]}) from exc


def _period(request: HttpRequest, community: Any) -> Period:
    return period_of(
        community,
        period=request.GET.get("period"),
        start=_day(request.GET.get("start"), "start"),
        end=_day(request.GET.get("end"), "end"),
    )


def _rows(community: Any, period: Period, table: str, sort: str) -> list[selectors.SalesRow]:
    if table == "posts":
        return selectors.sales_by_post(community, period, sort=sort)
    return selectors.sales_by_campaign(community, period, sort=sort)


def _csv(rows: list[selectors.SalesRow], table: str, period: Period) -> HttpResponse:
    header = [
        "campaign" if table == "campaigns" else "post",
        "name",
        "clicks",
        "impressions",
        "ctr_percent",
        "conversions",
        "conversion_rate_percent",
        "currency",
        "revenue",
        "orders",
        "average_order_value",
    ]
    lines: list[list[Any]] = []
    for row in rows:
        head = [
            row.key,
            row.name,
            row.clicks,
            row.impressions,
            row.ctr,
            row.conversions,
            row.conversion_rate,
        ]
        aov = row.average_order_value
        # One line per currency: amounts in different currencies are never added.
        for currency in row.currencies or [""]:
            money = (
                [
                    currency,
                    row.revenue[currency].quantize(selectors.CENT),
                    row.orders[currency],
                    aov[currency],
                ]
                if currency
                else ["", "", "", ""]
            )
            lines.append([*head, *money])
    return csv_download(
        f"sales-{table}-{period.first.isoformat()}-{period.last.isoformat()}", header, lines
    )


@login_required
@require_GET
@answers_refusals
def sales(request: HttpRequest, slug: str) -> HttpResponse:
    """Sales per campaign or per post over a period; `?format=csv` downloads the table."""
    community, standing = community_for(request.user, slug, Action.VIEW_STATISTICS)
    period = _period(request, community)
    table = request.GET.get("table") or TABLES[0]
    if table not in TABLES:
        table = TABLES[0]
    sort = request.GET.get("sort") or selectors.DEFAULT_SORT
    if sort.removeprefix("-") not in selectors.SORTS:
        sort = selectors.DEFAULT_SORT
    rows = _rows(community, period, table, sort)
    if request.GET.get("format") == "csv":
        return _csv(rows, table, period)
    base = {"table": table, "period": period.preset}
    if period.preset == "custom":
        base |= {"start": period.first.isoformat(), "end": period.last.isoformat()}
    columns = []
    for name, label in COLUMNS:
        current = sort.removeprefix("-") == name
        descending = sort.startswith("-")
        # Numbers open largest first; the name column A to Z.
        following = (
            name if current and descending else f"-{name}" if current or name != "name" else name
        )
        columns.append(
            {
                "name": name,
                "label": label,
                "query": {**base, "sort": following},
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return render(
        request,
        "analytics/sales/sales.html",
        {
            **page_context(community, standing, "sales"),
            "period": period,
            "period_choices": PERIOD_CHOICES,
            "table": table,
            "rows": rows,
            "total": selectors.totals(rows),
            "columns": columns,
            "csv_query": {**base, "sort": sort, "format": "csv"},
            "other_tables": [(name, {**base, "table": name}) for name in TABLES],
        },
    )


class KeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=actions.NAME_MAX,
        help_text=gettext_lazy("Such as the shop that will use it."),
    )


@login_required
@answers_refusals
def conversion_keys(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's conversion keys: make, rotate and revoke them; a new key is shown once."""
    community, standing = community_for(request.user, slug, Action.EDIT_SETTINGS)
    form = KeyForm(request.POST if request.POST.get("do") == "create" else None)
    status = 200
    shown: str | None = None
    if request.method == "POST":
        try:
            shown, status = _key_step(request, community, form)
        except DomainError as exc:
            status = show_error_on_form(form, exc)
    return render(
        request,
        "analytics/sales/keys.html",
        {
            **page_context(community, standing, "conversion_keys"),
            "keys": selectors.conversion_keys(community),
            "form": form,
            "shown": shown,
            "header": KEY_HEADER,
            "endpoint": request.build_absolute_uri("/api/conversions"),
        },
        status=status,
    )


def _key_step(request: HttpRequest, community: Any, form: KeyForm) -> tuple[str | None, int]:
    step = request.POST.get("do")
    key_id = request.POST.get("key", "")
    if step == "create":
        if not form.is_valid():
            return None, 400
        _key, plaintext = actions.create_conversion_key(
            actor=request.user, community=community, name=form.cleaned_data["name"]
        )
        return plaintext, 201
    if step in {"rotate", "revoke"} and key_id.isdigit():
        if step == "rotate":
            _key, plaintext = actions.rotate_conversion_key(
                actor=request.user, community=community, key_id=int(key_id)
            )
            return plaintext, 200
        actions.revoke_conversion_key(actor=request.user, community=community, key_id=int(key_id))
        return None, 200
    return None, 400
