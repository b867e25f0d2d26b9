"""Content plans and their weekly slots (R8.2): create, rename, re-date, delete, copy a plan to
another community of the team, and add, change or remove its slots.

A community keeps several plans; their dates never overlap and at most one has none (the default,
in effect whenever no dated plan is), so one plan at most is in effect on any day. Each check
runs with the community's row locked, so two editors saving at once cannot both slip in a plan
for the same weeks. Slot times are wall-clock times in the community's zone (`core.moments`
turns them into moments on each day, daylight-saving changes included).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from communa.accounts.validation import FieldErrors
from communa.communities.models import Community, Rubric, Tone
from communa.communities.permissions import Action, require
from communa.communities.rubrics import create_rubric, rubrics_of
from communa.core.audit import record_audit
from communa.core.errors import ValidationFailed
from communa.planner.models import ContentPlan, PlanSlot

PLANS_PER_COMMUNITY = 50
SLOTS_PER_PLAN = 200
NAME_MAX = 100
NOTE_MAX = 200
# "9:30" or "09:30" on a 24-hour clock; "25:00", "9am" and "09:30:15" are refused.
CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
DATE_FIELDS = ("starts_on", "ends_on")


# --- reading the input ----------------------------------------------------------------------


def _lock(community: Community) -> None:
    """Hold the community's row until the transaction ends: plan checks then run one at a time
    (SQLite's immediate transactions already do)."""
    list(Community.objects.select_for_update().filter(pk=community.pk).values_list("pk"))


def day_from(value: Any, field: str, errors: FieldErrors) -> date | None:
    """A day from a date or ISO text (blank: none); bad text is reported on `field`."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(field, _("Give a date such as 2026-03-29."))
        return None


def _name(value: Any, errors: FieldErrors) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        errors.add("name", _("Give the plan a name."))
    elif len(name) > NAME_MAX:
        errors.add("name", _("A plan name has at most %(n)d characters.") % {"n": NAME_MAX})
    return name


def _dates(starts_on: date | None, ends_on: date | None, errors: FieldErrors) -> None:
    if (starts_on is None) != (ends_on is None):
        missing = "ends_on" if ends_on is None else "starts_on"
        errors.add(
            missing,
            _("Give both dates, or neither for the plan used when no dated plan is in effect."),
        )
    elif starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors.add("ends_on", _("The plan cannot end before it starts."))


def _check_place(
    community: Community,
    starts_on: date | None,
    ends_on: date | None,
    *,
    exclude: int | None = None,
) -> None:
    """Refuse dates that clash with another plan of the community (its row locked)."""
    others = ContentPlan.objects.filter(community=community)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if starts_on is None or ends_on is None:
        default = others.filter(starts_on__isnull=True).first()
        if default is not None:
            message = _(
                "“%(name)s” is already the plan without dates: give this one its dates."
            ) % {"name": default.name}
            raise ValidationFailed(fields={field: [message] for field in DATE_FIELDS})
        return
    clash = (
        others.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).order_by("starts_on").first()
    )
    if clash is not None:
        message = _("These dates overlap the plan “%(name)s” (%(starts)s to %(ends)s).") % {
            "name": clash.name,
            "starts": clash.starts_on.isoformat() if clash.starts_on else "",
            "ends": clash.ends_on.isoformat() if clash.ends_on else "",
        }
        raise ValidationFailed(fields={field: [message] for field in DATE_FIELDS})


def _room_for_a_plan(community: Community) -> None:
    if ContentPlan.objects.filter(community=community).count() >= PLANS_PER_COMMUNITY:
        raise ValidationFailed(
            _("A community keeps at most %(n)d plans: delete one first.")
            % {"n": PLANS_PER_COMMUNITY}
        )


def _plan_facts(plan: ContentPlan) -> dict[str, Any]:
    return {"name": plan.name, "starts_on": plan.starts_on, "ends_on": plan.ends_on}


# --- plans ----------------------------------------------------------------------------------


def create_plan(*, actor: Any, community: Community, data: dict[str, Any]) -> ContentPlan:
    """Add a plan: with both dates it is in effect between them, without dates it is the
    community's default plan. Editors, administrators and the owner."""
    require(actor, Action.PLAN_CONTENT, community)
    errors = FieldErrors()
    name = _name(data.get("name"), errors)
    starts_on = day_from(data.get("starts_on"), "starts_on", errors)
    ends_on = day_from(data.get("ends_on"), "ends_on", errors)
    _dates(starts_on, ends_on, errors)
    errors.raise_if_any()
    with transaction.atomic():
        _lock(community)
        _room_for_a_plan(community)
        _check_place(community, starts_on, ends_on)
        plan = ContentPlan.objects.create(
            community=community, name=name, starts_on=starts_on, ends_on=ends_on, created_by=actor
        )
        record_audit(
            actor=actor,
            community=community,
            action="plan.create",
            target=plan,
            after=_plan_facts(plan),
        )
    return plan


def update_plan(*, actor: Any, plan: ContentPlan, data: dict[str, Any]) -> ContentPlan:
    """Rename a plan or change its dates (both dates, or neither: then it becomes the default);
    only the keys given change."""
    community = plan.community
    require(actor, Action.PLAN_CONTENT, community)
    errors = FieldErrors()
    changes: dict[str, Any] = {}
    if "name" in data:
        changes["name"] = _name(data["name"], errors)
    if any(field in data for field in DATE_FIELDS):
        starts_on = (
            day_from(data["starts_on"], "starts_on", errors)
            if "starts_on" in data
            else plan.starts_on
        )
        ends_on = (
            day_from(data["ends_on"], "ends_on", errors) if "ends_on" in data else plan.ends_on
        )
        _dates(starts_on, ends_on, errors)
        changes["starts_on"], changes["ends_on"] = starts_on, ends_on
    errors.raise_if_any()
    with transaction.atomic():
        _lock(community)
        if "starts_on" in changes:
            _check_place(community, changes["starts_on"], changes["ends_on"], exclude=plan.pk)
        before = _plan_facts(plan)
        changed = {key: value for key, value in changes.items() if before[key] != value}
        if not changed:
            return plan
        for key, value in changed.items():
            setattr(plan, key, value)
        plan.save(update_fields=list(changed))
        record_audit(
            actor=actor,
            community=community,
            action="plan.update",
            target=plan,
            before={key: before[key] for key in changed},
            after=changed,
        )
    return plan


def delete_plan(*, actor: Any, plan: ContentPlan) -> None:
    """Delete a plan and its slots; drafts that filled its slots keep their times."""
    community = plan.community
    require(actor, Action.PLAN_CONTENT, community)
    with transaction.atomic():
        facts = {**_plan_facts(plan), "slots": plan.slots.count()}
        record_audit(
            actor=actor, community=community, action="plan.delete", target=plan, before=facts
        )
        plan.delete()


# --- slots ----------------------------------------------------------------------------------


def _weekday(value: Any, errors: FieldErrors) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        errors.add("weekday", _("Choose a weekday from 0 (Monday) to 6 (Sunday)."))
        return None
    return value


def _clock(value: Any, errors: FieldErrors) -> time | None:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    found = CLOCK.match(str(value or "").strip()) if isinstance(value, str) else None
    if found is None:
        errors.add("time", _("Give the time on a 24-hour clock, such as 09:30."))
        return None
    return time(int(found.group(1)), int(found.group(2)))


def _rubric(community: Community, value: Any, errors: FieldErrors) -> Rubric | None:
    if isinstance(value, Rubric):
        rubric: Rubric | None = value if value.community_id == community.pk else None
    elif isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        rubric = Rubric.objects.filter(pk=value, community=community).first()
    else:
        rubric = None
    if rubric is None:
        errors.add("rubric", _("Choose one of this community's rubrics."))
    elif rubric.archived:
        errors.add(
            "rubric",
            _("The rubric “%(name)s” is archived: restore it or choose another.")
            % {"name": rubric.label},
        )
        return None
    return rubric


def _tone(value: Any, errors: FieldErrors) -> str:
    tone = str(value or "")
    if tone and tone not in Tone.values:
        errors.add("tone", _("Choose one of: %(choices)s.") % {"choices": ", ".join(Tone.values)})
    return tone


def _note(value: Any, errors: FieldErrors) -> str:
    note = " ".join(str(value or "").split())
    if len(note) > NOTE_MAX:
        errors.add("note", _("A note has at most %(n)d characters.") % {"n": NOTE_MAX})
    return note


def _clean_slot(community: Community, data: dict[str, Any], *, required: bool) -> dict[str, Any]:
    """The slot fields given in `data`, checked; every field's problem is reported at once."""
    errors = FieldErrors()
    cleaned: dict[str, Any] = {}
    checks: dict[str, Callable[[Any], Any]] = {
        "weekday": lambda value: _weekday(value, errors),
        "time": lambda value: _clock(value, errors),
        "rubric": lambda value: _rubric(community, value, errors),
        "tone": lambda value: _tone(value, errors),
        "note": lambda value: _note(value, errors),
    }
    for field, check in checks.items():
        if field in data:
            cleaned[field] = check(data[field])
        elif required and field in ("weekday", "time", "rubric"):
            errors.add(field, _("This field is required."))
    errors.raise_if_any()
    return cleaned


def _slot_facts(slot: PlanSlot) -> dict[str, Any]:
    return {
        "plan": slot.plan.name,
        "weekday": slot.weekday,
        "time": slot.time.strftime("%H:%M"),
        "rubric": slot.rubric.label if slot.rubric else None,
        "tone": slot.tone,
        "note": slot.note,
    }


def add_slot(*, actor: Any, plan: ContentPlan, data: dict[str, Any]) -> PlanSlot:
    """Add a slot to a plan: a weekday, a local time, a rubric (its default tone unless a tone is
    given) and an optional note."""
    community = plan.community
    require(actor, Action.PLAN_CONTENT, community)
    cleaned = _clean_slot(community, data, required=True)
    rubric = cleaned["rubric"]
    with transaction.atomic():
        _lock(community)
        if plan.slots.count() >= SLOTS_PER_PLAN:
            raise ValidationFailed(
                _("A plan holds at most %(n)d slots a week.") % {"n": SLOTS_PER_PLAN}
            )
        slot = PlanSlot.objects.create(
            plan=plan,
            weekday=cleaned["weekday"],
            time=cleaned["time"],
            rubric=rubric,
            tone=cleaned.get("tone") or rubric.default_tone,
            note=cleaned.get("note", ""),
        )
        record_audit(
            actor=actor,
            community=community,
            action="slot.create",
            target=slot,
            after=_slot_facts(slot),
        )
    return slot


def update_slot(*, actor: Any, slot: PlanSlot, data: dict[str, Any]) -> PlanSlot:
    """Change a slot's day, time, rubric, tone or note; a new rubric brings its default tone
    unless a tone is given too."""
    community = slot.plan.community
    require(actor, Action.PLAN_CONTENT, community)
    cleaned = _clean_slot(community, data, required=False)
    if "rubric" in cleaned and cleaned["rubric"] != slot.rubric and "tone" not in cleaned:
        cleaned["tone"] = cleaned["rubric"].default_tone
    if "tone" in cleaned and not cleaned["tone"]:
        rubric = cleaned.get("rubric", slot.rubric)
        cleaned["tone"] = rubric.default_tone if rubric is not None else ""
    with transaction.atomic():
        before = _slot_facts(slot)
        for key, value in cleaned.items():
            setattr(slot, key, value)
        after = _slot_facts(slot)
        changed = [key for key in after if after[key] != before[key]]
        if not changed:
            return slot
        slot.save()
        record_audit(
            actor=actor,
            community=community,
            action="slot.update",
            target=slot,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    return slot


def delete_slot(*, actor: Any, slot: PlanSlot) -> None:
    """Remove a slot from its plan; a draft that filled it keeps its time."""
    community = slot.plan.community
    require(actor, Action.PLAN_CONTENT, community)
    with transaction.atomic():
        record_audit(
            actor=actor,
            community=community,
            action="slot.delete",
            target=slot,
            before=_slot_facts(slot),
        )
        slot.delete()


# --- copying a plan to another community of the team ----------------------------------------


def _rubrics_in_target(
    *, actor: Any, rubrics: list[Rubric], target: Community
) -> tuple[dict[int, Rubric], list[Rubric]]:
    """Each of the plan's rubrics as one of the target's: the default rubric of the same code,
    else one of the same name in any case, else a new rubric made there (the rubric action,
    audited there). Archived rubrics of the target are not reused."""
    present = list(rubrics_of(target))
    by_code = {rubric.code: rubric for rubric in present if rubric.code}
    by_name: dict[str, Rubric] = {}
    for rubric in present:
        by_name.setdefault(rubric.label.casefold(), rubric)
    mapping: dict[int, Rubric] = {}
    made: list[Rubric] = []
    for rubric in rubrics:
        found = by_code.get(rubric.code) if rubric.code else None
        found = found or by_name.get(rubric.label.casefold())
        if found is None:
            found = create_rubric(
                actor=actor,
                community=target,
                data={"name": rubric.label[:80], "default_tone": rubric.default_tone},
            )
            by_name[found.label.casefold()] = found
            made.append(found)
        mapping[rubric.pk] = found
    return mapping, made


def copy_plan(
    *, actor: Any, plan: ContentPlan, target: Community, data: dict[str, Any] | None = None
) -> ContentPlan:
    """Copy a plan with its slots to another community the person plans for (PLAN_CONTENT in
    both). Its rubrics are matched there (see `_rubrics_in_target`); the copy keeps the name and
    dates unless `data` gives others, and its dates may not clash with the target's plans."""
    source = plan.community
    require(actor, Action.PLAN_CONTENT, source)
    require(actor, Action.PLAN_CONTENT, target)
    data = data or {}
    errors = FieldErrors()
    if target.pk == source.pk:
        errors.add("to", _("Choose another community: this plan is already here."))
    name = _name(data["name"], errors) if "name" in data else plan.name
    starts_on = day_from(data["starts_on"], "starts_on", errors) if "starts_on" in data else None
    ends_on = day_from(data["ends_on"], "ends_on", errors) if "ends_on" in data else None
    if not any(field in data for field in DATE_FIELDS):
        starts_on, ends_on = plan.starts_on, plan.ends_on
    _dates(starts_on, ends_on, errors)
    errors.raise_if_any()
    slots = list(plan.slots.select_related("rubric").order_by("weekday", "time", "id"))
    with transaction.atomic():
        _lock(target)
        _room_for_a_plan(target)
        _check_place(target, starts_on, ends_on)
        used = {slot.rubric.pk: slot.rubric for slot in slots if slot.rubric is not None}
        ordered = sorted(used.values(), key=lambda rubric: (rubric.position, rubric.pk))
        mapping, made = _rubrics_in_target(actor=actor, rubrics=ordered, target=target)
        copy = ContentPlan.objects.create(
            community=target, name=name, starts_on=starts_on, ends_on=ends_on, created_by=actor
        )
        PlanSlot.objects.bulk_create(
            PlanSlot(
                plan=copy,
                weekday=slot.weekday,
                time=slot.time,
                rubric=mapping.get(slot.rubric_id) if slot.rubric_id else None,
                tone=slot.tone,
                note=slot.note,
            )
            for slot in slots
        )
        record_audit(
            actor=actor,
            community=target,
            action="plan.copy",
            target=copy,
            after={
                **_plan_facts(copy),
                "copied_from": f"{source.slug}: {plan.name}",
                "slots": len(slots),
                "rubrics_added": [rubric.label for rubric in made],
            },
        )
    return copy
