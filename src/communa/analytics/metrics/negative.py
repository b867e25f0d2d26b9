"""Negative feedback (R9.5, METRICS.md "Negative feedback"): a ledger kept beside ER.

Negative feedback of a post = hides from the feed + reports (of the post and of its comments) +
members who left within 24 hours of being shown it + its negative comments. A comment is
negative when the moderation checks held it and no moderator approved it (`core.gate`), or when
the team marked it (`NegativeComment`); a comment both flagged and marked counts once, on the
day it was written. Hides, reports and leaves come from the worker's `PostDay` cells, never from
raw events.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from communa.analytics.models import NegativeComment, PostDay
from communa.analytics.periods import Period
from communa.communities.models import Community
from communa.core.conf import int_setting
from communa.core.gate import text_gate
from communa.core.pagination import Page, keyset_page
from communa.walls.models import Comment, Post, PostStatus

# What the post table may be sorted by (a leading "-" sorts descending).
POST_SORTS = ("published", "reach", "hides", "reports", "leaves", "comments", "negative", "rate")
DEFAULT_POST_SORT = "-published"


@dataclass(frozen=True)
class NegativeCounts:
    """The four parts of negative feedback and their sum."""

    hides: int = 0
    reports: int = 0
    leaves: int = 0
    comments: int = 0

    @property
    def total(self) -> int:
        return self.hides + self.reports + self.leaves + self.comments

    def as_dict(self) -> dict[str, int]:
        return {
            "hides": self.hides,
            "reports": self.reports,
            "leaves": self.leaves,
            "comments": self.comments,
            "total": self.total,
        }


@dataclass(frozen=True)
class NegativeDay:
    day: date
    counts: NegativeCounts


@dataclass(frozen=True)
class NegativeLedger:
    """A period's negative feedback day by day, with the same length of time before it."""

    period: Period
    previous: Period
    days: list[NegativeDay]
    totals: NegativeCounts
    previous_totals: NegativeCounts

    @property
    def change(self) -> int:
        return self.totals.total - self.previous_totals.total

    @property
    def change_percent(self) -> float | None:
        """The change against the previous period in percent (None when it had none)."""
        before = self.previous_totals.total
        return None if before == 0 else round(100 * self.change / before, 2)

    @property
    def peak(self) -> int:
        return max((d.counts.total for d in self.days), default=0)


@dataclass(frozen=True)
class PostNegative:
    """One post's negative feedback over its whole life, and its rate by reach."""

    post: Post
    counts: NegativeCounts = field(default_factory=NegativeCounts)

    @property
    def reach(self) -> int:
        return self.post.reach_count

    @property
    def rate(self) -> float | None:
        """Negative feedback / reach in percent, two decimals (None before anyone saw it)."""
        return None if self.reach == 0 else round(100 * self.counts.total / self.reach, 2)


def negative_comments(community: Community) -> QuerySet[Comment]:
    """Comments under the community's posts that are negative: flagged by the checks and not
    approved, or marked by the team (whatever became of the comment or its post since)."""
    marked = NegativeComment.objects.filter(comment_id=OuterRef("pk"))
    negative = Q(Exists(marked))
    flagged = text_gate().flagged_comments(community)
    if flagged is not None:
        negative |= Q(pk__in=flagged)
    return Comment.objects.filter(post__community=community).filter(negative)


def negative_ledger(community: Community, period: Period) -> NegativeLedger:
    """The period's negative feedback per local day and in total, and the previous period's
    total (two queries: the post cells of both periods, the negative comments of both)."""
    previous = period.previous()
    by_day: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    cells = (
        PostDay.objects.filter(community=community, day__gte=previous.first, day__lte=period.last)
        .values("day")
        .annotate(hides=Sum("hides"), reports=Sum("reports"), leaves=Sum("leaves_after_view"))
    )
    for cell in cells:
        counts = by_day[cell["day"]]
        counts["hides"] += cell["hides"] or 0
        counts["reports"] += cell["reports"] or 0
        counts["leaves"] += cell["leaves"] or 0
    comments = (
        negative_comments(community)
        .filter(created_at__gte=previous.start, created_at__lt=period.end)
        .annotate(local_day=TruncDate("created_at", tzinfo=period.zone))
        .values("local_day")
        .annotate(n=Count("pk"))
    )
    for row in comments:
        by_day[row["local_day"]]["comments"] += row["n"]
    days = [NegativeDay(day, _counts(by_day.get(day))) for day in period.each_day()]
    return NegativeLedger(
        period=period,
        previous=previous,
        days=days,
        totals=_sum(d.counts for d in days),
        previous_totals=_sum(_counts(by_day.get(day)) for day in previous.each_day()),
    )


def negative_by_post(
    community: Community, *, sort: str = DEFAULT_POST_SORT, limit: int | None = None
) -> list[PostNegative]:
    """The latest published posts (`COMMUNA_STATS_LATEST_POSTS`) with their negative feedback,
    sorted by `sort` (one of `POST_SORTS`, "-" for descending; ties newest first). Three
    queries whatever the number of posts."""
    limit = limit or int_setting("STATS_LATEST_POSTS")
    posts = list(
        Post.objects.filter(community=community, status=PostStatus.PUBLISHED)
        .order_by("-published_at", "-id")
        .only("pk", "title", "body", "published_at", "reach_count", "community_id")[:limit]
    )
    ids = [post.pk for post in posts]
    sums: dict[int, dict[str, Any]] = {
        row["post_id"]: dict(row)
        for row in PostDay.objects.filter(post_id__in=ids)
        .values("post_id")
        .annotate(hides=Sum("hides"), reports=Sum("reports"), leaves=Sum("leaves_after_view"))
    }
    comment_counts = dict(
        negative_comments(community)
        .filter(post_id__in=ids)
        .values("post_id")
        .annotate(n=Count("pk"))
        .values_list("post_id", "n")
    )
    rows = [
        PostNegative(
            post,
            NegativeCounts(
                hides=(sums.get(post.pk) or {}).get("hides") or 0,
                reports=(sums.get(post.pk) or {}).get("reports") or 0,
                leaves=(sums.get(post.pk) or {}).get("leaves") or 0,
                comments=comment_counts.get(post.pk, 0),
            ),
        )
        for post in posts
    ]
    return sort_posts(rows, sort)


def sort_posts(rows: list[PostNegative], sort: str) -> list[PostNegative]:
    """Rows in the order `sort` names; a post without reach has no rate and goes last."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in POST_SORTS:
        key, descending = "published", True
    # Newest first within ties: sort by publication first, then (stably) by the key.
    ordered = sorted(rows, key=lambda r: (r.post.published_at, r.post.pk), reverse=True)
    if key == "published":
        return ordered if descending else ordered[::-1]
    valued = [r for r in ordered if _sort_value(r, key) is not None]
    missing = [r for r in ordered if _sort_value(r, key) is None]
    valued.sort(key=lambda r: _sort_value(r, key) or 0, reverse=descending)
    return valued + missing


def _sort_value(row: PostNegative, key: str) -> float | None:
    if key == "reach":
        return row.reach
    if key == "negative":
        return row.counts.total
    if key == "rate":
        return row.rate
    value: int = getattr(row.counts, key)
    return value


def comments_for_review(
    community: Community,
    *,
    cursor: str | None = None,
    limit: int,
    negative_only: bool = False,
) -> Page[Any]:
    """The comments under the community's posts, newest first, each with `flagged` (held by
    the checks, not approved) and `marked` (by the team): the list the team marks from. One
    query per page."""
    flagged_ids = text_gate().flagged_comments(community)
    flagged: Any = Q(pk__in=flagged_ids) if flagged_ids is not None else Q(pk__in=[])
    found = (
        Comment.objects.filter(post__community=community)
        .select_related("author", "post")
        .annotate(
            marked=Exists(NegativeComment.objects.filter(comment_id=OuterRef("pk"))),
            flagged=Exists(Comment.objects.filter(flagged, pk=OuterRef("pk"))),
        )
    )
    if negative_only:
        found = found.filter(Q(marked=True) | Q(flagged=True))
    return keyset_page(found, ["-created_at", "-id"], cursor=cursor, limit=limit)


def _counts(values: dict[str, int] | None) -> NegativeCounts:
    values = values or {}
    return NegativeCounts(
        hides=values.get("hides", 0),
        reports=values.get("reports", 0),
        leaves=values.get("leaves", 0),
        comments=values.get("comments", 0),
    )


def _sum(parts: Any) -> NegativeCounts:
    hides = reports = leaves = comments = 0
    for part in parts:
        hides += part.hides
        reports += part.reports
        leaves += part.leaves
        comments += part.comments
    return NegativeCounts(hides=hides, reports=reports, leaves=leaves, comments=comments)
