"""The planner API: a community's content plans and their weekly slots (R8.2), copying a plan
to another community of the team, and the mix targets (R8.4).

Everything here is the team's working material: reading it needs PLAN_CONTENT as writing does,
and a community one may not see answers 404 like a missing one.
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.responses import Status

from communa.accounts.http import AuthedRequest
from communa.communities.models import Community, Tone
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.schemas import Day, OneOf, RowId, Strict
from communa.planner.actions import plans as actions
from communa.planner.actions import targets as target_actions
from communa.planner.api.routers import router
from communa.planner.models import ContentPlan, FrequencyProfile, MixTargets, PlanSlot
from communa.planner.selectors import plans as selectors

ToneName = Annotated[str, OneOf(Tone.values)]
Weekday = Annotated[
    int, Field(ge=0, le=6, description="0 = Monday … 6 = Sunday, as in Python and ISO 8601 − 1.")
]
Clock = Annotated[
    str,
    Field(
        max_length=5,
        description="A wall-clock time in the community's time zone, `HH:MM` on a 24-hour clock.",
        examples=["09:30"],
    ),
]
PlanName = Annotated[str, Field(max_length=100)]
Note = Annotated[str, Field(max_length=200)]


class RubricRef(Schema):
    id: int
    label: str


class SlotOut(Schema):
    id: int
    weekday: int
    time: str
    rubric: RubricRef | None
    tone: str
    note: str

    @staticmethod
    def resolve_time(obj: PlanSlot) -> str:
        clock: time = obj.time
        return clock.strftime("%H:%M")

    @staticmethod
    def resolve_rubric(obj: PlanSlot) -> dict[str, Any] | None:
        if obj.rubric is None:
            return None
        return {"id": obj.rubric.pk, "label": obj.rubric.label}


class CommunityRef(Schema):
    slug: str
    name: str


class PlanOut(Schema):
    id: int
    community: CommunityRef
    name: str
    starts_on: date | None = Field(description="First day in effect; null: the default plan.")
    ends_on: date | None = Field(description="Last day in effect; null: the default plan.")
    is_default: bool
    time_zone: str = Field(description="The zone the slots' times are read in.")
    slots: list[SlotOut]


class PlanIn(Strict):
    name: PlanName
    starts_on: Day | None = None
    ends_on: Day | None = None


class PlanPatch(Strict):
    name: PlanName | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None


class CopyIn(Strict):
    to: Annotated[str, Field(max_length=100, description="The slug of the other community.")]
    name: PlanName | None = Field(None, description="The copy's name; the plan's when left out.")
    starts_on: Day | None = Field(
        None, description="The copy's dates; the plan's when both are left out."
    )
    ends_on: Day | None = None


class SlotIn(Strict):
    weekday: Weekday
    time: Clock
    rubric: RowId
    tone: ToneName | None = Field(None, description="The rubric's default tone when left out.")
    note: Note = ""


class SlotPatch(Strict):
    weekday: Weekday | None = None
    time: Clock | None = None
    rubric: RowId | None = None
    tone: ToneName | None = None
    note: Note | None = None


def plan_out(plan: ContentPlan, slots: list[PlanSlot] | None = None) -> dict[str, Any]:
    """A plan as the API shows it, with its slots through the week."""
    community: Community = plan.community
    return {
        "id": plan.pk,
        "community": community,
        "name": plan.name,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "is_default": plan.starts_on is None,
        "time_zone": selectors.zone_of(community).key,
        "slots": selectors.slots_of(plan) if slots is None else slots,
    }


def _plan(request: AuthedRequest, plan_id: int) -> ContentPlan:
    """The plan, 404 unless the person may see its community, 403 unless they plan there."""
    plan = selectors.plan_by_id(plan_id)
    community_for(request.auth, plan.community.slug, Action.PLAN_CONTENT)
    return plan


def _slot(request: AuthedRequest, slot_id: int) -> PlanSlot:
    slot = selectors.slot_by_id(slot_id)
    community_for(request.auth, slot.plan.community.slug, Action.PLAN_CONTENT)
    return slot


def _given(payload: Strict) -> dict[str, Any]:
    """The fields the client sent (`null` included: it clears a plan's dates)."""
    return payload.model_dump(exclude_unset=True)


# --- plans ----------------------------------------------------------------------------------


@router.get("/communities/{slug}/plans", response=list[PlanOut])
def list_plans(request: AuthedRequest, slug: str) -> list[dict[str, Any]]:
    """The community's content plans with their slots: the default plan (no dates) first, then
    by their dates. A community keeps at most 50."""
    community, _standing = community_for(request.auth, slug, Action.PLAN_CONTENT)
    return [
        plan_out(plan, list(plan.slots.all())) for plan in selectors.plans_with_slots(community)
    ]


@router.post("/communities/{slug}/plans", response={201: PlanOut})
def create_plan(request: AuthedRequest, slug: str, payload: PlanIn) -> Status:
    """Add a plan: with `starts_on` and `ends_on` it is in effect between them (both included);
    without dates it is the default plan, in effect when no dated plan is. Dates that overlap
    another plan, a second plan without dates, or dates out of order are a 422 naming
    `starts_on`/`ends_on`."""
    community, _standing = community_for(request.auth, slug, Action.PLAN_CONTENT)
    plan = actions.create_plan(actor=request.auth, community=community, data=_given(payload))
    return Status(201, plan_out(plan, []))


@router.get("/plans/{plan_id}", response=PlanOut)
def get_plan(request: AuthedRequest, plan_id: RowId) -> dict[str, Any]:
    """One plan with its slots through the week."""
    return plan_out(_plan(request, plan_id))


@router.patch("/plans/{plan_id}", response=PlanOut)
def update_plan(request: AuthedRequest, plan_id: RowId, payload: PlanPatch) -> dict[str, Any]:
    """Rename a plan or change its dates; send both dates as `null` to make it the default."""
    plan = actions.update_plan(
        actor=request.auth, plan=_plan(request, plan_id), data=_given(payload)
    )
    return plan_out(plan)


@router.delete("/plans/{plan_id}", response={204: None})
def delete_plan(request: AuthedRequest, plan_id: RowId) -> Status:
    """Delete a plan and its slots; drafts planned in its slots keep their times."""
    actions.delete_plan(actor=request.auth, plan=_plan(request, plan_id))
    return Status(204, None)


@router.post("/plans/{plan_id}/copy", response={201: PlanOut})
def copy_plan(request: AuthedRequest, plan_id: RowId, payload: CopyIn) -> Status:
    """Copy a plan and its slots to another community where you keep the plan too. Rubrics are
    matched there by default rubric, then by name in any case, and made there when missing. The
    copy keeps the name and dates unless given; dates that clash there are a 422."""
    plan = _plan(request, plan_id)
    target, _standing = community_for(request.auth, payload.to, Action.SEE)
    data = _given(payload)
    data.pop("to")
    copy = actions.copy_plan(actor=request.auth, plan=plan, target=target, data=data)
    return Status(201, plan_out(copy))


# --- slots ----------------------------------------------------------------------------------


@router.post("/plans/{plan_id}/slots", response={201: SlotOut})
def add_slot(request: AuthedRequest, plan_id: RowId, payload: SlotIn) -> Status:
    """Add a slot: a weekday, a local time, one of the community's rubrics (not archived), a
    tone (the rubric's default when left out) and a note."""
    plan = _plan(request, plan_id)
    data = _given(payload)
    if data.get("tone") is None:
        data.pop("tone", None)
    slot = actions.add_slot(actor=request.auth, plan=plan, data=data)
    return Status(201, slot)


@router.patch("/slots/{slot_id}", response=SlotOut)
def update_slot(request: AuthedRequest, slot_id: RowId, payload: SlotPatch) -> PlanSlot:
    """Change a slot; a new rubric brings its default tone unless `tone` is sent too."""
    slot = _slot(request, slot_id)
    data = {key: value for key, value in _given(payload).items() if value is not None}
    return actions.update_slot(actor=request.auth, slot=slot, data=data)


@router.delete("/slots/{slot_id}", response={204: None})
def delete_slot(request: AuthedRequest, slot_id: RowId) -> Status:
    """Remove a slot; a draft that filled it keeps its time."""
    actions.delete_slot(actor=request.auth, slot=_slot(request, slot_id))
    return Status(204, None)


# --- mix targets ----------------------------------------------------------------------------

Percent = Annotated[int, Field(ge=0, le=100)]
PerDay = Annotated[int, Field(ge=0, le=100)]


class MixTargetsOut(Schema):
    branded: int
    functional: int
    emotional: int
    promotional_limit: int = Field(description="Promotional posts at most, in per cent.")
    tolerance: int = Field(description="How far a tone may stray from its target, in points.")
    frequency: str
    min_per_day: int
    max_per_day: int
    saved: bool = Field(description="False: nothing saved yet, these are the defaults.")

    @staticmethod
    def resolve_saved(obj: MixTargets) -> bool:
        return obj.pk is not None


class MixTargetsIn(Strict):
    branded: Percent
    functional: Percent
    emotional: Percent
    promotional_limit: Percent
    tolerance: Annotated[int, Field(ge=0, le=50)] | None = Field(
        None, description="Left out: unchanged (10 by default)."
    )
    frequency: Annotated[str, OneOf(FrequencyProfile.values)]
    min_per_day: PerDay | None = Field(
        None, description="Only for `custom`: brand is 1–3 a day and media 6–12, set for you."
    )
    max_per_day: PerDay | None = None


@router.get("/communities/{slug}/mix-targets", response=MixTargetsOut)
def get_mix_targets(request: AuthedRequest, slug: str) -> MixTargets:
    """The community's target tone mix, promotional limit and posts a day (the defaults
    30/35/35, 20 %, brand 1–3 when none were saved)."""
    community, _standing = community_for(request.auth, slug, Action.PLAN_CONTENT)
    return selectors.mix_targets_of(community)


@router.put("/communities/{slug}/mix-targets", response=MixTargetsOut)
def put_mix_targets(request: AuthedRequest, slug: str, payload: MixTargetsIn) -> MixTargets:
    """Set the mix targets: the three shares add up to 100; `custom` frequency needs
    `min_per_day` ≤ `max_per_day` ≤ 100."""
    community, _standing = community_for(request.auth, slug, Action.PLAN_CONTENT)
    data = {key: value for key, value in _given(payload).items() if value is not None}
    if payload.frequency == FrequencyProfile.CUSTOM:
        for field in ("min_per_day", "max_per_day"):
            data.setdefault(field, None)  # custom needs both: a missing one is refused
    return target_actions.save_mix_targets(actor=request.auth, community=community, data=data)
