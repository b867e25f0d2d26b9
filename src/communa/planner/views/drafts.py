"""Draft pages (R8.3): write a draft with the post composer into a slot or at a time, see it
with its history and the mix advisor's warnings, send it for approval, approve or return it,
schedule, move, publish now, withdraw; the approval queue."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.communities.models import Community
from communa.communities.permissions import Action, can
from communa.communities.rubrics import rubrics_of
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.activity import next_best_time
from communa.core.errors import DomainError, ValidationFailed
from communa.core.moments import FOLDS, local_moment
from communa.core.pagination import page_size
from communa.core.web import answers_refusals, show_error_on_form
from communa.planner.actions import placement
from communa.planner.selectors import drafts as draft_selectors
from communa.planner.selectors.calendar import entry_of, rubric_colour, taken_times
from communa.planner.selectors.mix import mix_of
from communa.planner.selectors.plans import plans_with_slots, zone_of
from communa.planner.selectors.promotions import promotions_of
from communa.planner.views.calendar import calendar_context
from communa.walls.actions import drafts
from communa.walls.forms import PostForm
from communa.walls.models import Post, PostStatus

FOLD_CHOICES = [
    ("", gettext_lazy("Not needed")),
    ("first", gettext_lazy("The first time (before the clocks go back)")),
    ("second", gettext_lazy("The second time (after the clocks go back)")),
]


class WhenForm(forms.Form):
    """A day and a wall-clock time in the community's zone (and which one on a doubled hour)."""

    day = forms.DateField(
        label=gettext_lazy("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    time = forms.TimeField(
        label=gettext_lazy("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    fold = forms.ChoiceField(
        label=gettext_lazy("If the time happens twice that day"),
        choices=FOLD_CHOICES,
        required=False,
    )

    def moment(self, community: Community, *, required: bool = False) -> datetime | None:
        """The moment chosen, or None when no day is given (a 422 on the form if required)."""
        day, clock = self.cleaned_data.get("day"), self.cleaned_data.get("time")
        if day is None and clock is None and not required:
            return None
        if day is None or clock is None:
            field = "day" if day is None else "time"
            raise ValidationFailed(fields={field: [_("Give both the day and the time.")]})
        fold = self.cleaned_data.get("fold") or None
        return local_moment(day, clock, zone_of(community), fold=fold, field="time")


class PlaceForm(forms.Form):
    """Which slot of the plan the draft fills, and its promotion."""

    slot = forms.ChoiceField(label=gettext_lazy("Slot of the plan"), required=False)
    promotion = forms.ChoiceField(label=gettext_lazy("Promotion"), required=False)

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        slots = [slot for plan in plans_with_slots(community) for slot in plan.slots.all()]
        weekdays = [str(label) for label in WEEKDAYS]
        self.fields["slot"].choices = [  # type: ignore[attr-defined]
            ("", _("No slot")),
            *(
                (
                    str(slot.pk),
                    f"{slot.plan.name}: {weekdays[slot.weekday]} {slot.time:%H:%M}"
                    + (f" · {slot.rubric.label}" if slot.rubric else ""),
                )
                for slot in slots
            ),
        ]
        self.fields["promotion"].choices = [  # type: ignore[attr-defined]
            ("", _("No promotion")),
            *(
                (str(p.pk), f"{p.name} ({p.starts_on:%Y-%m-%d} – {p.ends_on:%Y-%m-%d})")
                for p in promotions_of(community)
            ),
        ]


WEEKDAYS = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("What should the author change?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _community(request: HttpRequest, slug: str, action: Action = Action.PLAN_CONTENT) -> Any:
    return community_for(request.user, slug, action)


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 12 else None


@login_required
@answers_refusals
def new_draft(request: HttpRequest, slug: str) -> HttpResponse:
    """Write a draft with the post composer, at a time or into a slot of the plan."""
    community, standing = _community(request, slug)
    rubrics = list(rubrics_of(community))
    initial_day = request.GET.get("date") or ""
    initial = {"slot": request.GET.get("slot", ""), "promotion": request.GET.get("promotion", "")}
    post_form = PostForm(request.POST or None, request.FILES or None, rubrics=rubrics, team=True)
    when_form = WhenForm(
        request.POST or None,
        initial={"day": initial_day, "time": request.GET.get("time", "")},
    )
    place_form = PlaceForm(request.POST or None, community=community, initial=initial)
    status = 200
    if request.method == "POST":
        valid = all([post_form.is_valid(), when_form.is_valid(), place_form.is_valid()])
        if valid:
            try:
                slot_id = _int(place_form.cleaned_data.get("slot"))
                # With a slot, the day alone is enough: the slot gives the time.
                slot_only = slot_id and not when_form.cleaned_data.get("time")
                at = None if slot_only else when_form.moment(community)
                slot_day = when_form.cleaned_data.get("day") if slot_id else None
                post = placement.plan_draft(
                    actor=request.user,  # type: ignore[arg-type]
                    community=community,
                    data=post_form.data_for_action(),
                    at=None if slot_id and at is None else at,
                    slot_id=slot_id,
                    slot_date=slot_day,
                    promotion_id=_int(place_form.cleaned_data.get("promotion")),
                    fold=when_form.cleaned_data.get("fold") or None,
                    ip=request.META.get("REMOTE_ADDR"),
                    **post_form.uploads(),
                )
            except DomainError as exc:
                status = show_error_on_form(when_form, exc)
                if status == 200:
                    status = 400
                _spread(exc, post_form, place_form)
            else:
                messages.success(request, _("The draft has been saved."))
                return redirect("planner:draft", community.slug, post.pk)
        else:
            status = 400
    return render(
        request,
        "planner/draft_new.html",
        {
            **page_context(community, standing, "calendar"),
            "form": post_form,
            "when_form": when_form,
            "place_form": place_form,
            "zone": zone_of(community).key,
            "next_best": next_best_time(community, timezone.now(), taken_times(community)),
        },
        status=status,
    )


def _spread(exc: DomainError, *others: forms.Form) -> None:
    """Put a domain error's field messages on whichever form has that field."""
    for form in others:
        for field, errors in (getattr(exc, "fields", None) or {}).items():
            if field in form.fields and not form.has_error(field):
                for error in errors:
                    form.add_error(field, error)


def _draft_context(request: HttpRequest, post: Post, community: Community) -> dict[str, Any]:
    zone = zone_of(community)
    local = post.scheduled_at.astimezone(zone) if post.scheduled_at else None
    user = request.user
    approver = can(user, Action.APPROVE_POSTS, community)
    second_person = not community.approval_required or post.author_id != user.pk
    skips_approval = not community.approval_required or (approver and second_person)
    warnings = []
    if post.scheduled_at and local and post.status in drafts_statuses():
        moving = (post, post.scheduled_at)
        warnings = mix_of(community, period="week", day=local.date(), moving=moving).warnings
    entry = entry_of(post)
    return {
        "post": post,
        "entry": entry,
        "local": local,
        "zone": zone.key,
        "history": draft_selectors.history_of(post),
        "warnings": warnings,
        "colour": rubric_colour(post.rubric),
        "next_best": next_best_time(community, timezone.now(), taken_times(community)),
        "may_plan": can(user, Action.PLAN_CONTENT, community),
        "may_approve": approver and second_person,
        "skips_approval": skips_approval,
        "when_form": WhenForm(
            initial={
                "day": local.date() if local else "",
                "time": local.strftime("%H:%M") if local else "",
            }
        ),
        "return_form": ReturnForm(),
        "place_form": PlaceForm(
            community=community,
            initial={
                "slot": (entry.slot_id if entry else "") or "",
                "promotion": (entry.promotion_id if entry else "") or "",
            },
        ),
        "edit_url": reverse("walls:edit", args=[post.pk])
        + "?next="
        + reverse("planner:draft", args=[community.slug, post.pk]),
    }


def drafts_statuses() -> tuple[str, ...]:
    return (PostStatus.DRAFT, PostStatus.PENDING, PostStatus.SCHEDULED, PostStatus.FAILED)


@login_required
@answers_refusals
def draft(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    """A draft with its history, warnings and the steps this person may take."""
    community, standing = community_for(request.user, slug, Action.SEE)
    post = draft_selectors.planned_post(actor=request.user, post_id=post_id)
    if post.community_id != community.pk:
        return redirect("planner:draft", post.community.slug, post.pk)  # type: ignore[union-attr]
    status = 200
    context = {**page_context(community, standing, "calendar")}
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            message = _take_step(request, step, post, community)
        except DomainError as exc:
            messages.error(request, exc.message)
            for errors in (getattr(exc, "fields", None) or {}).values():
                for error in errors:
                    messages.error(request, error)
            status = 400
        else:
            if message:
                messages.success(request, message)
            return redirect("planner:draft", community.slug, post.pk)
        post = draft_selectors.planned_post(actor=request.user, post_id=post_id)
    context.update(_draft_context(request, post, community))
    return render(request, "planner/draft.html", context, status=status)


def _when(request: HttpRequest, community: Community, *, required: bool) -> datetime | None:
    form = WhenForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(fields={k: [str(e) for e in v] for k, v in form.errors.items()})
    return form.moment(community, required=required)


def _submit(request: HttpRequest, post: Post, community: Community) -> str:
    drafts.submit_draft(actor=request.user, post=post)  # type: ignore[arg-type]
    return _("The draft has been sent for approval.")


def _withdraw(request: HttpRequest, post: Post, community: Community) -> str:
    drafts.withdraw_draft(actor=request.user, post=post)  # type: ignore[arg-type]
    return _("The post is a draft again.")


def _publish(request: HttpRequest, post: Post, community: Community) -> str:
    drafts.publish_draft_now(actor=request.user, post=post)  # type: ignore[arg-type]
    return _("The post has been published.")


def _return(request: HttpRequest, post: Post, community: Community) -> str:
    comment = request.POST.get("comment", "")
    drafts.return_draft(actor=request.user, post=post, comment=comment)  # type: ignore[arg-type]
    return _("The draft has been returned to its author.")


def _approve(request: HttpRequest, post: Post, community: Community) -> str:
    at = _when(request, community, required=False)
    drafts.approve_draft(actor=request.user, post=post, at=at)  # type: ignore[arg-type]
    return _("The draft has been approved.")


def _schedule(request: HttpRequest, post: Post, community: Community) -> str:
    at = _when(request, community, required=False)
    drafts.schedule_draft(actor=request.user, post=post, at=at)  # type: ignore[arg-type]
    return _("The post has been scheduled.")


def _move(request: HttpRequest, post: Post, community: Community) -> str:
    at = _when(request, community, required=True)
    assert at is not None  # noqa: S101 — required above
    placement.move_draft(actor=request.user, post=post, at=at)  # type: ignore[arg-type]
    return _("The post has been moved.")


def _place(request: HttpRequest, post: Post, community: Community) -> str:
    placement.place_post(
        actor=request.user,  # type: ignore[arg-type]
        post=post,
        slot_id=_int(request.POST.get("slot")),
        promotion_id=_int(request.POST.get("promotion")),
    )
    return _("The draft's place in the plan has been saved.")


STEPS = {
    "submit": _submit,
    "withdraw": _withdraw,
    "publish": _publish,
    "return": _return,
    "approve": _approve,
    "schedule": _schedule,
    "move": _move,
    "place": _place,
}


def _take_step(request: HttpRequest, step: str, post: Post, community: Community) -> str:
    handler = STEPS.get(step)
    if handler is None:
        raise ValidationFailed(fields={"step": [_("Unknown step.")]})
    return handler(request, post, community)


@login_required
@answers_refusals
def move(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    """Drop a draft on another day of the calendar (htmx): it keeps its time of day. Answers
    with the calendar again, and the mix advisor's warnings for the week it lands in."""
    community, standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    post = draft_selectors.planned_post(actor=request.user, post_id=post_id)
    if request.method != "POST" or post.community_id != community.pk:
        return redirect("planner:calendar", community.slug)
    zone = zone_of(community)
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        day = None
    try:
        if day is None or post.scheduled_at is None:
            raise ValidationFailed(fields={"day": [_("Choose a day to move the post to.")]})
        clock = post.scheduled_at.astimezone(zone).time()
        fold = request.POST.get("fold") if request.POST.get("fold") in FOLDS else None
        at = local_moment(day, clock, zone, fold=fold, field="day")
        before = mix_of(community, period="week", day=day)
        after = mix_of(community, period="week", day=day, moving=(post, at))
        placement.move_draft(actor=request.user, post=post, at=at)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
        for errors in (getattr(exc, "fields", None) or {}).values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, _("The post has been moved to %(day)s.") % {"day": day})
        for warning in after.warnings:
            if warning not in before.warnings:
                messages.warning(request, warning)
    if request.headers.get("HX-Request"):
        context = {
            **page_context(community, standing, "calendar"),
            **calendar_context(request, community),
        }
        return render(request, "planner/_calendar.html", context)
    return redirect(reverse("planner:calendar", args=[community.slug]) + f"?day={day or ''}")


@login_required
@answers_refusals
def approvals(request: HttpRequest, slug: str) -> HttpResponse:
    """Drafts awaiting approval, oldest first (administrators and the owner)."""
    community, standing = community_for(request.user, slug, Action.APPROVE_POSTS)
    page = draft_selectors.approvals_page(
        community=community, cursor=request.GET.get("cursor") or None, limit=page_size(None)
    )
    zone = zone_of(community)
    return render(
        request,
        "planner/approvals.html",
        {
            **page_context(community, standing, "approvals"),
            "posts": page.items,
            "zone": zone.key,
            "now": timezone.now(),
        },
    )
