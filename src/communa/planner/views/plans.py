"""Planner pages: a community's content plans and their weekly slots (R8.2), and copying a plan
to another community of the team."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.communities.models import Community, Tone
from communa.communities.permissions import Action, Standing
from communa.communities.rubrics import rubrics_of
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import DomainError, NotFound
from communa.core.web import answers_refusals, show_error_on_form
from communa.planner.actions import plans as actions
from communa.planner.models import ContentPlan, PlanSlot
from communa.planner.selectors import plans as selectors
from communa.planner.selectors.promotions import today_in

DATE_WIDGET = {"type": "date"}


class PlanForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=actions.NAME_MAX)
    starts_on = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        help_text=gettext_lazy("Leave both dates empty for the plan used when no other is."),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Three forms share the plan's page: each keeps its own ids.
        kwargs.setdefault("auto_id", "plan_%s")
        super().__init__(*args, **kwargs)


class SlotForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=gettext_lazy("Day"), choices=list(WEEKDAYS.items()), coerce=int
    )
    time = forms.TimeField(
        label=gettext_lazy("Time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    rubric = forms.TypedChoiceField(label=gettext_lazy("Rubric"), coerce=int)
    tone = forms.ChoiceField(label=gettext_lazy("Tone"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=actions.NOTE_MAX, required=False)

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "slot_%s")
        super().__init__(*args, **kwargs)
        rubric_field = cast(forms.ChoiceField, self.fields["rubric"])
        rubric_field.choices = [(r.pk, r.label) for r in rubrics_of(community)]
        tone_field = cast(forms.ChoiceField, self.fields["tone"])
        tone_field.choices = [("", _("The rubric's default tone")), *Tone.choices]


class CopyForm(forms.Form):
    to = forms.ChoiceField(label=gettext_lazy("Copy to"))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=actions.NAME_MAX)
    starts_on = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        help_text=gettext_lazy("The copy's dates must not overlap the plans there."),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, targets: list[Community], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "copy_%s")
        super().__init__(*args, **kwargs)
        to = cast(forms.ChoiceField, self.fields["to"])
        to.choices = [(community.slug, community.name) for community in targets]


def _plan_data(form: PlanForm | CopyForm) -> dict[str, Any]:
    return {
        "name": form.cleaned_data["name"],
        "starts_on": form.cleaned_data["starts_on"],
        "ends_on": form.cleaned_data["ends_on"],
    }


def _slot_data(form: SlotForm) -> dict[str, Any]:
    return {
        field: form.cleaned_data[field] for field in ("weekday", "time", "rubric", "tone", "note")
    }


@login_required
@answers_refusals
def plans(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's plans, the one in effect today marked, with a form to add one."""
    community, standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    form = PlanForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                plan = actions.create_plan(
                    actor=request.user, community=community, data=_plan_data(form)
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("The plan has been added: now give it its slots."))
                return redirect("planner:plan", community.slug, plan.pk)
        else:
            status = 400
    found = selectors.plans_with_counts(community)
    today = today_in(community)
    return render(
        request,
        "planner/plans.html",
        {
            **page_context(community, standing, "plans"),
            "form": form,
            "plans": found,
            "in_effect": selectors.plan_in_effect(found, today),
            "today": today,
            "zone": selectors.zone_of(community).key,
        },
        status=status,
    )


def _week(slots: list[PlanSlot]) -> list[tuple[int, str, list[PlanSlot]]]:
    """The seven days, Monday first, each with its slots in time order."""
    return [
        (day, str(name), [slot for slot in slots if slot.weekday == day])
        for day, name in WEEKDAYS.items()
    ]


def _plan_page(
    request: HttpRequest,
    community: Community,
    standing: Standing,
    plan: ContentPlan,
    *,
    plan_form: PlanForm | None = None,
    slot_form: SlotForm | None = None,
    copy_form: CopyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The plan's page: its name and dates, its week of slots, a slot form and the copy form."""
    targets = selectors.copy_targets(request.user, community)
    slots = selectors.slots_of(plan)
    return render(
        request,
        "planner/plan.html",
        {
            **page_context(community, standing, "plans"),
            "plan": plan,
            "week": _week(slots),
            "slot_count": len(slots),
            "zone": selectors.zone_of(community).key,
            "plan_form": plan_form
            or PlanForm(
                initial={"name": plan.name, "starts_on": plan.starts_on, "ends_on": plan.ends_on}
            ),
            "slot_form": slot_form or SlotForm(community=community),
            "copy_form": copy_form
            or CopyForm(
                targets=targets,
                initial={"name": plan.name, "starts_on": plan.starts_on, "ends_on": plan.ends_on},
            ),
            "copy_targets": targets,
        },
        status=status,
    )


@login_required
@answers_refusals
def plan(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """One plan: rename it or change its dates (POST), see and edit its week of slots."""
    community, standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    found = selectors.plan_in(community, plan_id)
    if request.method != "POST":
        return _plan_page(request, community, standing, found)
    form = PlanForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, community, standing, found, plan_form=form, status=400)
    try:
        actions.update_plan(actor=request.user, plan=found, data=_plan_data(form))
    except DomainError as exc:
        found = selectors.plan_in(community, plan_id)  # as stored, not as typed
        status = show_error_on_form(form, exc)
        return _plan_page(request, community, standing, found, plan_form=form, status=status)
    messages.success(request, _("The plan has been saved."))
    return redirect("planner:plan", community.slug, found.pk)


@login_required
@answers_refusals
def plan_delete(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """Delete a plan (POST) and go back to the list."""
    community, _standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    found = selectors.plan_in(community, plan_id)
    if request.method != "POST":
        return redirect("planner:plan", community.slug, found.pk)
    actions.delete_plan(actor=request.user, plan=found)
    messages.success(request, _("The plan “%(name)s” has been deleted.") % {"name": found.name})
    return redirect("planner:plans", community.slug)


@login_required
@answers_refusals
def plan_copy(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """Copy a plan to another community the person plans for (POST)."""
    community, standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    found = selectors.plan_in(community, plan_id)
    if request.method != "POST":
        return redirect("planner:plan", community.slug, found.pk)
    targets = selectors.copy_targets(request.user, community)
    form = CopyForm(request.POST, targets=targets)
    if not form.is_valid():
        return _plan_page(request, community, standing, found, copy_form=form, status=400)
    target = next(c for c in targets if c.slug == form.cleaned_data["to"])
    try:
        copy = actions.copy_plan(
            actor=request.user, plan=found, target=target, data=_plan_data(form)
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _plan_page(request, community, standing, found, copy_form=form, status=status)
    messages.success(
        request,
        _("The plan has been copied to %(community)s.") % {"community": target.name},
    )
    return redirect("planner:plan", target.slug, copy.pk)


@login_required
@answers_refusals
def slot_add(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """Add a slot to the plan (POST)."""
    community, standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    found = selectors.plan_in(community, plan_id)
    if request.method != "POST":
        return redirect("planner:plan", community.slug, found.pk)
    form = SlotForm(request.POST, community=community)
    if not form.is_valid():
        return _plan_page(request, community, standing, found, slot_form=form, status=400)
    try:
        actions.add_slot(actor=request.user, plan=found, data=_slot_data(form))
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _plan_page(request, community, standing, found, slot_form=form, status=status)
    messages.success(request, _("The slot has been added."))
    return redirect("planner:plan", community.slug, found.pk)


def _slot_in(plan: ContentPlan, slot_id: int) -> PlanSlot:
    slot = selectors.slot_by_id(slot_id)
    if slot.plan_id != plan.pk:
        raise NotFound
    slot.plan = plan
    return slot


@login_required
@answers_refusals
def slot(request: HttpRequest, slug: str, plan_id: int, slot_id: int) -> HttpResponse:
    """Change one slot: its day, time, rubric, tone and note."""
    community, standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    found = selectors.plan_in(community, plan_id)
    current = _slot_in(found, slot_id)
    initial = {
        "weekday": current.weekday,
        "time": current.time,
        "rubric": current.rubric_id,
        "tone": current.tone,
        "note": current.note,
    }
    form = SlotForm(request.POST or None, community=community, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_slot(actor=request.user, slot=current, data=_slot_data(form))
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("The slot has been saved."))
                return redirect("planner:plan", community.slug, found.pk)
        else:
            status = 400
    return render(
        request,
        "planner/slot.html",
        {
            **page_context(community, standing, "plans"),
            "plan": found,
            "slot": current,
            "form": form,
            "zone": selectors.zone_of(community).key,
        },
        status=status,
    )


@login_required
@answers_refusals
def slot_delete(request: HttpRequest, slug: str, plan_id: int, slot_id: int) -> HttpResponse:
    """Remove a slot (POST)."""
    community, _standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    found = selectors.plan_in(community, plan_id)
    current = _slot_in(found, slot_id)
    if request.method == "POST":
        actions.delete_slot(actor=request.user, slot=current)
        messages.success(request, _("The slot has been removed."))
    return redirect("planner:plan", community.slug, found.pk)


__all__ = [
    "plan",
    "plan_copy",
    "plan_delete",
    "plans",
    "slot",
    "slot_add",
    "slot_delete",
]
