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
from functools import cached_property
from typing import Any, NamedTuple

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Left

from communa.analytics.metrics.audience import members_at_moments
from communa.analytics.models import PostDay, PostFacts
from communa.analytics.periods import Period
from communa.communities.models import Rubric
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

    @cached_property
    def engagements(self) -> int:
        return self.likes + self.comments + self.shares

    @cached_property
    def negative(self) -> int:
        """Hides, reports and leaves within a day of a view (negative comments are apart)."""
        return self.hides + self.reports + self.leaves_after_view

    @cached_property
    def er_reach(self) -> float | None:
        return rate(self.engagements, self.reach)

    @cached_property
    def er_members(self) -> float | None:
        return rate(self.engagements, self.members_at_publication)

    @cached_property
    def love_rate(self) -> float | None:
        return rate(self.likes, self.members_at_publication)

    @cached_property
    def talk_rate(self) -> float | None:
        return rate(self.comments, self.members_at_publication)

    @cached_property
    def amplification_rate(self) -> float | None:
        return rate(self.shares, self.members_at_publication)

    @cached_property
    def virality_rate(self) -> float | None:
        return rate(self.shares, self.impressions)

    @cached_property
    def negative_rate(self) -> float | None:
        return rate(self.negative, self.reach)

    @cached_property
    def ctr(self) -> float | None:
        return rate(self.link_clicks, self.impressions)

    def sort_key(self, column: str) -> tuple[bool, Any]:
        value = getattr(self, column)
        return (value is not None, value if value is not None else 0)


def _excerpt(*texts: str) -> str:
    text = next((t for t in texts if t and t.strip()), "").strip().replace("\n", " ")
    return text[:80] + ("…" if len(text) > 80 else "")


_COLUMNS = (
    "pk",
    "community_id",
    "title",
    "start",
    "link_title",
    "kind",
    "rubric_id",
    "rubric__code",
    "rubric__name",
    "tone",
    "promotional",
    "moment",
    "members",
    "reach_count",
    "impression_count",
    "like_count",
    "comment_count",
    "share_count",
    "hide_count",
    "report_count",
    "leaves",
    "link_click_count",
)


def _with_facts(posts: QuerySet[Post]) -> Any:
    """The posts with their moment, members at publication and leaves after a view (the two
    last as subqueries of the rollup's tables)."""
    leaves = (
        PostDay.objects.filter(post_id=OuterRef("pk"), leaves_after_view__gt=0)
        .values("post_id")
        .annotate(total=Sum("leaves_after_view"))
        .values("total")
    )
    return posts.annotate(
        moment=Coalesce("published_at", "created_at"),
        members=Subquery(
            PostFacts.objects.filter(post_id=OuterRef("pk")).values("members_at_publication")[:1]
        ),
        leaves=Coalesce(Subquery(leaves), 0),
    )


def _members_of_late_posts(
    rows: Iterable[tuple[int | None, datetime, int | None]],
) -> dict[tuple[int, datetime], int]:
    """Members at publication of posts published since the last rollup (no facts yet)."""
    missing: dict[int, list[datetime]] = {}
    for community_id, moment, members in rows:
        if members is None and community_id is not None:
            missing.setdefault(community_id, []).append(moment)
    return {
        (community_id, moment): count
        for community_id, moments in missing.items()
        for moment, count in zip(moments, members_at_moments(community_id, moments), strict=True)
    }


def figures_of(posts: QuerySet[Post]) -> list[PostFigures]:
    """The figures of these posts, in the queryset's order: one query (the members at
    publication and the leaves after a view are subqueries), as plain rows, not models."""
    rows = list(_with_facts(posts).annotate(start=Left("body", 120)).values_list(*_COLUMNS))
    late = _members_of_late_posts((row[1], row[11], row[12]) for row in rows)
    labels: dict[int, str] = {}
    found = []
    for (
        pk,
        community_id,
        title,
        start,
        link_title,
        kind,
        rubric_id,
        rubric_code,
        rubric_name,
        tone,
        promotional,
        moment,
        members,
        reach,
        impressions,
        likes,
        comments,
        shares,
        hides,
        reports,
        left,
        link_clicks,
    ) in rows:
        if rubric_id is not None and rubric_id not in labels:
            labels[rubric_id] = Rubric(code=rubric_code, name=rubric_name).label
        found.append(
            PostFigures(
                post_id=pk,
                title=_excerpt(title, start, link_title),
                kind=kind,
                rubric_id=rubric_id,
                rubric=labels.get(rubric_id, "") if rubric_id is not None else "",
                tone=tone,
                promotional=promotional,
                published_at=moment,
                members_at_publication=members
                if members is not None
                else late.get((community_id, moment), 0),
                reach=reach,
                impressions=impressions,
                likes=likes,
                comments=comments,
                shares=shares,
                hides=hides,
                reports=reports,
                leaves_after_view=left,
                link_clicks=link_clicks,
            )
        )
    return found


class Counts(NamedTuple):
    """The numbers of a post that the period's rates add up, and what groups and ranks it (no
    text, no moment: a year of posts reads fast)."""

    post_id: int
    rubric_id: int | None
    tone: str
    likes: int
    comments: int
    shares: int
    reach: int
    impressions: int
    hides: int
    reports: int
    leaves_after_view: int
    members_at_publication: int

    @property
    def engagements(self) -> int:
        return self.likes + self.comments + self.shares

    @property
    def er_reach(self) -> float | None:
        return rate(self.engagements, self.reach)

    @property
    def er_members(self) -> float | None:
        return rate(self.engagements, self.members_at_publication)


def counts_of(posts: QuerySet[Post]) -> list[Counts]:
    """The numbers of these posts for `rates_of`, lighter than `figures_of`: no text and no
    moment (a year of a busy page is thousands of rows); the few posts published since the
    last rollup get their members at publication from a second, small read."""
    rows = list(
        _with_facts(posts).values_list(
            "members",
            "pk",
            "rubric_id",
            "tone",
            "like_count",
            "comment_count",
            "share_count",
            "reach_count",
            "impression_count",
            "hide_count",
            "report_count",
            "leaves",
        )
    )
    unknown = [row[1] for row in rows if row[0] is None]
    late: dict[int, int] = {}
    if unknown:
        moments = Post.objects.filter(pk__in=unknown).values_list(
            "pk", "community_id", "published_at", "created_at"
        )
        members = _members_of_late_posts(
            (community_id, published or created, None)
            for _pk, community_id, published, created in moments
        )
        late = {
            pk: members.get((community_id, published or created), 0)
            for pk, community_id, published, created in moments
        }
    return [
        Counts(
            post_id=pk,
            rubric_id=rubric_id,
            tone=tone,
            likes=likes,
            comments=comments,
            shares=shares,
            reach=reach,
            impressions=impressions,
            hides=hides,
            reports=reports,
            leaves_after_view=left,
            members_at_publication=members if members is not None else late.get(pk, 0),
        )
        for (
            members,
            pk,
            rubric_id,
            tone,
            likes,
            comments,
            shares,
            reach,
            impressions,
            hides,
            reports,
            left,
        ) in rows
    ]


def _published(community: Any) -> QuerySet[Post]:
    return Post.objects.filter(community=community, status=PostStatus.PUBLISHED)


def latest_posts(
    community: Any, *, limit: int | None = None, sort: str = "published_at", descending: bool = True
) -> list[PostFigures]:
    """The post table: the latest `limit` published posts (COMMUNA_STATS_LATEST_POSTS by
    default), sorted by one of SORTABLE (posts without a value, e.g. no reach yet, last)."""
    limit = limit or int_setting("STATS_LATEST_POSTS")
    rows = figures_of(_published(community).order_by("-published_at", "-pk")[:limit])
    if sort != "published_at" or not descending:
        with_value = [row for row in rows if getattr(row, sort) is not None]
        without = [row for row in rows if getattr(row, sort) is None]
        with_value.sort(key=lambda row: getattr(row, sort), reverse=descending)
        rows = with_value + without
    return rows


def figures_of_ids(ids: Sequence[int]) -> list[PostFigures]:
    """The figures of these posts, in the order of `ids`."""
    found = {row.post_id: row for row in figures_of(Post.objects.filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


def counts_in(community: Any, period: Period) -> list[Counts]:
    """The numbers of the posts published in the period (for its rates)."""
    return counts_of(
        _published(community).filter(published_at__gte=period.start, published_at__lt=period.end)
    )


def posts_in(community: Any, period: Period) -> list[PostFigures]:
    """The figures of the posts published in the period."""
    return figures_of(
        _published(community)
        .filter(published_at__gte=period.start, published_at__lt=period.end)
        .order_by("published_at", "pk")
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


def rates_of(rows: Sequence[PostFigures] | Sequence[Counts]) -> Rates:
    """The period figures of these posts (one pass: a year of a busy page is thousands)."""
    engagements = reach = members = impressions = shares = negative = 0
    # Sums and counts of the per-post rates that have a denominator, for their means.
    er_reach = er_members = love = talk = amplification = 0.0
    with_reach = with_members = 0
    for row in rows:
        engaged = row.likes + row.comments + row.shares
        engagements += engaged
        reach += row.reach
        members += row.members_at_publication
        impressions += row.impressions
        shares += row.shares
        negative += row.hides + row.reports + row.leaves_after_view
        if row.reach:
            er_reach += engaged / row.reach
            with_reach += 1
        if row.members_at_publication:
            er_members += engaged / row.members_at_publication
            love += row.likes / row.members_at_publication
            talk += row.comments / row.members_at_publication
            amplification += row.shares / row.members_at_publication
            with_members += 1
    return Rates(
        posts=len(rows),
        engagements=engagements,
        reach=reach,
        members=members,
        er_reach_mean=rate(er_reach, with_reach),
        er_reach_pooled=rate(engagements, reach),
        er_members_mean=rate(er_members, with_members),
        er_members_pooled=rate(engagements, members),
        love_rate=rate(love, with_members),
        talk_rate=rate(talk, with_members),
        amplification_rate=rate(amplification, with_members),
        virality_rate=rate(shares, impressions),
        negative_rate=rate(negative, reach),
    )


@dataclass(frozen=True)
class GroupRates:
    """The rates of the posts of one rubric or one tone class."""

    key: str
    label: str
    rates: Rates
    post_ids: list[int] = field(default_factory=list)


def rubric_labels(community: Any) -> dict[int, str]:
    """The community's rubrics by id, named in the current language."""
    return {rubric.pk: rubric.label for rubric in Rubric.objects.filter(community=community)}


def rates_by(
    rows: Sequence[PostFigures] | Sequence[Counts],
    by: str,
    *,
    labels_of_rubrics: dict[int, str] | None = None,
) -> list[GroupRates]:
    """Rates per rubric (`by="rubric"`) or per tone class (`by="tone"`), most posts first; rows
    without their rubric's name (`Counts`) take it from `labels_of_rubrics`."""
    groups: dict[str, list[Any]] = {}
    labels: dict[str, str] = {}
    for row in rows:
        if by == "rubric":
            name = (
                (labels_of_rubrics or {}).get(row.rubric_id or 0, "")
                if isinstance(row, Counts)
                else row.rubric
            )
            key, label = str(row.rubric_id or ""), name
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


def top_posts(rows: Sequence[Any], *, count: int = 10) -> list[Any]:
    """The posts with the highest ER by reach (then by members), as seed 001 ranks them (rows
    of `PostFigures` or `Counts`: the same order either way)."""
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
