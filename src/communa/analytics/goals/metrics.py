"""The metrics a goal can track, one per name of docs/metrics.md, read from the exact sources.

Each metric is a function `(community, Period) -> Daily`: one or two figures per local day of the
period, which `value` combines into the metric over any run of days:

- a *level* (members, active members) is the level at the end of the last day;
- a *sum* (net growth, reach, link clicks, conversions, revenue) adds the days up;
- a *ratio* (ER, CTR, conversion rate, average order value) divides the sum of its numerators
  by the sum of its denominators (a mean of per-post ERs is Σ ER / number of posts).

So a goal's progress from its start to any day, and the daily series its forecast is fitted to,
come from one read of each metric, whatever the number of days or goals. Post figures (reach,
impressions, engagements, comments) are the posts' counters, attributed to the day each post was
published; deleted posts are left out. Members, growth, joins, active members, clicks and CTR
read the worker's day cells (ADR 0015), as the dashboard does, never the raw events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from communa.analytics.metrics.audience import members_at_moments
from communa.analytics.metrics.community import members_before
from communa.analytics.models import (
    CommunityDay,
    Conversion,
    GoalType,
    JoinDay,
    MemberDay,
    PostDay,
)
from communa.analytics.periods import Period, local_day
from communa.communities.models import Community, Membership
from communa.walls.models import Post, PostStatus, TrackedLink

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)
HUNDRED: Final = Decimal(100)
ACTIVE_WINDOW_DAYS: Final = 30


class Combine(StrEnum):
    """How a metric's days make its value over a run of days."""

    LEVEL = "level"
    SUM = "sum"
    RATIO = "ratio"


@dataclass(frozen=True)
class Daily:
    """A metric's figures per local day: the numerator and the denominator (1 for a level or a
    sum) of each day of `days`."""

    days: list[date]
    num: list[Decimal]
    den: list[Decimal]


@dataclass(frozen=True)
class GoalMetric:
    """A metric a goal of `goal_type` may track. `daily` is None while its data is not measured
    (`unavailable` says why)."""

    code: str
    goal_type: str
    label: Promise
    combine: Combine
    unit: str  # "count", "percent", "money" or "seconds"
    daily: Callable[..., Daily] | None
    needs_currency: bool = False
    unavailable: Promise | None = None

    @property
    def available(self) -> bool:
        return self.daily is not None

    @property
    def scale(self) -> Decimal:
        return HUNDRED if self.unit == "percent" else ONE


def value(
    metric: GoalMetric, daily: Daily, first: int = 0, last: int | None = None
) -> Decimal | None:
    """The metric over days `first`–`last` (indexes of `daily.days`, both included); None for a
    ratio with nothing to divide by, or for no days."""
    last = len(daily.days) - 1 if last is None else last
    if last < first or not daily.days:
        return None
    if metric.combine == Combine.LEVEL:
        return daily.num[last]
    numerator = sum(daily.num[first : last + 1], ZERO)
    if metric.combine == Combine.SUM:
        return numerator
    denominator = sum(daily.den[first : last + 1], ZERO)
    if not denominator:
        return None
    return numerator * metric.scale / denominator


def metric_value(
    metric: GoalMetric, community: Community, period: Period, *, currency: str = ""
) -> Decimal | None:
    """The metric over a period (None while it is not measured)."""
    if metric.daily is None:
        return None
    return value(metric, metric.daily(community, period, currency=currency))


# -- Reading helpers ----------------------------------------------------------------------------


def _by_day(rows: QuerySet[Any], moment: str, period: Period, total: Any) -> dict[date, Decimal]:
    """`total` per local day of `moment` over the period, in one query."""
    found = (
        rows.filter(**{f"{moment}__gte": period.start, f"{moment}__lt": period.end})
        .annotate(day=TruncDate(moment, tzinfo=period.zone))
        .values("day")
        .annotate(total=total)
        .values_list("day", "total")
        .order_by()
    )
    return {day: Decimal(amount or 0) for day, amount in found}


def _sums(period: Period, num: dict[date, Decimal]) -> Daily:
    days = period.each_day()
    return Daily(days, [num.get(day, ZERO) for day in days], [ONE] * len(days))


def _ratios(period: Period, num: dict[date, Decimal], den: dict[date, Decimal]) -> Daily:
    days = period.each_day()
    return Daily(days, [num.get(d, ZERO) for d in days], [den.get(d, ZERO) for d in days])


def _levels(period: Period, level_of_day: Callable[[date], int]) -> Daily:
    days = period.each_day()
    return Daily(days, [Decimal(level_of_day(day)) for day in days], [ONE] * len(days))


def published_posts(community: Community, period: Period) -> QuerySet[Post]:
    """The community's posts published in the period and not deleted since."""
    return Post.objects.filter(
        community=community,
        status=PostStatus.PUBLISHED,
        deleted_at__isnull=True,
        published_at__gte=period.start,
        published_at__lt=period.end,
    )


def _cells(rows: QuerySet[Any], period: Period, total: Any) -> dict[date, Decimal]:
    """`total` per day of the worker's day cells (`analytics.rollups`) over the period."""
    found = (
        rows.filter(day__gte=period.first, day__lte=period.last)
        .values("day")
        .annotate(total=total)
        .values_list("day", "total")
        .order_by()
    )
    return {day: Decimal(amount or 0) for day, amount in found}


def _community_cells(community: Community, period: Period, column: str) -> dict[date, Decimal]:
    return _cells(CommunityDay.objects.filter(community=community), period, Sum(column))


# -- Awareness ----------------------------------------------------------------------------------


def members_daily(community: Community, period: Period, **_: Any) -> Daily:
    """Members at the end of each day (METRICS.md "Members at a time t"): the members at the
    period's start plus each day's exact change, as the dashboard counts them."""
    start = members_before(community, period.first)
    change = _community_cells(community, period, "member_change")
    levels: dict[date, int] = {}
    running = start
    for day in period.each_day():
        running += int(change.get(day, ZERO))
        levels[day] = running
    return _levels(period, lambda day: levels[day])


def net_growth_daily(community: Community, period: Period, **_: Any) -> Daily:
    """The member count's change each day: joins − leaves − blocks of members (METRICS.md "Net
    growth"; a block of someone who was not a member changes nothing)."""
    return _sums(period, _community_cells(community, period, "member_change"))


def _post_counter(counter: str) -> Callable[..., Daily]:
    def daily(community: Community, period: Period, **_: Any) -> Daily:
        posts = published_posts(community, period)
        return _sums(period, _by_day(posts, "published_at", period, Sum(counter)))

    daily.__doc__ = f"Σ `{counter}` of the posts published each day."
    return daily


reach_daily = _post_counter("reach_count")
impressions_daily = _post_counter("impression_count")
comments_daily = _post_counter("comment_count")


# -- Loyalty ------------------------------------------------------------------------------------


def _engagements(post: dict[str, Any]) -> Decimal:
    return Decimal(post["like_count"] + post["comment_count"] + post["share_count"])


def _post_rows(community: Community, period: Period) -> list[dict[str, Any]]:
    rows: Any = published_posts(community, period).values(
        "published_at", "reach_count", "like_count", "comment_count", "share_count"
    )
    return list(rows)


def er_by_reach_daily(community: Community, period: Period, **_: Any) -> Daily:
    """Per day: Σ of the per-post ER by reach of the posts published that day, and how many
    (METRICS.md "Average ER of a period": the mean of per-post ERs; posts without reach left
    out)."""
    num: dict[date, Decimal] = defaultdict(Decimal)
    den: dict[date, Decimal] = defaultdict(Decimal)
    for post in _post_rows(community, period):
        if post["reach_count"]:
            day = local_day(post["published_at"], period.zone)
            num[day] += _engagements(post) / post["reach_count"]
            den[day] += 1
    return _ratios(period, num, den)


def er_by_members_daily(community: Community, period: Period, **_: Any) -> Daily:
    """Per day: Σ of the per-post ER by members at publication of the posts published that day,
    and how many (posts published while the community had no members left out)."""
    posts = _post_rows(community, period)
    at_publication = members_at_moments(community.pk, [post["published_at"] for post in posts])
    num: dict[date, Decimal] = defaultdict(Decimal)
    den: dict[date, Decimal] = defaultdict(Decimal)
    for post, members in zip(posts, at_publication, strict=True):
        if members:
            day = local_day(post["published_at"], period.zone)
            num[day] += _engagements(post) / members
            den[day] += 1
    return _ratios(period, num, den)


def active_members_daily(community: Community, period: Period, **_: Any) -> Daily:
    """Per day: today's members with a like, comment, share or published post in the
    ACTIVE_WINDOW_DAYS days up to that day (METRICS.md "Active members")."""
    window = Period(
        first=period.first - timedelta(days=ACTIVE_WINDOW_DAYS - 1),
        last=period.last,
        zone=period.zone,
    )
    members = Membership.objects.filter(community=community).values("user_id")
    acts = (
        MemberDay.objects.filter(
            community=community,
            user_id__in=members,
            day__gte=window.first,
            day__lte=window.last,
        )
        .filter(Q(likes__gt=0) | Q(comments__gt=0) | Q(shares__gt=0))
        .values_list("user_id", "day")
    )
    posts = (
        Post.objects.filter(
            community=community,
            status=PostStatus.PUBLISHED,
            author_id__in=members,
            published_at__gte=window.start,
            published_at__lt=window.end,
        )
        .annotate(day=TruncDate("published_at", tzinfo=period.zone))
        .values_list("author_id", "day")
        .distinct()
    )
    active_days: dict[date, set[int]] = defaultdict(set)
    for user, day in [*acts, *posts]:
        active_days[day].add(user)

    def level(day: date) -> int:
        seen: set[int] = set()
        for back in range(ACTIVE_WINDOW_DAYS):
            seen |= active_days.get(day - timedelta(days=back), set())
        return len(seen)

    return _levels(period, level)


# -- Event or promotion -------------------------------------------------------------------------


def link_clicks_daily(community: Community, period: Period, **_: Any) -> Daily:
    """Clicks on the community's tracked links each day (the link-click events, rolled up)."""
    return _sums(period, _community_cells(community, period, "link_clicks"))


def utm_joins_daily(community: Community, period: Period, **_: Any) -> Daily:
    """Joins of each day through a UTM-tagged address (`utm_campaign` given), whether or not
    the people stayed (each join keeps its campaign in the membership history)."""
    joins = JoinDay.objects.filter(community=community).exclude(utm_campaign="")
    return _sums(period, _cells(joins, period, Sum("joins")))


def participation_daily(community: Community, period: Period, **_: Any) -> Daily:
    """Votes in polls, contest entries, votes in photo contests and form answers each day (the
    taking-part events, rolled up; R9.8 "contest/poll participation")."""
    cells = _cells(
        CommunityDay.objects.filter(community=community),
        period,
        Sum(F("poll_votes") + F("contest_entries") + F("contest_votes") + F("form_answers")),
    )
    return _sums(period, cells)


# -- Sales --------------------------------------------------------------------------------------


def _conversions(community: Community, currency: str = "") -> QuerySet[Conversion]:
    rows = Conversion.objects.filter(community=community)
    return rows.filter(currency=currency) if currency else rows


def ctr_daily(community: Community, period: Period, **_: Any) -> Daily:
    """Per day: link clicks, and impressions of the posts that carry tracked links (CTR)."""
    carrying = PostDay.objects.filter(
        community=community,
        post_id__in=TrackedLink.objects.filter(post__community=community).values("post_id"),
    )
    return _ratios(
        period,
        _community_cells(community, period, "link_clicks"),
        _cells(carrying, period, Sum("impressions")),
    )


def conversions_daily(community: Community, period: Period, **_: Any) -> Daily:
    """Conversions reported for each day (by the moment of the order)."""
    return _sums(period, _by_day(_conversions(community), "occurred_at", period, Count("id")))


def revenue_daily(community: Community, period: Period, *, currency: str = "", **_: Any) -> Daily:
    """Revenue of each day in one currency."""
    rows = _conversions(community, currency)
    return _sums(period, _by_day(rows, "occurred_at", period, Sum("amount")))


def conversion_rate_daily(community: Community, period: Period, **_: Any) -> Daily:
    """Per day: conversions, and link clicks (conversion rate = conversions / clicks)."""
    sold = _by_day(_conversions(community), "occurred_at", period, Count("id"))
    return _ratios(period, sold, _community_cells(community, period, "link_clicks"))


def average_order_value_daily(
    community: Community, period: Period, *, currency: str = "", **_: Any
) -> Daily:
    """Per day: revenue and orders in one currency (AOV = revenue / orders)."""
    rows = _conversions(community, currency)
    return _ratios(
        period,
        _by_day(rows, "occurred_at", period, Sum("amount")),
        _by_day(rows, "occurred_at", period, Count("id")),
    )


# -- The catalogue ------------------------------------------------------------------------------

NO_INBOX = _(
    "Not measured yet: it needs the support inbox (R10), which this installation does not have."
)
T = GoalType
CATALOGUE: Final[tuple[GoalMetric, ...]] = (
    GoalMetric("members", T.AWARENESS, _("Members"), Combine.LEVEL, "count", members_daily),
    GoalMetric("net_growth", T.AWARENESS, _("Net growth"), Combine.SUM, "count", net_growth_daily),
    GoalMetric("reach", T.AWARENESS, _("Reach"), Combine.SUM, "count", reach_daily),
    GoalMetric(
        "impressions", T.AWARENESS, _("Impressions"), Combine.SUM, "count", impressions_daily
    ),
    GoalMetric(
        "er_by_reach",
        T.LOYALTY,
        _("ER by reach (mean)"),
        Combine.RATIO,
        "percent",
        er_by_reach_daily,
    ),
    GoalMetric(
        "er_by_members",
        T.LOYALTY,
        _("ER by members (mean)"),
        Combine.RATIO,
        "percent",
        er_by_members_daily,
    ),
    GoalMetric(
        "active_members",
        T.LOYALTY,
        _("Active members"),
        Combine.LEVEL,
        "count",
        active_members_daily,
    ),
    GoalMetric("comments", T.LOYALTY, _("Comments"), Combine.SUM, "count", comments_daily),
    GoalMetric(
        "participation",
        T.LOYALTY,
        _("Contest and poll participation"),
        Combine.SUM,
        "count",
        participation_daily,
    ),
    GoalMetric(
        "link_clicks", T.PROMOTION, _("Link clicks"), Combine.SUM, "count", link_clicks_daily
    ),
    GoalMetric(
        "utm_joins",
        T.PROMOTION,
        _("Joins from a UTM campaign"),
        Combine.SUM,
        "count",
        utm_joins_daily,
    ),
    GoalMetric("conversions", T.SALES, _("Conversions"), Combine.SUM, "count", conversions_daily),
    GoalMetric(
        "revenue", T.SALES, _("Revenue"), Combine.SUM, "money", revenue_daily, needs_currency=True
    ),
    GoalMetric(
        "conversion_rate",
        T.SALES,
        _("Conversion rate"),
        Combine.RATIO,
        "percent",
        conversion_rate_daily,
    ),
    GoalMetric(
        "average_order_value",
        T.SALES,
        _("Average order value"),
        Combine.RATIO,
        "money",
        average_order_value_daily,
        needs_currency=True,
    ),
    GoalMetric("ctr", T.SALES, _("CTR"), Combine.RATIO, "percent", ctr_daily),
    GoalMetric(
        "first_response_time",
        T.SUPPORT,
        _("First response time"),
        Combine.RATIO,
        "seconds",
        None,
        unavailable=NO_INBOX,
    ),
    GoalMetric(
        "answered_share",
        T.SUPPORT,
        _("Answered share"),
        Combine.RATIO,
        "percent",
        None,
        unavailable=NO_INBOX,
    ),
)
METRICS: Final[dict[str, GoalMetric]] = {metric.code: metric for metric in CATALOGUE}


def metrics_of(goal_type: str) -> list[GoalMetric]:
    """The metrics a goal of this type may track, in the catalogue's order."""
    return [metric for metric in CATALOGUE if metric.goal_type == goal_type]


__all__ = ["CATALOGUE", "METRICS", "Combine", "Daily", "GoalMetric", "metrics_of", "value"]
