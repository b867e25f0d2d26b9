"""Monthly reports (R9.11): after a month ends, the worker renders each active community's
report of that month (its calendar month on its own clock) once and keeps it for download."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from communa.analytics.metrics.dashboard import dashboard
from communa.analytics.models import CommunityDay, MonthlyReport
from communa.analytics.periods import Period, today_in
from communa.analytics.statistics.presenting import charts_of, facets_of
from communa.communities.models import Community, Membership, Role
from communa.core.errors import NotFound
from communa.core.moments import community_time_zone

# How many reports one run of the worker renders (the rest wait for its next run).
REPORTS_PER_RUN = 20


def month_period(community: Any, month: date) -> Period:
    """The calendar month that starts on `month`, on the community's clock."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Period(
        first=month,
        last=following - timedelta(days=1),
        zone=community_time_zone(community),
        preset="custom",
    )


def last_month(community: Any) -> date:
    """The first day of the month before the community's current one."""
    return (today_in(community_time_zone(community)).replace(day=1) - timedelta(days=1)).replace(
        day=1
    )


def report_language(community: Community) -> str:
    """The owner's language, else the site's."""
    chosen = (
        Membership.objects.filter(community=community, role=Role.OWNER)
        .values_list("user__language", flat=True)
        .first()
    )
    return chosen or settings.LANGUAGE_CODE


def render_report_file(community: Community, period: Period, *, language: str) -> str:
    """The self-contained printable report of a period (inline styles, no links to assets)."""
    with translation.override(language):
        found = dashboard(community, period)
        return render_to_string(
            "analytics/statistics/report_file.html",
            {
                "community": community,
                "found": found,
                "charts": charts_of(found),
                "facets": facets_of(found),
                "generated_at": timezone.now(),
                "LANGUAGE_CODE": language,
            },
        )


def generate_monthly_reports() -> int:
    """Render last month's report of every community that had activity in it and has none
    yet; a report is made once (its unique month settles two workers racing)."""
    recent = timezone.now().date() - timedelta(days=62)
    candidates = Community.objects.filter(
        pk__in=CommunityDay.objects.filter(day__gte=recent).values("community_id")
    ).order_by("pk")
    # The reports already made for the last two months, read once: a run every half minute
    # asks nothing more of communities whose report exists.
    made_already = set(
        MonthlyReport.objects.filter(month__gte=recent.replace(day=1)).values_list(
            "community_id", "month"
        )
    )
    made = 0
    for community in candidates:
        month = last_month(community)
        if (community.pk, month) in made_already:
            continue
        period = month_period(community, month)
        if not CommunityDay.objects.filter(
            community=community, day__gte=period.first, day__lte=period.last
        ).exists():
            continue
        language = report_language(community)
        html = render_report_file(community, period, language=language)
        try:
            with transaction.atomic():
                MonthlyReport.objects.create(
                    community=community, month=month, language=language, html=html
                )
        except IntegrityError:
            continue  # another worker made it first
        made += 1
        if made >= REPORTS_PER_RUN:
            break
    return made


def kept_reports(community: Any) -> list[MonthlyReport]:
    """The community's monthly reports, newest first (without their bodies)."""
    return list(MonthlyReport.objects.filter(community=community).defer("html").order_by("-month"))


def kept_report(community: Any, month: str) -> MonthlyReport:
    """The report of a month written YYYY-MM; a 404 when there is none."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError as exc:
        raise NotFound() from exc
    found = MonthlyReport.objects.filter(community=community, month=first).first()
    if found is None:
        raise NotFound()
    return found
