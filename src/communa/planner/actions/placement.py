"""Drafts in the plan (R8.2, R8.3, R8.6): write a draft into a slot or at a free time, tie it to
a promotion, move it. The post itself is walls' (its actions write it); the planner writes only
where the post sits in the plan (`PlannedPost`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from communa.accounts.models import User
from communa.communities.models import Community
from communa.communities.permissions import Action, require
from communa.core.errors import ValidationFailed
from communa.core.moments import local_moment
from communa.planner.models import PlannedPost, PlanSlot, Promotion
from communa.planner.selectors.plans import zone_of
from communa.walls.actions import drafts
from communa.walls.models import Post


def _slot_of(community: Community, slot_id: int | None) -> PlanSlot | None:
    if not slot_id:
        return None
    slot = PlanSlot.objects.filter(pk=slot_id, plan__community=community).first()
    if slot is None:
        raise ValidationFailed(fields={"slot": [_("Choose a slot of this community's plans.")]})
    return slot


def _promotion_of(community: Community, promotion_id: int | None) -> Promotion | None:
    if not promotion_id:
        return None
    promotion = Promotion.objects.filter(pk=promotion_id, community=community).first()
    if promotion is None:
        raise ValidationFailed(fields={"promotion": [_("Choose a promotion of this community.")]})
    return promotion


def slot_time(
    community: Community, slot: PlanSlot, day: date | None, *, fold: str | None = None
) -> datetime:
    """The moment a slot stands for on `day` (which must be one of the slot's weekdays)."""
    if day is None:
        raise ValidationFailed(fields={"slot_date": [_("Choose the day of the slot.")]})
    if day.weekday() != slot.weekday:
        raise ValidationFailed(
            fields={"slot_date": [_("This slot is on another day of the week.")]}
        )
    return local_moment(day, slot.time, zone_of(community), fold=fold, field="slot_date")


def plan_draft(
    *,
    actor: User,
    community: Community,
    data: dict[str, Any],
    at: datetime | None = None,
    slot_id: int | None = None,
    slot_date: date | None = None,
    promotion_id: int | None = None,
    fold: str | None = None,
    images: list[IO[bytes]] | None = None,
    document: IO[bytes] | None = None,
    document_name: str = "",
    ip: str | None = None,
) -> Post:
    """Write a draft at a time, or into a slot (its time then comes from the slot), optionally
    for a promotion. The slot and promotion are checked before anything is written."""
    require(actor, Action.PLAN_CONTENT, community)
    slot = _slot_of(community, slot_id)
    promotion = _promotion_of(community, promotion_id)
    if slot is not None and at is None:
        at = slot_time(community, slot, slot_date, fold=fold)
    elif slot is not None and slot_date is None:
        slot_date = at.astimezone(zone_of(community)).date() if at else None
    if slot is not None and slot_date is not None and slot_date.weekday() != slot.weekday:
        raise ValidationFailed(
            fields={"slot_date": [_("This slot is on another day of the week.")]}
        )
    with transaction.atomic():
        post = drafts.create_draft(
            actor=actor,
            community=community,
            data=data,
            scheduled_at=at,
            images=images,
            document=document,
            document_name=document_name,
            ip=ip,
        )
        if slot is not None or promotion is not None:
            PlannedPost.objects.create(
                post=post,
                slot=slot,
                slot_date=slot_date if slot is not None else None,
                promotion=promotion,
            )
    return post


def place_post(
    *,
    actor: User,
    post: Post,
    slot_id: int | None = None,
    slot_date: date | None = None,
    promotion_id: int | None = None,
) -> PlannedPost | None:
    """Put a post into a slot and a promotion, or take it out (None for both removes it)."""
    community = post.community
    if community is None:
        raise ValidationFailed(fields={"slot": [_("Only a community's posts are planned.")]})
    require(actor, Action.PLAN_CONTENT, community)
    slot = _slot_of(community, slot_id)
    promotion = _promotion_of(community, promotion_id)
    if slot is not None:
        if slot_date is None and post.scheduled_at is not None:
            slot_date = post.scheduled_at.astimezone(zone_of(community)).date()
        if slot_date is None or slot_date.weekday() != slot.weekday:
            raise ValidationFailed(
                fields={"slot_date": [_("This slot is on another day of the week.")]}
            )
    with transaction.atomic():
        if slot is None and promotion is None:
            PlannedPost.objects.filter(post=post).delete()
            return None
        entry, _created = PlannedPost.objects.update_or_create(
            post=post,
            defaults={
                "slot": slot,
                "slot_date": slot_date if slot is not None else None,
                "promotion": promotion,
            },
        )
    return entry


def move_draft(*, actor: User, post: Post, at: datetime) -> Post:
    """Move a draft or scheduled post to another time (drag and drop); it leaves its slot when
    it leaves the slot's day."""
    post = drafts.set_draft_time(actor=actor, post=post, at=at)
    assert post.community is not None  # noqa: S101 — set_draft_time refuses other posts
    day = at.astimezone(zone_of(post.community)).date()
    PlannedPost.objects.filter(post=post).exclude(slot_date=day).exclude(slot=None).update(
        slot=None, slot_date=None
    )
    return post
