"""Planner API: the calendar (R8.2) and the mix advisor (R8.4)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Schema
from pydantic import Field

from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.errors import ValidationFailed
from communa.core.moments import check_day, moment_from_text
from communa.core.schemas import OneOf, RowId
from communa.planner.api.drafts import Day, DraftState, Fold, Tone, When
from communa.planner.api.routers import router
from communa.planner.selectors import calendar as cal
from communa.planner.selectors import drafts as draft_selectors
from communa.planner.selectors.mix import mix_of
from communa.planner.selectors.plans import zone_of

Period = Annotated[str, OneOf(["week", "month"])]


class CalendarPostOut(Schema):
    id: int
    status: str
    title: str
    at: datetime | None
    local_time: str | None
    rubric: str | None
    rubric_id: int | None
    colour: str
    tone: str
    promotional: bool
    author: str | None
    promotion_id: int | None
    slot_id: int | None


class OpenSlotOut(Schema):
    slot_id: int
    at: datetime
    local_time: str
    rubric_id: int | None
    rubric: str | None
    tone: str
    note: str


class PromotionRef(Schema):
    id: int
    name: str
    kind: str
    starts_on: date
    ends_on: date


class DayOut(Schema):
    day: date
    posts: list[CalendarPostOut]
    open_slots: list[OpenSlotOut]
    promotions: list[PromotionRef]


class CalendarOut(Schema):
    first: date
    last: date
    time_zone: str
    days: list[DayOut]
    unscheduled: list[CalendarPostOut] = Field(description="Drafts without a time yet.")


class ToneShareOut(Schema):
    tone: str
    label: str
    count: int
    share: int
    target: int
    within: bool


class DayCountOut(Schema):
    day: date
    posts: int


class MixOut(Schema):
    period: str
    first: date
    last: date
    total: int
    tones: list[ToneShareOut]
    promotional: int
    promotional_share: int
    promotional_limit: int
    per_day: list[DayCountOut]
    min_per_day: int
    max_per_day: int
    warnings: list[str]


def _today(community: Any) -> date:
    return timezone.now().astimezone(zone_of(community)).date()


class CalendarQuery(Schema):
    view: Period = "week"
    day: Day | None = None
    start: Day | None = None
    end: Day | None = None
    rubric: RowId | None = None
    tone: Tone | None = None
    author: Annotated[str, Field(max_length=150)] | None = None
    state: DraftState | Annotated[str, OneOf(["published"])] | None = None


class MixQuery(Schema):
    period: Period = "week"
    day: Day | None = None
    post: RowId | None = None
    at: When | None = None
    fold: Fold | None = None


@router.get("/communities/{slug}/calendar", response=CalendarOut)
def calendar(request: AuthedRequest, slug: str, query: Query[CalendarQuery]) -> dict[str, Any]:
    """The calendar in the community's time zone: the week or month around `day` (today by
    default), or `start`–`end` (at most 62 days), with the plan's open slots, drafts, posts
    awaiting approval, scheduled and published posts, and promotions. Filters narrow the posts
    (open slots show only when no author or state filter is set)."""
    community, _standing = community_for(request.auth, slug, Action.PLAN_CONTENT)
    start, end = check_day(query.start, field="start"), check_day(query.end, field="end")
    day, view = check_day(query.day), query.view
    if start or end:
        if not (start and end):
            raise ValidationFailed(fields={"end": [_("Give both start and end.")]})
        if end < start or (end - start).days >= cal.MAX_DAYS:
            raise ValidationFailed(
                fields={"end": [_("End on or after the start, within 62 days.")]}
            )
        first, last = start, end
    else:
        around = day or _today(community)
        first, last = cal.month_of(around) if view == "month" else cal.week_of(around)
    filters = cal.Filters(
        rubric=query.rubric,
        tone=query.tone or "",
        author=query.author or "",
        state=query.state or "",
    )
    zone = zone_of(community)
    days = cal.calendar_days(community, first, last, filters=filters, today=_today(community))
    return {
        "first": first,
        "last": last,
        "time_zone": zone.key,
        "days": [
            {
                "day": d.day,
                "posts": [cal.post_summary(post, zone) for post in d.posts],
                "open_slots": [
                    {
                        "slot_id": o.slot.pk,
                        "at": o.at,
                        "local_time": o.at.strftime("%H:%M"),
                        "rubric_id": o.slot.rubric_id,
                        "rubric": o.slot.rubric.label if o.slot.rubric else None,
                        "tone": o.slot.tone,
                        "note": o.slot.note,
                    }
                    for o in d.open_slots
                ],
                "promotions": d.promotions,
            }
            for d in days
        ],
        "unscheduled": [
            cal.post_summary(post, zone) for post in cal.unscheduled_drafts(community, filters)
        ],
    }


@router.get("/communities/{slug}/mix", response=MixOut)
def mix(request: AuthedRequest, slug: str, query: Query[MixQuery]) -> dict[str, Any]:
    """The mix advisor for the week or month around `day`: tone shares against the targets,
    the promotional share against its limit, posts per day against the frequency, and warnings.
    With `post` and `at`, the figures as if that post went out at that time (the warning
    before approving, scheduling or moving it)."""
    community, _standing = community_for(request.auth, slug, Action.PLAN_CONTENT)
    moving = None
    post, at, fold, day = query.post, query.at, query.fold, check_day(query.day)
    if post is not None:
        draft = draft_selectors.planned_post(actor=request.auth, post_id=post)
        if draft.community_id != community.pk:
            raise ValidationFailed(fields={"post": [_("Choose a post of this community.")]})
        when = moment_from_text(at, zone_of(community), fold=fold, field="at") if at else None
        when = when or draft.scheduled_at
        if when is None:
            raise ValidationFailed(fields={"at": [_("Give the time to try the post at.")]})
        moving = (draft, when)
        day = day or when.astimezone(zone_of(community)).date()
    around = day or _today(community)
    return mix_of(community, period=query.period, day=around, moving=moving).as_dict()
