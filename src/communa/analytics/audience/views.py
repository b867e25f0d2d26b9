"""The audience pages of the manage area (R9.5–R9.7): negative feedback, the participation
ladder and audience health, each with its CSV; marking a comment negative."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communa.analytics.audience.actions import comment_of, mark_comment_negative
from communa.analytics.metrics import health as health_metrics
from communa.analytics.metrics import negative as negative_metrics
from communa.analytics.metrics.ladder import participation_ladder
from communa.analytics.periods import PRESET_DAYS, Period, period_of
from communa.communities.models import Community
from communa.communities.permissions import Action, can
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.conf import int_setting
from communa.core.errors import ValidationFailed
from communa.core.exports import csv_download
from communa.core.pagination import next_page_link
from communa.core.web import answers_refusals, cursor_of

CHART_WIDTH, CHART_HEIGHT = 720, 160


def period_from(request: HttpRequest, community: Community) -> Period:
    """The period the page's form asks for (a 422 naming the field when it is wrong)."""
    days: dict[str, date | None] = {}
    for name in ("start", "end"):
        text = request.GET.get(name, "").strip()
        try:
            days[name] = date.fromisoformat(text) if text else None
        except ValueError:
            raise ValidationFailed(fields={name: [_("Enter a date such as 2026-01-31.")]}) from None
    return period_of(
        community, period=request.GET.get("period") or None, start=days["start"], end=days["end"]
    )


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    return csv_download(filename.removesuffix(".csv"), header, rows)


def period_context(
    request: HttpRequest, period: Period, keep: Sequence[str] = ()
) -> dict[str, Any]:
    """What the period form and the links that keep the period need; `keep` names the other
    parameters the form carries over."""
    chosen = {"period": period.preset}
    if period.preset == "custom":
        chosen.update(start=period.first.isoformat(), end=period.last.isoformat())
    return {
        "period": period,
        "presets": list(PRESET_DAYS),
        "chosen": period.preset,
        "query": urlencode(chosen),
        "period_query": urlencode(chosen) + "&",
        "keep": [(name, request.GET[name]) for name in keep if request.GET.get(name)],
    }


# -- negative feedback ---------------------------------------------------------------------------
def chart_of(ledger: negative_metrics.NegativeLedger) -> dict[str, Any]:
    """Bars of the daily totals, scaled to the busiest day, for the inline SVG."""
    peak = max(ledger.peak, 1)
    width = CHART_WIDTH / max(len(ledger.days), 1)
    bars = []
    for index, day in enumerate(ledger.days):
        height = round(CHART_HEIGHT * day.counts.total / peak, 1)
        bars.append(
            {
                "x": round(index * width, 2),
                "y": round(CHART_HEIGHT - height, 1),
                "width": round(max(width - 1, 0.5), 2),
                "height": height,
                "day": day.day,
                "total": day.counts.total,
            }
        )
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "peak": ledger.peak}


@login_required
@require_GET
@answers_refusals
def negative_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    """Negative feedback over the period (chart, days, comparison), per post, and the comments
    the team marks from."""
    community, standing = community_for(request.user, slug, Action.VIEW_STATISTICS)
    sort = request.GET.get("sort") or negative_metrics.DEFAULT_POST_SORT
    export = request.GET.get("csv")
    if export == "posts":
        posts = negative_metrics.negative_by_post(community, sort=sort)
        return csv_response(
            f"{community.slug}-negative-feedback-posts.csv",
            [
                "post",
                "title",
                "published_at",
                "reach",
                "hides",
                "reports",
                "leaves",
                "negative_comments",
                "negative_feedback",
                "rate_percent",
            ],
            (
                [
                    r.post.pk,
                    str(r.post)[:200],
                    r.post.published_at.isoformat() if r.post.published_at else "",
                    r.reach,
                    r.counts.hides,
                    r.counts.reports,
                    r.counts.leaves,
                    r.counts.comments,
                    r.counts.total,
                    r.rate,
                ]
                for r in posts
            ),
        )
    period = period_from(request, community)
    ledger = negative_metrics.negative_ledger(community, period)
    if export == "days":
        return csv_response(
            f"{community.slug}-negative-feedback-{period.first}-{period.last}.csv",
            ["day", "hides", "reports", "leaves", "negative_comments", "negative_feedback"],
            (
                [
                    d.day.isoformat(),
                    d.counts.hides,
                    d.counts.reports,
                    d.counts.leaves,
                    d.counts.comments,
                    d.counts.total,
                ]
                for d in ledger.days
            ),
        )
    negative_only = request.GET.get("negative") == "1"
    comments = negative_metrics.comments_for_review(
        community,
        cursor=cursor_of(request),
        limit=int_setting("PAGE_SIZE"),
        negative_only=negative_only,
    )
    compared = [
        (_("Hides"), ledger.totals.hides, ledger.previous_totals.hides),
        (_("Reports"), ledger.totals.reports, ledger.previous_totals.reports),
        (_("Left within 24 h of a view"), ledger.totals.leaves, ledger.previous_totals.leaves),
        (_("Negative comments"), ledger.totals.comments, ledger.previous_totals.comments),
        (_("Negative feedback"), ledger.totals.total, ledger.previous_totals.total),
    ]
    return render(
        request,
        "analytics/audience/negative_feedback.html",
        {
            **page_context(community, standing, "negative_feedback"),
            **period_context(request, period, keep=("sort", "negative")),
            "ledger": ledger,
            "post_columns": [
                ("published", _("Post")),
                ("reach", _("Reach")),
                ("hides", _("Hides")),
                ("reports", _("Reports")),
                ("leaves", _("Left after a view")),
                ("comments", _("Negative comments")),
                ("negative", _("In all")),
                ("rate", _("Rate")),
            ],
            "compared": [(label, now, before, now - before) for label, now, before in compared],
            "chart": chart_of(ledger),
            "posts": negative_metrics.negative_by_post(community, sort=sort),
            "sort": sort,
            "sorts": negative_metrics.POST_SORTS,
            "comments": comments.items,
            "next_page": next_page_link(request, comments.next_cursor),
            "negative_only": negative_only,
            "may_mark": can(request.user, Action.MODERATE, community, standing=standing),
        },
    )


@login_required
@require_POST
@answers_refusals
def mark_comment(request: HttpRequest, slug: str, comment_id: int) -> HttpResponse:
    """Mark a comment negative or take the mark off, then back to the list."""
    community, _standing = community_for(request.user, slug, Action.MODERATE)
    comment = comment_of(community, comment_id)
    mark_comment_negative(
        actor=request.user,
        community=community,
        comment=comment,
        negative=request.POST.get("negative") == "1",
    )
    back = request.POST.get("next", "")
    page = reverse("analytics:negative_feedback", args=[community.slug])
    return redirect(back if back.startswith(page) else page)


# -- participation ladder ------------------------------------------------------------------------
@login_required
@require_GET
@answers_refusals
def participation(request: HttpRequest, slug: str) -> HttpResponse:
    """The participation ladder (90-9-1) of the period and its core members."""
    community, standing = community_for(request.user, slug, Action.VIEW_STATISTICS)
    period = period_from(request, community)
    ladder = participation_ladder(community, period)
    if request.GET.get("csv") == "core":
        return csv_response(
            f"{community.slug}-core-{period.first}-{period.last}.csv",
            [
                "username",
                "display_name",
                "contributions",
                "likes",
                "comments",
                "shares",
                "posts",
                "views",
            ],
            (
                [
                    m.user.username,
                    m.user.shown_name,
                    m.contributions.total,
                    m.contributions.likes,
                    m.contributions.comments,
                    m.contributions.shares,
                    m.contributions.posts,
                    m.contributions.views,
                ]
                for m in ladder.core
            ),
        )
    rungs = [
        (_("Core"), ladder.core_count, ladder.core_share),
        (_("Contributors"), ladder.contributors, ladder.contributors_share),
        (_("Lurkers"), ladder.lurkers, ladder.lurkers_share),
    ]
    return render(
        request,
        "analytics/audience/participation.html",
        {
            **page_context(community, standing, "participation"),
            **period_context(request, period),
            "ladder": ladder,
            "rungs": rungs,
        },
    )


# -- audience health -----------------------------------------------------------------------------
@login_required
@require_GET
@answers_refusals
def audience_health(request: HttpRequest, slug: str) -> HttpResponse:
    """Inactive and suspected fake members, the dead-community signal, and the members behind
    a chosen figure (paged)."""
    community, standing = community_for(request.user, slug, Action.VIEW_STATISTICS)
    period = period_from(request, community)
    figure = request.GET.get("figure", "")
    if figure and figure not in health_metrics.FIGURES:
        raise ValidationFailed(
            fields={
                "figure": [
                    _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join(health_metrics.FIGURES)}
                ]
            }
        )
    members = None
    if figure:
        members = health_metrics.members_behind(
            community, period, figure, cursor=cursor_of(request), limit=int_setting("PAGE_SIZE")
        )
        if request.GET.get("csv") == "members":
            return csv_response(
                f"{community.slug}-{figure}-{period.first}-{period.last}.csv",
                [
                    "username",
                    "display_name",
                    "joined_at",
                    "source",
                    "utm_campaign",
                    "inactive",
                    "no_profile",
                    "quiet",
                    "burst",
                ],
                (
                    [
                        m.user.username,
                        m.user.shown_name,
                        m.joined_at.isoformat(),
                        m.source,
                        m.utm_campaign,
                        m.inactive,
                        m.no_profile,
                        m.quiet,
                        m.burst,
                    ]
                    for m in members.items
                ),
            )
    found = health_metrics.audience_health(community, period)
    figures = [
        (
            "inactive",
            _("Inactive: no view and no action in the period"),
            found.inactive,
            found.inactive_share,
        ),
        ("suspected", _("Suspected fake accounts"), found.suspected, found.suspected_share),
        (
            "no_profile",
            _("No profile data"),
            found.signals["no_profile"],
            found.share(found.signals["no_profile"]),
        ),
        (
            "quiet",
            _("No activity since joining"),
            found.signals["quiet"],
            found.share(found.signals["quiet"]),
        ),
        (
            "burst",
            _("Joined in a burst from one source"),
            found.signals["burst"],
            found.share(found.signals["burst"]),
        ),
    ]
    return render(
        request,
        "analytics/audience/audience_health.html",
        {
            **page_context(community, standing, "audience_health"),
            **period_context(request, period, keep=("figure",)),
            "health": found,
            "figures": figures,
            "figure": figure,
            "figure_label": next((label for key, label, _n, _s in figures if key == figure), ""),
            "members": members.items if members else None,
            "next_page": next_page_link(request, members.next_cursor) if members else None,
            "engagements": found.dead.latest,
            "settings": {
                "burst_joins": int_setting("FAKE_BURST_JOINS"),
                "burst_minutes": int_setting("FAKE_BURST_MINUTES"),
                "quiet_days": int_setting("FAKE_QUIET_DAYS"),
                "min_signals": int_setting("FAKE_MIN_SIGNALS"),
            },
        },
    )
