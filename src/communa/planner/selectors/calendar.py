"""The calendar (R8.2): a span of days in the community's time zone with the plan's slots that
still need a post, the drafts, posts awaiting approval, scheduled and published posts (with their
rubric and tone), and the promotions running. A fixed number of queries whatever the span."""

from __future__ import annotations

import calendar as months
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from communa.communities.models import Community, Rubric
from communa.planner.models import PlannedPost, Promotion
from communa.planner.selectors.plans import SlotOccurrence, slot_occurrences, zone_of
from communa.walls.models import Post, PostStatus

# Statuses the calendar shows, and the filter's names for them.
SHOWN = (
    PostStatus.DRAFT,
    PostStatus.PENDING,
    PostStatus.SCHEDULED,
    PostStatus.PUBLISHING,
    PostStatus.FAILED,
    PostStatus.PUBLISHED,
)
UNPUBLISHED = [status for status in SHOWN if status != PostStatus.PUBLISHED]
# An accessible palette (each at least 4.5:1 against white as text, and told apart by the name
# beside it, never by the colour alone): a rubric's colour follows its place in the list.
PALETTE = ("#1f5fa8", "#a3361b", "#2f6b2f", "#7b3fa0", "#8a5a00", "#0e6e6e", "#a0305f", "#4f5b66")

MAX_DAYS = 62


def rubric_colour(rubric: Rubric | None) -> str:
    """The colour a rubric's posts carry on the calendar."""
    if rubric is None:
        return PALETTE[-1]
    return PALETTE[(rubric.position or rubric.pk or 0) % len(PALETTE)]


@dataclass
class Filters:
    """What the calendar is narrowed to; empty fields mean everything."""

    rubric: int | None = None
    tone: str = ""
    author: str = ""
    state: str = ""

    def apply(self, posts: QuerySet[Post]) -> QuerySet[Post]:
        if self.rubric:
            posts = posts.filter(rubric_id=self.rubric)
        if self.tone:
            posts = posts.filter(Q(tone=self.tone) | Q(tone="", rubric__default_tone=self.tone))
        if self.author:
            posts = posts.filter(author__username__iexact=self.author)
        if self.state:
            posts = posts.filter(status=self.state)
        return posts

    @property
    def narrowed(self) -> bool:
        return bool(self.rubric or self.tone or self.author or self.state)


@dataclass
class Day:
    """One day of the calendar."""

    day: date
    posts: list[Post] = field(default_factory=list)
    open_slots: list[SlotOccurrence] = field(default_factory=list)
    promotions: list[Promotion] = field(default_factory=list)
    today: bool = False


def week_of(day: date) -> tuple[date, date]:
    """Monday to Sunday around `day`."""
    first = day - timedelta(days=day.weekday())
    return first, first + timedelta(days=6)


def month_of(day: date) -> tuple[date, date]:
    """The first to the last day of `day`'s month."""
    last = months.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def bounds(community: Community, first: date, last: date) -> tuple[datetime, datetime]:
    """The moments the span starts and ends at in the community's zone (end excluded)."""
    zone = zone_of(community)
    start = datetime.combine(first, time.min).replace(tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min).replace(tzinfo=zone)
    return start, end


def when(post: Post) -> datetime | None:
    """Where a post sits on the calendar: its publishing time, else its planned time."""
    if post.status == PostStatus.PUBLISHED:
        return post.published_at
    return post.scheduled_at


def calendar_posts(
    community: Community, first: date, last: date, filters: Filters | None = None
) -> list[Post]:
    """The posts with a time in the span: planned ones by their time, published ones by when
    they went out; each with its rubric, author and place in the plan."""
    start, end = bounds(community, first, last)
    posts = Post.objects.filter(community=community).filter(
        Q(status__in=UNPUBLISHED, scheduled_at__gte=start, scheduled_at__lt=end)
        | Q(status=PostStatus.PUBLISHED, published_at__gte=start, published_at__lt=end)
    )
    posts = (filters or Filters()).apply(posts)
    rows = list(
        posts.select_related("rubric", "author", "plan_entry__promotion", "plan_entry__slot")
    )
    rows.sort(key=lambda post: (when(post) or start, post.pk))
    return rows


def unscheduled_drafts(community: Community, filters: Filters | None = None) -> list[Post]:
    """Drafts and posts awaiting approval that have no time yet, newest first."""
    posts = Post.objects.filter(
        community=community,
        status__in=[PostStatus.DRAFT, PostStatus.PENDING],
        scheduled_at__isnull=True,
    )
    posts = (filters or Filters()).apply(posts)
    return list(posts.select_related("rubric", "author").order_by("-created_at", "-id")[:100])


def promotions_between(community: Community, first: date, last: date) -> list[Promotion]:
    """Promotions running on any day of the span."""
    return list(
        Promotion.objects.filter(community=community, starts_on__lte=last, ends_on__gte=first)
    )


def calendar_days(
    community: Community,
    first: date,
    last: date,
    *,
    filters: Filters | None = None,
    today: date | None = None,
) -> list[Day]:
    """The span day by day (at most MAX_DAYS): posts, open slots and promotions of each."""
    zone = zone_of(community)
    filters = filters or Filters()
    days = {
        first + timedelta(days=n): Day(day=first + timedelta(days=n))
        for n in range((last - first).days + 1)
    }
    for post in calendar_posts(community, first, last, filters):
        moment = when(post)
        if moment is not None:
            local = moment.astimezone(zone).date()
            if local in days:
                days[local].posts.append(post)
    # Open slots only when nothing narrows the view: a slot has no author or state.
    if not filters.narrowed or (filters.rubric and not (filters.author or filters.state)):
        moment = timezone.now()
        for occurrence in slot_occurrences(community, first, last):
            # A slot whose time has passed can no longer be filled: only those ahead show.
            if occurrence.at < moment:
                continue
            if occurrence.filled_by is None and (
                not filters.rubric or occurrence.slot.rubric_id == filters.rubric
            ):
                days[occurrence.day].open_slots.append(occurrence)
    for promotion in promotions_between(community, first, last):
        for day in days.values():
            if promotion.starts_on <= day.day <= promotion.ends_on:
                day.promotions.append(promotion)
    if today in days:
        days[today].today = True
    return list(days.values())


def entry_of(post: Post) -> PlannedPost | None:
    """The post's place in the plan, if it has one."""
    try:
        return post.plan_entry
    except PlannedPost.DoesNotExist:
        return None


def post_summary(post: Post, zone: Any) -> dict[str, Any]:
    """What the calendar shows of a post (the API's calendar item)."""
    moment = when(post)
    entry = entry_of(post)
    return {
        "id": post.pk,
        "status": post.status,
        "title": str(post)[:120],
        "at": moment,
        "local_time": moment.astimezone(zone).strftime("%H:%M") if moment else None,
        "rubric": post.rubric.label if post.rubric else None,
        "rubric_id": post.rubric_id,
        "colour": rubric_colour(post.rubric),
        "tone": post.tone or (post.rubric.default_tone if post.rubric else ""),
        "promotional": post.promotional,
        "author": post.author.username if post.author else None,
        "promotion_id": entry.promotion_id if entry else None,
        "slot_id": entry.slot_id if entry else None,
    }


def taken_times(community: Community, *, days: int = 28) -> list[datetime]:
    """The times already given to posts in the coming weeks (the best-time suggestion skips
    them)."""
    now = datetime.now(tz=zone_of(community))
    times = Post.objects.filter(
        community=community,
        status__in=UNPUBLISHED,
        scheduled_at__gte=now,
        scheduled_at__lt=now + timedelta(days=days),
    ).values_list("scheduled_at", flat=True)
    return [moment for moment in times if moment is not None]
