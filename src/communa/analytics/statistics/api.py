"""Statistics API: `/api/communities/{slug}/stats/...` (VIEW_STATISTICS: analysts and up)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from communa.accounts.http import AuthedRequest
from communa.analytics.metrics.dashboard import dashboard
from communa.analytics.metrics.posts import SORTABLE, latest_posts, more_like
from communa.analytics.models import MonthlyReport
from communa.analytics.schemas import PeriodOut, PeriodQuery
from communa.analytics.statistics.reports import kept_report, kept_reports
from communa.analytics.statistics.serialize import dashboard_out, post_row
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.conf import int_setting
from communa.core.errors import NotFound
from communa.core.schemas import OneOf, RowId

router = Router(tags=["statistics"])

Rate = Annotated[
    float | None,
    Field(description="A fraction (0.0123 = 1.23 %); null when there is nothing to divide by."),
]


class ComparedOut(Schema):
    key: str
    label: str
    kind: str = Field(description="`count`, or `rate` (a fraction).")
    value: float | None
    previous: float | None = Field(description="The same figure over the previous period.")
    change: float | None = Field(description="(value − previous) / previous; null from 0.")


class CountOut(Schema):
    source: str | None = None
    utm_campaign: str | None = None
    value: str | None = None
    count: int


class GrowthOut(Schema):
    joins: int
    leaves: int
    blocks: int
    net: int = Field(description="Joins − leaves − blocks of members: the member count's change.")
    rate: Rate = Field(description="Net growth / members at the start.")
    members_at_start: int
    members_at_end: int
    joins_by_source: list[CountOut]
    joins_by_campaign: list[CountOut]


class RatesOut(Schema):
    posts: int
    engagements: int
    reach: int
    members: int = Field(description="Σ members at publication of the posts.")
    er_reach_mean: Rate = Field(description="Mean of the posts' ER by reach.")
    er_reach_pooled: Rate = Field(description="Σ engagements / Σ reach.")
    er_members_mean: Rate = Field(description="Mean of the posts' ER by members.")
    er_members_pooled: Rate = Field(description="Σ engagements / Σ members at publication.")
    love_rate: Rate
    talk_rate: Rate
    amplification_rate: Rate
    virality_rate: Rate
    negative_rate: Rate


class GroupOut(RatesOut):
    key: str
    label: str


class PostStatsOut(Schema):
    post_id: int
    published_at: datetime
    title: str
    rubric: str
    tone: str
    promotional: bool
    members_at_publication: int
    reach: int
    impressions: int
    likes: int
    comments: int
    shares: int
    engagements: int
    er_reach: Rate
    er_members: Rate
    love_rate: Rate
    talk_rate: Rate
    amplification_rate: Rate
    virality_rate: Rate
    hides: int
    reports: int
    leaves_after_view: int
    negative: int = Field(description="Hides + reports + leaves within 24 h of a view.")
    negative_rate: Rate
    link_clicks: int
    ctr: Rate


class AudienceOut(Schema):
    as_of: datetime = Field(
        description="When it was counted (kept for COMMUNA_STATS_AUDIENCE_SECONDS)."
    )
    members: int
    gender: list[CountOut]
    age: list[CountOut]
    country: list[CountOut]
    city: list[CountOut]
    language: list[CountOut]
    join_source: list[CountOut]


class DailyOut(Schema):
    day: date
    members: int
    joins: int
    leaves: int
    blocks: int
    reach: int
    impressions: int
    engagements: int
    er_day: Rate


class DashboardOut(Schema):
    period: PeriodOut
    previous_period: PeriodOut
    headline: list[ComparedOut]
    growth: GrowthOut
    reach: dict[str, int] = Field(description="Distinct viewers by platform and `all`.")
    impressions: dict[str, int]
    actions: list[ComparedOut]
    rates: RatesOut
    previous_rates: RatesOut
    er_day_average: Rate
    by_rubric: list[GroupOut]
    by_tone: list[GroupOut]
    top_posts: list[PostStatsOut]
    audience: AudienceOut
    daily: list[DailyOut]


class PostTableQuery(Schema):
    count: Annotated[int, Field(ge=1, le=1000)] | None = Field(
        None,
        description="How many of the latest posts (COMMUNA_STATS_LATEST_POSTS, 150, by "
        "default): the table is one list, not pages.",
    )
    sort: Annotated[str, OneOf(list(SORTABLE))] = "published_at"
    order: Annotated[str, OneOf(["desc", "asc"])] = "desc"


class PostTableOut(Schema):
    posts: list[PostStatsOut]


class MoreLikeOut(Schema):
    post_id: int
    similar: list[PostStatsOut]


@router.get("/communities/{slug}/stats/dashboard", response=DashboardOut)
def stats_dashboard(request: AuthedRequest, slug: str, query: Query[PeriodQuery]) -> dict[str, Any]:
    """The community dashboard of a period beside the period before it: growth, reach,
    impressions, actions, engagement rates (both ways, mean and pooled), ERday, rubric and
    tone rates, top posts, audience (docs/metrics.md)."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    period = query.period_in(community)
    return dashboard_out(dashboard(community, period))


@router.get("/communities/{slug}/stats/posts", response=PostTableOut)
def stats_posts(request: AuthedRequest, slug: str, query: Query[PostTableQuery]) -> dict[str, Any]:
    """The latest published posts with reach, impressions, engagements, ER both ways,
    negative feedback, link clicks and CTR, sorted by one column."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    rows = latest_posts(
        community, limit=query.count, sort=query.sort, descending=query.order == "desc"
    )
    return {"posts": [post_row(row) for row in rows]}


@router.get("/communities/{slug}/stats/posts/{post_id}/similar", response=MoreLikeOut)
def stats_similar(request: AuthedRequest, slug: str, post_id: RowId) -> dict[str, Any]:
    """ "More like these": the best posts of the same rubric and tone among the latest posts."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    rows = latest_posts(community, limit=int_setting("STATS_LATEST_POSTS"))
    if not any(row.post_id == post_id for row in rows):
        raise NotFound(_("This post is not among the community's latest posts."))
    return {"post_id": post_id, "similar": [post_row(row) for row in more_like(rows, post_id)]}


class MonthlyReportOut(Schema):
    month: str = Field(description="YYYY-MM: the community's calendar month.")
    language: str
    generated_at: datetime


class MonthlyReportFileOut(MonthlyReportOut):
    html: str = Field(description="The self-contained printable report (an HTML document).")


def _report_out(report: MonthlyReport, *, with_html: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "month": f"{report.month:%Y-%m}",
        "language": report.language,
        "generated_at": report.generated_at,
    }
    if with_html:
        out["html"] = report.html
    return out


@router.get("/communities/{slug}/stats/reports", response=list[MonthlyReportOut])
def stats_reports(request: AuthedRequest, slug: str) -> list[dict[str, Any]]:
    """The monthly reports the worker has kept (after each month with activity), newest first."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    return [_report_out(report) for report in kept_reports(community)]


@router.get("/communities/{slug}/stats/reports/{month}", response=MonthlyReportFileOut)
def stats_report(
    request: AuthedRequest,
    slug: str,
    month: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")],
) -> dict[str, Any]:
    """One kept monthly report with its printable HTML."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    return _report_out(kept_report(community, month), with_html=True)
