"""Community figures of a period from the rollups: growth, reach and impressions by platform,
publications, actions, daily engagement (ERday), and the audience (METRICS.md "Audience").

Each function reads day cells of `Period` (whole local days), never the raw events.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone

from communa.analytics.metrics.posts import rate
from communa.analytics.models import CommunityDay, JoinDay, MemberDay, ReachSpan
from communa.analytics.periods import Period, local_day
from communa.analytics.sketch import merged
from communa.communities.models import Membership
from communa.core.conf import int_setting
from communa.core.events import Platform
from communa.walls.models import Post, PostStatus

_COUNTS = (
    "impressions",
    "impressions_web",
    "impressions_mobile_web",
    "impressions_api",
    "likes",
    "unlikes",
    "comments",
    "shares",
    "hides",
    "reports",
    "link_clicks",
    "joins",
    "leaves",
    "blocks",
    "member_change",
)


def day_cells(community: Any, period: Period) -> dict[date, dict[str, int]]:
    """The community's day cells of the period, every day present (zeros where nothing
    happened): one query."""
    found = {
        row["day"]: row
        for row in CommunityDay.objects.filter(
            community=community, day__gte=period.first, day__lte=period.last
        ).values("day", *_COUNTS)
    }
    empty = dict.fromkeys(_COUNTS, 0)
    return {day: {**empty, **found.get(day, {})} for day in period.each_day()}


def totals(cells: dict[date, dict[str, int]]) -> dict[str, int]:
    summed: Counter[str] = Counter()
    for cell in cells.values():
        summed.update({name: cell[name] for name in _COUNTS})
    return {name: summed[name] for name in _COUNTS}


def engagements_of(cell: dict[str, int]) -> int:
    """A day's engagements: likes net of unlikes, comments, shares."""
    return cell["likes"] - cell["unlikes"] + cell["comments"] + cell["shares"]


@dataclass(frozen=True)
class Growth:
    """METRICS.md: net growth = joins − leaves − blocks (of members), growth rate = net growth
    / members at the start; `members` is the member count at the end of each day."""

    joins: int
    leaves: int
    blocks: int
    net: int
    members_at_start: int
    members_at_end: int
    rate: float | None
    members: list[tuple[date, int]]


def members_before(community: Any, day: date) -> int:
    """Members at the start of `day` (local midnight): the sum of every earlier day's exact
    member change, one indexed sum over the day cells. Equal to `members_at` at that moment
    once the membership history is rolled up (the rollup reads it from the first event)."""
    found = CommunityDay.objects.filter(community=community, day__lt=day).aggregate(
        total=Sum("member_change")
    )["total"]
    return int(found or 0)


def growth(community: Any, period: Period, cells: dict[date, dict[str, int]]) -> Growth:
    start = members_before(community, period.first)
    running, series = start, []
    for day, cell in cells.items():
        running += cell["member_change"]
        series.append((day, running))
    summed = totals(cells)
    return Growth(
        joins=summed["joins"],
        leaves=summed["leaves"],
        blocks=summed["blocks"],
        net=summed["member_change"],
        members_at_start=start,
        members_at_end=running,
        rate=rate(summed["member_change"], start),
        members=series,
    )


def joins_by(community: Any, period: Period, column: str) -> list[tuple[str, int]]:
    """Joins of the period by join source (`column="source"`) or UTM campaign, most first."""
    rows = (
        JoinDay.objects.filter(community=community, day__gte=period.first, day__lte=period.last)
        .values(column)
        .annotate(total=Sum("joins"))
        .order_by("-total", column)
        .values_list(column, "total")
    )
    return [(key, total) for key, total in rows if total]


@dataclass(frozen=True)
class Reach:
    """Distinct viewers of the community's posts: in the period per platform and in all ("all"
    is not the sum: one person on two platforms is one), and per day. Exact for small sets,
    within about 1 % beyond (`analytics.sketch`)."""

    by_platform: dict[str, int]
    daily: list[tuple[date, int]]

    @property
    def total(self) -> int:
        return self.by_platform["all"]


def tiling(period: Period) -> list[tuple[str, date]]:
    """The fewest spans that tile the period: whole calendar months inside it, then whole ISO
    weeks inside what is left, then single days."""
    spans: list[tuple[str, date]] = []
    day = period.first
    while day <= period.last:
        month_end = _next_month(day) - timedelta(days=1)
        week_end = day + timedelta(days=6)
        if day.day == 1 and month_end <= period.last:
            spans.append((ReachSpan.Level.MONTH, day))
            day = month_end + timedelta(days=1)
        elif (
            day.weekday() == 0
            and week_end <= period.last
            and not _month_fits_later(day, week_end, period)
        ):
            spans.append((ReachSpan.Level.WEEK, day))
            day = week_end + timedelta(days=1)
        else:
            spans.append((ReachSpan.Level.DAY, day))
            day += timedelta(days=1)
    return spans


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _month_fits_later(day: date, week_end: date, period: Period) -> bool:
    """Whether this week would cross into a month that lies whole inside the period (then days
    up to that month's first day read fewer rows than a week that spoils the month)."""
    first_of_next = _next_month(day)
    return (
        week_end >= first_of_next and _next_month(first_of_next) - timedelta(days=1) <= period.last
    )


def reach(community: Any, period: Period, *, platforms: bool = True) -> Reach:
    """Two queries: the spans that tile the period (merged per platform and for all), and the
    per-day counts of the daily series."""
    spans = tiling(period)
    wanted = Q()
    for level, start in spans:
        wanted |= Q(level=level, start=start)
    rows = ReachSpan.objects.filter(wanted, community=community)
    if not platforms:
        rows = rows.filter(platform="")
    by_platform: dict[str, list[bytes]] = {"": []}
    if platforms:
        by_platform.update({platform: [] for platform in Platform.values})
    for platform, sketch in rows.values_list("platform", "sketch"):
        by_platform.setdefault(platform, []).append(bytes(sketch))
    found = {platform or "all": merged(blobs).count() for platform, blobs in by_platform.items()}
    if not platforms:  # the period before: its total alone
        return Reach(by_platform=found, daily=[])
    daily = dict(
        ReachSpan.objects.filter(
            community=community,
            level=ReachSpan.Level.DAY,
            platform="",
            start__gte=period.first,
            start__lte=period.last,
        ).values_list("start", "viewers")
    )
    return Reach(by_platform=found, daily=[(day, daily.get(day, 0)) for day in period.each_day()])


def publications(community: Any, period: Period) -> int:
    """Posts published on the community's wall in the period."""
    return Post.objects.filter(
        community=community,
        status=PostStatus.PUBLISHED,
        published_at__gte=period.start,
        published_at__lt=period.end,
    ).count()


def er_days(
    cells: dict[date, dict[str, int]], members: list[tuple[date, int]]
) -> tuple[list[tuple[date, float | None]], float | None]:
    """ERday of each day (engagements that day / members that day) and the period's average
    ERday (Σ daily engagements / Σ daily members, i.e. members × days)."""
    by_day = dict(members)
    series = [(day, rate(engagements_of(cell), by_day[day])) for day, cell in cells.items()]
    average = rate(
        sum(engagements_of(cell) for cell in cells.values()), sum(by_day[d] for d in cells)
    )
    return series, average


ACTIVE_WINDOW_DAYS = 30


def active_window(period: Period) -> Period:
    """METRICS.md's window of active members: the last 30 days of the period (all of a shorter
    one)."""
    if period.days <= ACTIVE_WINDOW_DAYS:
        return period
    return Period(
        first=period.last - timedelta(days=ACTIVE_WINDOW_DAYS - 1),
        last=period.last,
        zone=period.zone,
        preset=period.preset,
    )


def active_members(community: Any, period: Period) -> int:
    """Current members with at least one like, comment, share or post in the active window of
    the period (one statement: the day cells and the posts are subqueries)."""
    window = active_window(period)
    contributed = (
        MemberDay.objects.filter(community=community, day__gte=window.first, day__lte=window.last)
        .filter(Q(likes__gt=0) | Q(comments__gt=0) | Q(shares__gt=0))
        .values("user_id")
    )
    posted = Post.objects.filter(
        community=community,
        status=PostStatus.PUBLISHED,
        published_at__gte=window.start,
        published_at__lt=window.end,
    ).values("author_id")
    return (
        Membership.objects.filter(community=community)
        .filter(Q(user_id__in=contributed) | Q(user_id__in=posted))
        .count()
    )


AGE_BANDS = (
    (0, 17, "<18"),
    (18, 24, "18–24"),
    (25, 34, "25–34"),
    (35, 44, "35–44"),
    (45, 54, "45–54"),
    (55, 64, "55–64"),
    (65, 200, "65+"),
)


def _age_band(birth_year: int | None, this_year: int) -> str:
    if not birth_year:
        return ""
    age = this_year - birth_year
    return next((label for low, high, label in AGE_BANDS if low <= age <= high), "")


@dataclass(frozen=True)
class Audience:
    """Today's members by what their profiles say ("" = not said)."""

    as_of: datetime
    members: int
    gender: list[tuple[str, int]]
    age: list[tuple[str, int]]
    country: list[tuple[str, int]]
    city: list[tuple[str, int]]
    language: list[tuple[str, int]]
    source: list[tuple[str, int]]


def _counted(rows: Any, column: str, *, limit: int | None = None) -> list[tuple[str, int]]:
    found = [
        (str(key or ""), total)
        for key, total in rows.values(column)
        .annotate(total=Count("pk"))
        .order_by("-total", column)
        .values_list(column, "total")
    ]
    return found[:limit] if limit else found


def audience(community: Any) -> Audience:
    """The members' gender, age band, country, city (top 20), language and join source, as of
    at most COMMUNA_STATS_AUDIENCE_SECONDS ago: six counts over every membership are the
    dashboard's dearest read, and an audience moves slowly, so the answer is kept that long."""
    key = f"communa:analytics:audience:{community.pk}"
    found = cache.get(key)
    if found is None:
        found = _audience_now(community)
        cache.set(key, found, int_setting("STATS_AUDIENCE_SECONDS"))
    return found


def _audience_now(community: Any) -> Audience:
    memberships = Membership.objects.filter(community=community)
    this_year = local_day(timezone.now(), timezone.get_default_timezone()).year
    ages: Counter[str] = Counter(
        _age_band(year, this_year)
        for year in memberships.values_list("user__birth_year", flat=True)
    )
    order = [label for _low, _high, label in AGE_BANDS] + [""]
    return Audience(
        as_of=timezone.now(),
        members=memberships.count(),
        gender=_counted(memberships, "user__gender"),
        age=[(label, ages[label]) for label in order if ages[label]],
        country=_counted(memberships, "user__country"),
        city=_counted(memberships, "user__city", limit=20),
        language=_counted(memberships, "user__language"),
        source=_counted(memberships, "source"),
    )
