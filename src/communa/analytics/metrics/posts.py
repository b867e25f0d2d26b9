"""Per-post figures and engagement rates (METRICS.md "Engagement rates"), and the post table.

A post's counts are walls' exact counters (likes net of unlikes, comments, shares, reach,
impressions, hides, reports, link clicks); what its rates divide by are the members of its
community at its publication (`PostFacts`, fixed by the rollup), so an old post's rates do not
change as the community grows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean
from typing import Any

from django.db.models import QuerySet, Sum

from communa.analytics.metrics.audience import members_at
from communa.analytics.models import PostDay, PostFacts
from communa.analytics.periods import Period
from communa.core.conf import int_setting
from communa.walls.models import Post, PostStatus

# The columns the post table sorts by (API `sort`, the page's column headers).
SORTABLE = (
    "published_at",
    "reach",
    "impressions",
    "engagements",
    "er_reach",
    "er_members",
    "negative",
    "link_clicks",
    "ctr",
)


def rate(part: float, whole: float) -> float | None:
    """part / whole, or None when there is nothing to divide by (shown as "—", never 0)."""
    return part / whole if whole else None


@dataclass(frozen=True)
class PostFigures:
    """One post's counts and rates."""

    post_id: int
    title: str
    kind: str
    rubric_id: int | None
    rubric: str
    tone: str
    promotional: bool
    published_at: datetime
    members_at_publication: int
    reach: int
    impressions: int
    likes: int
    comments: int
    shares: int
    hides: int
    reports: int
    leaves_after_view: int
    link_clicks: int

    @property
    def engagements(self) -> int:
        return self.likes + self.comments + self.shares

    @property
    def negative(self) -> int:
        """Hides, reports and leaves within a day of a view (negative comments are apart)."""
        return self.hides + self.reports + self.leaves_after_view

    @property
    def er_reach(self) -> float | None:
        return rate(self.engagements, self.reach)

    @property
    def er_members(self) -> float | None:
        return rate(self.engagements, self.members_at_publication)

    @property
    def love_rate(self) -> float | None:
        return rate(self.likes, self.members_at_publication)

    @property
    def talk_rate(self) -> float | None:
        return rate(self.comments, self.members_at_publication)

    @property
    def amplification_rate(self) -> float | None:
        return rate(self.shares, self.members_at_publication)

    @property
    def virality_rate(self) -> float | None:
        return rate(self.shares, self.impressions)

    @property
    def negative_rate(self) -> float | None:
        return rate(self.negative, self.reach)

    @property
    def ctr(self) -> float | None:
        return rate(self.link_clicks, self.impressions)

    def sort_key(self, column: str) -> tuple[bool, Any]:
        value = getattr(self, column)
        return (value is not None, value if value is not None else 0)


def _excerpt(post: Post) -> str:
    text = (post.title or post.body or post.link_title or "").strip().replace("\n", " ")
    return text[:80] + ("…" if len(text) > 80 else "")


def figures_of(posts: Sequence[Post]) -> list[PostFigures]:
    """The figures of these posts (loaded with `rubric`), in their order: two queries."""
    ids = [post.pk for post in posts]
    facts = dict(
        PostFacts.objects.filter(post_id__in=ids).values_list("post_id", "members_at_publication")
    )
    leaves = dict(
        PostDay.objects.filter(post_id__in=ids)
        .values("post_id")
        .annotate(total=Sum("leaves_after_view"))
        .values_list("post_id", "total")
    )
    found = []
    for post in posts:
        published_at = post.published_at or post.created_at
        members = facts.get(post.pk)
        if members is None:  # published since the last rollup: read it now
            members = members_at(post.community_id, published_at) if post.community_id else 0
        found.append(
            PostFigures(
                post_id=post.pk,
                title=_excerpt(post),
                kind=post.kind,
                rubric_id=post.rubric_id,
                rubric=post.rubric.label if post.rubric else "",
                tone=post.tone,
                promotional=post.promotional,
                published_at=published_at,
                members_at_publication=members,
                reach=post.reach_count,
                impressions=post.impression_count,
                likes=post.like_count,
                comments=post.comment_count,
                shares=post.share_count,
                hides=post.hide_count,
                reports=post.report_count,
                leaves_after_view=leaves.get(post.pk) or 0,
                link_clicks=post.link_click_count,
            )
        )
    return found


def _published(community: Any) -> QuerySet[Post]:
    return (
        Post.objects.filter(community=community, status=PostStatus.PUBLISHED)
        .select_related("rubric")
        .only(
            "pk",
            "community_id",
            "title",
            "body",
            "link_title",
            "kind",
            "rubric",
            "tone",
            "promotional",
            "published_at",
            "created_at",
            "reach_count",
            "impression_count",
            "like_count",
            "comment_count",
            "share_count",
            "hide_count",
            "report_count",
            "link_click_count",
        )
    )


def latest_posts(
    community: Any, *, limit: int | None = None, sort: str = "published_at", descending: bool = True
) -> list[PostFigures]:
    """The post table: the latest `limit` published posts (COMMUNA_STATS_LATEST_POSTS by
    default), sorted by one of SORTABLE (posts without a value, e.g. no reach yet, last)."""
    limit = limit or int_setting("STATS_LATEST_POSTS")
    posts = list(_published(community).order_by("-published_at", "-pk")[:limit])
    rows = figures_of(posts)
    if sort != "published_at" or not descending:
        with_value = [row for row in rows if getattr(row, sort) is not None]
        without = [row for row in rows if getattr(row, sort) is None]
        with_value.sort(key=lambda row: getattr(row, sort), reverse=descending)
        rows = with_value + without
    return rows


def posts_in(community: Any, period: Period) -> list[PostFigures]:
    """The figures of the posts published in the period."""
    return figures_of(
        list(
            _published(community)
            .filter(published_at__gte=period.start, published_at__lt=period.end)
            .order_by("published_at", "pk")
        )
    )


@dataclass(frozen=True)
class Rates:
    """A period's engagement rates over a set of posts: the mean of the per-post rates (the
    industry's "average ER") and the pooled variant (Σ engagements / Σ denominators)."""

    posts: int
    engagements: int
    reach: int
    members: int
    er_reach_mean: float | None
    er_reach_pooled: float | None
    er_members_mean: float | None
    er_members_pooled: float | None
    love_rate: float | None
    talk_rate: float | None
    amplification_rate: float | None
    virality_rate: float | None
    negative_rate: float | None


def _mean(values: Iterable[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return fmean(known) if known else None


def rates_of(rows: Sequence[PostFigures]) -> Rates:
    """The period figures of these posts."""
    engagements = sum(row.engagements for row in rows)
    reach = sum(row.reach for row in rows)
    members = sum(row.members_at_publication for row in rows)
    impressions = sum(row.impressions for row in rows)
    return Rates(
        posts=len(rows),
        engagements=engagements,
        reach=reach,
        members=members,
        er_reach_mean=_mean(row.er_reach for row in rows),
        er_reach_pooled=rate(engagements, reach),
        er_members_mean=_mean(row.er_members for row in rows),
        er_members_pooled=rate(engagements, members),
        love_rate=_mean(row.love_rate for row in rows),
        talk_rate=_mean(row.talk_rate for row in rows),
        amplification_rate=_mean(row.amplification_rate for row in rows),
        virality_rate=rate(sum(row.shares for row in rows), impressions),
        negative_rate=rate(sum(row.negative for row in rows), reach),
    )


@dataclass(frozen=True)
class GroupRates:
    """The rates of the posts of one rubric or one tone class."""

    key: str
    label: str
    rates: Rates
    post_ids: list[int] = field(default_factory=list)


def rates_by(rows: Sequence[PostFigures], by: str) -> list[GroupRates]:
    """Rates per rubric (`by="rubric"`) or per tone class (`by="tone"`), most posts first."""
    groups: dict[str, list[PostFigures]] = {}
    labels: dict[str, str] = {}
    for row in rows:
        if by == "rubric":
            key, label = str(row.rubric_id or ""), row.rubric
        else:
            key, label = row.tone, row.tone
        groups.setdefault(key, []).append(row)
        labels[key] = label
    found = [
        GroupRates(
            key=key,
            label=labels[key],
            rates=rates_of(members),
            post_ids=[row.post_id for row in members],
        )
        for key, members in groups.items()
    ]
    return sorted(found, key=lambda group: (-group.rates.posts, group.label))


def top_posts(rows: Sequence[PostFigures], *, count: int = 10) -> list[PostFigures]:
    """The posts with the highest ER by reach (then by members), as seed 001 ranks them."""
    ranked = [row for row in rows if row.er_reach is not None or row.er_members is not None]
    return sorted(
        ranked,
        key=lambda row: (row.er_reach or 0.0, row.er_members or 0.0, row.engagements),
        reverse=True,
    )[:count]


def more_like(rows: Sequence[PostFigures], post_id: int, *, count: int = 5) -> list[PostFigures]:
    """Posts of the same rubric and tone as this one, best first ("more like these")."""
    chosen = next((row for row in rows if row.post_id == post_id), None)
    if chosen is None:
        return []
    same = [
        row
        for row in rows
        if row.post_id != post_id and row.rubric_id == chosen.rubric_id and row.tone == chosen.tone
    ]
    return top_posts(same, count=count)
