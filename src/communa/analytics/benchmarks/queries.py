"""Benchmark query functions (R9.10): the community and its watched pages, measured alike.

Definitions (docs/metrics.md, "Benchmarks"; METRICS.md for the rates):
- engagements of a post = likes + comments + shares, known only when all three are known (an
  empty cell of an export is unknown, not 0): a post with one unknown is left out of every ER
  figure, and each figure says how many posts it rests on;
- ER by members = engagements / members at publication (a watched page's export gives them,
  e.g. the UCI "Page total likes"; the community's own are `members_at` its post's moment);
- ER by reach = engagements / reach, over posts whose reach is known and above 0;
- each ER twice: the mean of the per-post rates ("mean") and Σ engagements / Σ denominator
  ("pooled");
- posts per month = posts / the months covered (a watched page: its first to last month; the
  community: the period's days / 30.4375, the mean length of a month);
- best hour and best weekday = the hour (weekday) whose posts have the highest mean ER by
  members, among those with at least `BEST_SLOT_POSTS` such posts (the earlier on a tie).

Reading a comparison costs four statements whatever the number of pages and posts: the pages,
all their posts, the community's posts, its membership history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from communa.analytics.metrics.audience import members_at_moments
from communa.analytics.models import Event, ImportedPerson, WatchedPage, WatchedPost
from communa.analytics.periods import Period
from communa.communities.models import Community, DefaultRubric
from communa.core.errors import NotFound
from communa.core.pagination import Page, keyset_page
from communa.walls.models import Post, PostDocument, PostImage, PostStatus

BEST_SLOT_POSTS = 3
TOP_POSTS = 5
MONTH_DAYS = 30.4375  # 365.25 / 12


@dataclass(frozen=True)
class PostFigures:
    """One post's numbers, from either side; None is unknown."""

    kind: str
    rubric: str
    month: str  # "2014-01", or "01" when the year is unknown
    weekday: int | None  # 0 = Monday
    hour: int | None
    members: int | None
    reach: int | None
    impressions: int | None
    likes: int | None
    comments: int | None
    shares: int | None
    row: int | None = None  # a watched post's row in its file
    post_id: int | None = None  # the community's own post
    title: str = ""

    @property
    def engagements(self) -> int | None:
        if self.likes is None or self.comments is None or self.shares is None:
            return None
        return self.likes + self.comments + self.shares

    @property
    def er_by_members(self) -> float | None:
        engagements = self.engagements
        if engagements is None or not self.members:
            return None
        return engagements / self.members

    @property
    def er_by_reach(self) -> float | None:
        engagements = self.engagements
        if engagements is None or not self.reach:
            return None
        return engagements / self.reach


@dataclass(frozen=True)
class Rate:
    """An ER both ways over the posts it can be computed for."""

    mean: float | None
    pooled: float | None
    posts: int


@dataclass(frozen=True)
class Share:
    """A kind or a rubric and its share of the posts."""

    name: str
    posts: int
    share: float


@dataclass(frozen=True)
class Slot:
    """An hour or a weekday: its posts and their mean ER by members."""

    index: int
    posts: int
    er_by_members: float | None


@dataclass
class Figures:
    """One side of the comparison: the community itself, or a watched page."""

    name: str
    own: bool
    page_id: int | None
    posts: int
    months: float
    posts_per_month: float | None
    reach: int  # Σ reach over the posts whose reach is known
    reach_posts: int
    er_by_members: Rate
    er_by_reach: Rate
    kinds: list[Share]
    rubrics: list[Share]
    weekdays: list[Slot]
    hours: list[Slot]
    per_month: list[tuple[str, int]]
    best_weekday: int | None
    best_hour: int | None
    top_posts: list[PostFigures] = field(default_factory=list)


def _rate(pairs: Iterable[tuple[int, int]]) -> Rate:
    """ER of (engagements, denominator) pairs: mean of the ratios and the pooled ratio."""
    usable = [(e, d) for e, d in pairs if d > 0]
    if not usable:
        return Rate(None, None, 0)
    mean = sum(e / d for e, d in usable) / len(usable)
    pooled = sum(e for e, _d in usable) / sum(d for _e, d in usable)
    return Rate(mean, pooled, len(usable))


def _mix(values: Sequence[str], total: int) -> list[Share]:
    counts = Counter(values)
    return [
        Share(name, count, count / total if total else 0.0)
        for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def _slots(posts: Sequence[PostFigures], attribute: str, size: int) -> list[Slot]:
    slots = []
    for index in range(size):
        here = [p for p in posts if getattr(p, attribute) == index]
        rates = [r for r in (p.er_by_members for p in here) if r is not None]
        slots.append(Slot(index, len(here), sum(rates) / len(rates) if rates else None))
    return slots


def _best(posts: Sequence[PostFigures], attribute: str, size: int) -> int | None:
    best: tuple[float, int] | None = None
    for index in range(size):
        rates = [
            r
            for r in (p.er_by_members for p in posts if getattr(p, attribute) == index)
            if r is not None
        ]
        if len(rates) < BEST_SLOT_POSTS:
            continue
        mean = sum(rates) / len(rates)
        if best is None or mean > best[0]:
            best = (mean, index)
    return best[1] if best is not None else None


def _month_index(key: str) -> int:
    year, _sep, month = key.rpartition("-")
    return int(year or 0) * 12 + int(month)


def figures_of(
    name: str,
    posts: Sequence[PostFigures],
    *,
    own: bool = False,
    page_id: int | None = None,
    months: float | None = None,
) -> Figures:
    """Every figure of one side from its posts (`months`: the months covered, when not read
    from the posts' months)."""
    total = len(posts)
    month_keys = sorted({p.month for p in posts if p.month}, key=_month_index)
    if months is None:
        months = (
            float(_month_index(month_keys[-1]) - _month_index(month_keys[0]) + 1)
            if month_keys
            else 0.0
        )
    known = [(p, p.engagements) for p in posts]
    with_members = [(e, p.members) for p, e in known if e is not None and p.members is not None]
    with_reach = [(e, p.reach) for p, e in known if e is not None and p.reach is not None]
    reached = [p.reach for p in posts if p.reach is not None]
    per_month = Counter(p.month for p in posts if p.month)
    ranked = sorted(
        (p for p in posts if p.er_by_members is not None),
        key=lambda p: (
            -(p.er_by_members or 0.0),
            -(p.engagements or 0),
            p.row or 0,
            p.post_id or 0,
        ),
    )
    return Figures(
        name=name,
        own=own,
        page_id=page_id,
        posts=total,
        months=months,
        posts_per_month=total / months if months else None,
        reach=sum(reached),
        reach_posts=len(reached),
        er_by_members=_rate(with_members),
        er_by_reach=_rate(with_reach),
        kinds=_mix([p.kind for p in posts], total),
        rubrics=_mix([p.rubric or "—" for p in posts], total),
        weekdays=_slots(posts, "weekday", 7),
        hours=_slots(posts, "hour", 24),
        per_month=[(key, per_month[key]) for key in month_keys],
        best_weekday=_best(posts, "weekday", 7),
        best_hour=_best(posts, "hour", 24),
        top_posts=ranked[:TOP_POSTS],
    )


# --- watched pages --------------------------------------------------------------------------


def watched_pages(community: Community) -> QuerySet[WatchedPage]:
    """The community's watched pages by name, each with `post_count`."""
    return (
        WatchedPage.objects.filter(community=community)
        .annotate(post_count=Count("posts"))
        .order_by("name", "id")
    )


def watched_page_in(community: Community, page_id: int) -> WatchedPage:
    """One watched page of this community; another community's is a 404."""
    page = WatchedPage.objects.filter(community=community, pk=page_id).first()
    if page is None:
        raise NotFound
    return page


def watched_posts_page(page: WatchedPage, *, cursor: str | None, limit: int) -> Page[WatchedPost]:
    """A watched page's posts in file order, one keyset page."""
    return keyset_page(
        WatchedPost.objects.filter(page=page), ["row", "id"], cursor=cursor, limit=limit
    )


def _watched_month(post: Mapping[str, Any], year: int | None) -> str:
    moment = post["published_at"]
    if isinstance(moment, datetime):
        return f"{moment.year:04d}-{moment.month:02d}"
    if post["month"] is None:
        return ""
    return f"{year:04d}-{post['month']:02d}" if year else f"{post['month']:02d}"


def watched_figures(pages: Sequence[WatchedPage]) -> list[Figures]:
    """The figures of each watched page (one statement for all their posts)."""
    by_page: dict[int, list[PostFigures]] = {page.pk: [] for page in pages}
    years = {page.pk: page.year for page in pages}
    rows = WatchedPost.objects.filter(page_id__in=list(by_page)).order_by("page_id", "row", "id")
    for post in rows.values():
        by_page[post["page_id"]].append(
            PostFigures(
                kind=post["kind"],
                rubric=post["rubric"],
                month=_watched_month(post, years[post["page_id"]]),
                weekday=post["weekday"],
                hour=post["hour"],
                members=post["members"],
                reach=post["reach"],
                impressions=post["impressions"],
                likes=post["likes"],
                comments=post["comments"],
                shares=post["shares"],
                row=post["row"],
            )
        )
    return [figures_of(page.name, by_page[page.pk], page_id=page.pk) for page in pages]


# --- the community's own posts ----------------------------------------------------------------


def own_kind(post: Mapping[str, Any]) -> str:
    """A post's kind as the watched pages' exports name kinds: long-read, photo (images),
    document, link, else status."""
    if post["kind"] == "longread":
        return "longread"
    if post["has_images"]:
        return "photo"
    if post["has_document"]:
        return "document"
    if post["link_url"]:
        return "link"
    return "status"


def _rubric_label(code: str | None, name: str | None) -> str:
    if name:
        return name
    if code:
        return str(DefaultRubric(code).label)
    return ""


def own_posts(community: Community, period: Period) -> list[PostFigures]:
    """The community's posts published in the period (two statements: posts, members)."""
    rows = list(
        Post.objects.filter(
            community=community,
            status=PostStatus.PUBLISHED,
            published_at__gte=period.start,
            published_at__lt=period.end,
        )
        .annotate(
            has_images=Exists(PostImage.objects.filter(post=OuterRef("pk"))),
            has_document=Exists(PostDocument.objects.filter(post=OuterRef("pk"))),
        )
        .order_by("published_at", "id")
        .values(
            "id",
            "kind",
            "title",
            "body",
            "link_url",
            "rubric__code",
            "rubric__name",
            "published_at",
            "reach_count",
            "impression_count",
            "like_count",
            "comment_count",
            "share_count",
            "has_images",
            "has_document",
        )
    )
    # Every row has its moment: the filter on it keeps no NULL.
    moments: list[datetime] = [row["published_at"] for row in rows]  # type: ignore[misc]
    members = members_at_moments(community.pk, moments)
    posts = []
    for row, moment, members_then in zip(rows, moments, members, strict=True):
        local = moment.astimezone(period.zone)
        title = row["title"] or " ".join(row["body"].split())[:80]
        posts.append(
            PostFigures(
                kind=own_kind(row),
                rubric=_rubric_label(row["rubric__code"], row["rubric__name"]),
                month=f"{local.year:04d}-{local.month:02d}",
                weekday=local.weekday(),
                hour=local.hour,
                members=members_then,
                # The wall counts every viewer; no viewer yet is no reach to divide by.
                reach=row["reach_count"] or None,
                impressions=row["impression_count"],
                likes=row["like_count"],
                comments=row["comment_count"],
                shares=row["share_count"],
                post_id=row["id"],
                title=title,
            )
        )
    return posts


def own_figures(community: Community, period: Period) -> Figures:
    """The community's own side of the comparison over the period."""
    return figures_of(
        community.name,
        own_posts(community, period),
        own=True,
        months=period.days / MONTH_DAYS,
    )


@dataclass(frozen=True)
class Comparison:
    """The community beside each of its watched pages."""

    period: Period
    own: Figures
    pages: list[Figures]

    @property
    def sides(self) -> list[Figures]:
        return [self.own, *self.pages]


def benchmark_comparison(community: Community, period: Period) -> Comparison:
    """The comparison of the benchmark page, the API and the CSV (four statements)."""
    pages = list(WatchedPage.objects.filter(community=community).order_by("name", "id"))
    return Comparison(period, own_figures(community, period), watched_figures(pages))


# --- imported activity ------------------------------------------------------------------------


def imported_people(community: Community) -> QuerySet[ImportedPerson]:
    """The placeholder accounts of the community's imported activity (ADR 0016)."""
    return ImportedPerson.objects.filter(community=community)


def native_events(community: Community) -> QuerySet[Event]:
    """The community's events without the imported ones, for statistics that must not count
    them."""
    imported = ImportedPerson.objects.filter(community=community, user_id=OuterRef("user_id"))
    return Event.objects.filter(community=community).exclude(Exists(imported))
