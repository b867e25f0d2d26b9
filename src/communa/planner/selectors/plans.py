"""Reads of the content plan: which plan is in effect on a day, its slots between two days, and
the community's zone and mix targets."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch

from communa.communities.models import Community
from communa.communities.permissions import Action, Relation, Standing, can
from communa.communities.selectors import managed_by
from communa.core.errors import NotFound
from communa.core.moments import community_time_zone
from communa.planner.models import ContentPlan, MixTargets, PlannedPost, PlanSlot

# A post in one of these no longer fills its slot.
GONE = ("deleted", "rejected")


def zone_of(community: Community) -> zoneinfo.ZoneInfo:
    """The community's time zone (the site's when it has none)."""
    return community_time_zone(community)


def plans_of(community: Community) -> list[ContentPlan]:
    """The community's plans, the default one first, then by their dates."""
    plans = list(ContentPlan.objects.filter(community=community).prefetch_related("slots"))
    return sorted(plans, key=lambda plan: (plan.starts_on is not None, plan.starts_on, plan.pk))


def plan_in_effect(plans: list[ContentPlan], day: date) -> ContentPlan | None:
    """The plan whose dates hold `day`, else the default plan (the one without dates)."""
    for plan in plans:
        dated = plan.starts_on is not None and plan.ends_on is not None
        if dated and plan.starts_on <= day <= plan.ends_on:  # type: ignore[operator]
            return plan
    return next((plan for plan in plans if plan.starts_on is None), None)


@dataclass
class SlotOccurrence:
    """A slot of the plan on one day: when it is, and the draft or post that fills it, if any."""

    slot: PlanSlot
    day: date
    at: datetime
    filled_by: int | None = None


def slot_occurrences(community: Community, first: date, last: date) -> list[SlotOccurrence]:
    """Every slot of the plans in effect from `first` to `last` (both included), in the
    community's zone, with the post that fills each. Three queries whatever the span."""
    zone = zone_of(community)
    plans = plans_of(community)
    occurrences: list[SlotOccurrence] = []
    day = first
    while day <= last:
        plan = plan_in_effect(plans, day)
        if plan is not None:
            for slot in plan.slots.all():
                if slot.weekday == day.weekday():
                    # A slot on a daylight-saving change day keeps its wall-clock time; a skipped
                    # one moves to the first real minute after the jump.
                    local = datetime.combine(day, slot.time).replace(tzinfo=zone)
                    occurrences.append(
                        SlotOccurrence(slot=slot, day=day, at=local.astimezone(zone))
                    )
        day += timedelta(days=1)
    if occurrences:
        rows = PlannedPost.objects.filter(
            slot__in={o.slot.pk for o in occurrences},
            slot_date__gte=first,
            slot_date__lte=last,
        ).exclude(post__status__in=GONE)
        filled = {
            (slot_id, slot_date): post_id
            for slot_id, slot_date, post_id in rows.values_list("slot_id", "slot_date", "post_id")
        }
        for occurrence in occurrences:
            occurrence.filled_by = filled.get((occurrence.slot.pk, occurrence.day))
    return occurrences


def mix_targets_of(community: Community) -> MixTargets:
    """The community's mix targets; the defaults (30/35/35, 20 %, a brand's 1–3 a day) when it
    has set none (not saved)."""
    found = MixTargets.objects.filter(community=community).first()
    return found or MixTargets(community=community)


# --- plans and slots one by one, and where a plan may be copied ----------------------------


def plan_by_id(plan_id: int) -> ContentPlan:
    """A plan with its community, or NotFound (the front door then checks who may see it)."""
    found = ContentPlan.objects.select_related("community").filter(pk=plan_id).first()
    if found is None:
        raise NotFound
    return found


def plan_in(community: Community, plan_id: int) -> ContentPlan:
    """A plan of this community, or NotFound (another community's id looks missing)."""
    found = ContentPlan.objects.select_related("community").filter(pk=plan_id, community=community)
    plan = found.first()
    if plan is None:
        raise NotFound
    return plan


def slot_by_id(slot_id: int) -> PlanSlot:
    """A slot with its plan, community and rubric, or NotFound."""
    found = PlanSlot.objects.select_related("plan__community", "rubric").filter(pk=slot_id).first()
    if found is None:
        raise NotFound
    return found


def slots_of(plan: ContentPlan) -> list[PlanSlot]:
    """The plan's slots through the week (Monday first, then by time), with their rubrics."""
    return list(plan.slots.select_related("rubric").order_by("weekday", "time", "id"))


def plans_with_slots(community: Community) -> list[ContentPlan]:
    """The community's plans as `plans_of` orders them, each with its slots (and their rubrics)
    through the week, and its community: two queries."""
    slots = PlanSlot.objects.select_related("rubric").order_by("weekday", "time", "id")
    plans = list(
        ContentPlan.objects.filter(community=community).prefetch_related(
            Prefetch("slots", queryset=slots)
        )
    )
    for plan in plans:
        plan.community = community
    return sorted(plans, key=lambda plan: (plan.starts_on is not None, plan.starts_on, plan.pk))


def plans_with_counts(community: Community) -> list[ContentPlan]:
    """The community's plans, the default one first, each with `slot_count`: one query."""
    found = ContentPlan.objects.filter(community=community).annotate(slot_count=Count("slots"))
    return sorted(found, key=lambda plan: (plan.starts_on is not None, plan.starts_on, plan.pk))


def copy_targets(actor: Any, community: Community) -> list[Community]:
    """The other communities whose plans this person keeps (PLAN_CONTENT there): where a plan
    of `community` may be copied. One query."""
    memberships = managed_by(actor).select_related("community").order_by("community__name")
    return [
        membership.community
        for membership in memberships
        if membership.community_id != community.pk
        and can(
            actor,
            Action.PLAN_CONTENT,
            membership.community,
            standing=Standing(Relation(membership.role), membership=membership),
        )
    ]
