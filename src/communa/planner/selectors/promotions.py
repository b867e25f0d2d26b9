"""Reads of the promotions calendar (R8.6): one promotion, the community's promotions (current
and upcoming first, then past ones, most recent first) and the posts of a promotion."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.communities.models import Community
from communa.core.errors import NotFound, ValidationFailed
from communa.core.pagination import Page, decode_cursor, encode_cursor
from communa.planner.models import Promotion
from communa.planner.selectors.plans import GONE, zone_of
from communa.walls.models import Post

# A promotion's page shows this many of its posts, in time order.
POSTS_SHOWN = 200
CURRENT, PAST = 0, 1


def promotion_by_id(promotion_id: int) -> Promotion:
    """A promotion with its community, or NotFound (the front door checks who may see it)."""
    found = Promotion.objects.select_related("community").filter(pk=promotion_id).first()
    if found is None:
        raise NotFound
    return found


def promotion_in(community: Community, promotion_id: int) -> Promotion:
    """A promotion of this community, or NotFound."""
    found = (
        Promotion.objects.select_related("community")
        .filter(pk=promotion_id, community=community)
        .first()
    )
    if found is None:
        raise NotFound
    return found


def today_in(community: Community) -> date:
    """Today where the community is."""
    return timezone.localdate(timezone=zone_of(community))


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed(fields={"cursor": [_("This page cursor is not valid.")]})


def _read_cursor(cursor: str) -> tuple[int, date, date | None, int]:
    phase, today, day, last_id = decode_cursor(cursor, [int, str, str, int])
    try:
        today_day = date.fromisoformat(today)
        last_day = date.fromisoformat(day) if day else None
    except ValueError:
        raise _invalid_cursor() from None
    if phase not in (CURRENT, PAST):
        raise _invalid_cursor()
    return phase, today_day, last_day, last_id


def promotions_page(
    community: Community, *, cursor: str | None = None, limit: int, today: date | None = None
) -> Page[Promotion]:
    """The community's promotions, a keyset page at a time: those not over yet by their first
    day, then those over, the latest first. The cursor keeps the day the list was first read on,
    so a promotion that ends while a person pages neither shows twice nor goes missing. At most
    two queries a page."""
    phase, last_day, last_id = CURRENT, None, 0
    if cursor:
        phase, today, last_day, last_id = _read_cursor(cursor)
    today = today or today_in(community)
    mine = Promotion.objects.filter(community=community)
    items: list[Promotion] = []
    if phase == CURRENT:
        found = mine.filter(ends_on__gte=today)
        if last_day is not None:
            found = found.filter(Q(starts_on__gt=last_day) | Q(starts_on=last_day, pk__gt=last_id))
        rows = list(found.order_by("starts_on", "id")[: limit + 1])
        if len(rows) > limit:
            last = rows[limit - 1]
            return Page(
                rows[:limit],
                encode_cursor([CURRENT, today.isoformat(), last.starts_on.isoformat(), last.pk]),
            )
        items, phase, last_day = rows, PAST, None
    wanted = limit - len(items)
    found = mine.filter(ends_on__lt=today)
    if last_day is not None:
        found = found.filter(Q(ends_on__lt=last_day) | Q(ends_on=last_day, pk__lt=last_id))
    rows = list(found.order_by("-ends_on", "-id")[: wanted + 1])
    items += rows[:wanted]
    next_cursor = None
    if len(rows) > wanted:
        if wanted:
            last = rows[wanted - 1]
            next_cursor = encode_cursor(
                [PAST, today.isoformat(), last.ends_on.isoformat(), last.pk]
            )
        else:
            next_cursor = encode_cursor([PAST, today.isoformat(), "", 0])
    return Page(items, next_cursor)


def promotion_posts(promotion: Promotion, *, limit: int = POSTS_SHOWN) -> list[Post]:
    """The promotion's posts and drafts (deleted and rejected ones left out) in time order:
    published, else planned, else written. One query."""
    return list(
        Post.objects.filter(plan_entry__promotion=promotion)
        .exclude(status__in=GONE)
        .select_related("rubric")
        .order_by(Coalesce("published_at", "scheduled_at", "created_at"), "id")[:limit]
    )


def promotions_of(community: Community) -> list[Promotion]:
    """Every promotion of the community, by its dates (the choices of a draft's form)."""
    return list(Promotion.objects.filter(community=community).order_by("starts_on", "id"))
