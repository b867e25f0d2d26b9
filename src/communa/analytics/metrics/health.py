"""Audience health (R9.7, METRICS.md "Inactive share", "Suspected fake share", "Dead community
signal"): who in the audience does nothing, who looks like a fake account, and whether a large
community has stopped answering its posts.

The audience is `ladder.audience`: current members without a team role. Every list behind a
figure is a keyset page of memberships with the signals of each member, one query per page.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.utils import timezone

from communa.analytics.metrics.ladder import audience
from communa.analytics.models import MemberDay, PostDay
from communa.analytics.periods import Period
from communa.communities.models import Community, Membership, MembershipEvent
from communa.core.conf import int_setting
from communa.core.moments import community_time_zone
from communa.core.pagination import Page, keyset_page
from communa.walls.models import Post, PostStatus

SIGNALS = ("no_profile", "quiet", "burst")
FIGURES = ("inactive", "suspected", *SIGNALS)


@dataclass(frozen=True)
class DeadSignal:
    """The dead-community check: a large audience whose latest posts get almost no response."""

    members: int
    posts: int
    median: float | None
    min_members: int
    max_median: int
    posts_read: int
    latest: tuple[tuple[Post, int], ...] = ()

    @property
    def raised(self) -> bool:
        return (
            self.members >= self.min_members
            and self.median is not None
            and self.median <= self.max_median
        )


@dataclass(frozen=True)
class Health:
    """The figures of the period; `signals` counts the members showing each fake-account sign."""

    period: Period
    members: int
    inactive: int
    suspected: int
    signals: dict[str, int]
    dead: DeadSignal

    def share(self, count: int) -> float | None:
        return None if self.members == 0 else round(100 * count / self.members, 2)

    @property
    def inactive_share(self) -> float | None:
        return self.share(self.inactive)

    @property
    def suspected_share(self) -> float | None:
        return self.share(self.suspected)


def _yes(condition: Any) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _active_in(community: Community, period: Period) -> Q:
    """The member viewed or did something in the period: a day cell, or a post written."""
    cells = MemberDay.objects.filter(
        community=community,
        user_id=OuterRef("user_id"),
        day__gte=period.first,
        day__lte=period.last,
    )
    posts = Post.objects.filter(
        community=community,
        author_id=OuterRef("user_id"),
        created_at__gte=period.start,
        created_at__lt=period.end,
    )
    return Q(Exists(cells)) | Q(Exists(posts))


def _no_profile() -> Q:
    """Nothing in the profile: no display name, avatar, gender, birth year, city or country."""
    return Q(
        user__display_name="",
        user__avatar="",
        user__gender="",
        user__birth_year__isnull=True,
        user__city="",
        user__country="",
    )


def _quiet(community: Community) -> Q:
    """Joined at least FAKE_QUIET_DAYS ago and never viewed, liked, commented, shared or wrote
    here since the day they joined (`join_day`, annotated by `with_signals`)."""
    cells = MemberDay.objects.filter(
        community=community, user_id=OuterRef("user_id"), day__gte=OuterRef("join_day")
    )
    posts = Post.objects.filter(
        community=community, author_id=OuterRef("user_id"), created_at__gte=OuterRef("joined_at")
    )
    settled = timezone.now() - timedelta(days=int_setting("FAKE_QUIET_DAYS"))
    return Q(joined_at__lte=settled) & ~Q(Exists(cells)) & ~Q(Exists(posts))


def _burst_sql(community: Community) -> RawSQL:
    """The people with a join in a burst: at least FAKE_BURST_JOINS joins of the community from
    one join source and UTM campaign whose first and last are at most FAKE_BURST_MINUTES apart.

    A join opens a burst when the join FAKE_BURST_JOINS − 1 places after it in its group is
    close enough; a join is in a burst when one of the FAKE_BURST_JOINS − 1 joins before it (or
    itself) opens one. Window functions, so the database reads the joins once.
    """
    behind = int_setting("FAKE_BURST_JOINS") - 1
    seconds = 60 * int_setting("FAKE_BURST_MINUTES")
    q = connection.ops.quote_name
    table = q(MembershipEvent._meta.db_table)
    at, ident, source, campaign = q("at"), q("id"), q("source"), q("utm_campaign")
    group = f"PARTITION BY {source}, {campaign} ORDER BY {at}, {ident}"
    ahead = f"LEAD({at}, {behind}) OVER ({group})"
    if connection.vendor == "postgresql":
        gap = f"EXTRACT(EPOCH FROM ({ahead} - {at}))"
    else:
        # Days as floating point: rounded to the millisecond, 600 s is not 600.0000001.
        gap = f"ROUND((julianday({ahead}) - julianday({at})) * 86400.0, 3)"
    sql = (
        "SELECT bursts.user_id FROM ("  # noqa: S608 (numbers and quoted names only)
        f" SELECT opening.user_id, MAX(opening.opens) OVER ("
        f"  PARTITION BY opening.{source}, opening.{campaign}"
        f"  ORDER BY opening.{at}, opening.{ident}"
        f"  ROWS BETWEEN {behind} PRECEDING AND CURRENT ROW) AS in_burst"
        f" FROM (SELECT {ident}, user_id, {source}, {campaign}, {at},"
        f"  CASE WHEN {gap} <= %s THEN 1 ELSE 0 END AS opens"
        f"  FROM {table} WHERE community_id = %s AND kind = %s) opening"
        ") bursts WHERE bursts.in_burst = 1"
    )
    return RawSQL(sql, (seconds, community.pk, MembershipEvent.Kind.JOIN.value))  # noqa: S611


def _signals(community: Community, period: Period) -> dict[str, Any]:
    """Each figure's 0-or-1 expression over a membership (needs the `join_day` annotation)."""
    return {
        "inactive": _yes(~_active_in(community, period)),
        "no_profile": _yes(_no_profile()),
        "quiet": _yes(_quiet(community)),
        "burst": _yes(Q(user_id__in=_burst_sql(community))),
    }


def _with_join_day(community: Community) -> QuerySet[Membership]:
    # The local day they joined, which the quiet signal compares day cells with.
    zone = community_time_zone(community)
    return audience(community).annotate(join_day=TruncDate("joined_at", tzinfo=zone))


def with_signals(community: Community, period: Period) -> QuerySet[Membership]:
    """The audience, each membership with `inactive`, `no_profile`, `quiet`, `burst` (0 or 1)
    and `signals` (how many of the three fake-account signs it shows)."""
    return (
        _with_join_day(community)
        .annotate(**_signals(community, period))
        .annotate(signals=F("no_profile") + F("quiet") + F("burst"))
    )


def _figure_filter(figure: str) -> Q:
    if figure == "suspected":
        return Q(signals__gte=int_setting("FAKE_MIN_SIGNALS"))
    return Q(**{figure: 1})


def audience_health(community: Community, period: Period) -> Health:
    """The figures of the period: seven queries (the members, one count per figure, the last
    posts and their engagements), whatever the size of the audience."""
    # One count per figure rather than one aggregate: an aggregate names the annotations it
    # sums by alias inside its subqueries, which PostgreSQL refuses and SQLite reads as text.
    base = with_signals(community, period)
    counts = {figure: base.filter(_figure_filter(figure)).count() for figure in FIGURES}
    return Health(
        period=period,
        members=audience(community).count(),
        inactive=counts["inactive"],
        suspected=counts["suspected"],
        signals={name: counts[name] for name in SIGNALS},
        dead=dead_signal(community),
    )


def latest_engagements(community: Community) -> list[tuple[Post, int]]:
    """The last DEAD_POSTS published posts, newest first, with their engagements (likes −
    unlikes + comments + shares, from the day cells; two queries)."""
    posts = list(
        Post.objects.filter(community=community, status=PostStatus.PUBLISHED)
        .order_by("-published_at", "-id")
        .only("pk", "title", "body", "published_at", "community_id")[: int_setting("DEAD_POSTS")]
    )
    sums = dict(
        PostDay.objects.filter(post_id__in=[p.pk for p in posts])
        .values("post_id")
        .annotate(n=Sum(F("likes") - F("unlikes") + F("comments") + F("shares")))
        .values_list("post_id", "n")
    )
    return [(post, max(0, sums.get(post.pk) or 0)) for post in posts]


def dead_signal(community: Community) -> DeadSignal:
    """Members now ≥ DEAD_MIN_MEMBERS and the median engagements of the last DEAD_POSTS posts
    ≤ DEAD_MAX_MEDIAN (no posts: no median, no signal)."""
    found = latest_engagements(community)
    return DeadSignal(
        members=community.member_count,
        posts=len(found),
        median=float(statistics.median(n for _p, n in found)) if found else None,
        min_members=int_setting("DEAD_MIN_MEMBERS"),
        max_median=int_setting("DEAD_MAX_MEDIAN"),
        posts_read=int_setting("DEAD_POSTS"),
        latest=tuple(found),
    )


def members_behind(
    community: Community,
    period: Period,
    figure: str,
    *,
    cursor: str | None = None,
    limit: int,
) -> Page[Any]:
    """The members counted in one figure (`FIGURES`), newest members first, with their signals
    and people: one query per page."""
    found = with_signals(community, period).filter(_figure_filter(figure)).select_related("user")
    return keyset_page(found, ["-joined_at", "-id"], cursor=cursor, limit=limit)
