"""Planner pages: the mix targets (R8.4): the tone mix, the promotional limit, posts a day."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import DomainError, ValidationFailed
from communa.core.web import answers_refusals, show_error_on_form
from communa.planner.actions import targets as actions
from communa.planner.models import FrequencyProfile
from communa.planner.selectors.plans import mix_targets_of


def _number(label: Any, *, least: int, most: int, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=least, max_value=most, required=required)


class MixTargetsForm(forms.Form):
    branded = _number(gettext_lazy("Branded %"), least=0, most=100)
    functional = _number(gettext_lazy("Functional %"), least=0, most=100)
    emotional = _number(gettext_lazy("Emotional %"), least=0, most=100)
    promotional_limit = _number(gettext_lazy("Promotional posts at most, %"), least=0, most=100)
    tolerance = forms.IntegerField(
        label=gettext_lazy("Tolerance (points)"),
        min_value=0,
        max_value=actions.TOLERANCE_MAX,
        help_text=gettext_lazy(
            "How far a tone's share may stray from its target before a warning."
        ),
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("Posts a day"),
        choices=FrequencyProfile.choices,
        widget=forms.RadioSelect,
    )
    min_per_day = _number(
        gettext_lazy("At least a day (custom)"), least=0, most=actions.PER_DAY_MAX, required=False
    )
    max_per_day = _number(
        gettext_lazy("At most a day (custom)"), least=1, most=actions.PER_DAY_MAX, required=False
    )


def _show(form: MixTargetsForm, exc: DomainError) -> int:
    """Put the refusal on the form; the shares' sum, said of all three, is said once on top."""
    said = [exc.fields.get(field) for field in actions.SHARES]
    if isinstance(exc, ValidationFailed) and said[0] and said.count(said[0]) == len(said):
        for message in said[0]:
            form.add_error(None, message)
        rest = {k: v for k, v in exc.fields.items() if k not in actions.SHARES}
        if not rest:
            return exc.status
        exc = ValidationFailed(fields=rest)
    return show_error_on_form(form, exc)


@login_required
@answers_refusals
def targets(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's mix targets (the defaults until saved), with the form to change them."""
    community, standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    current = mix_targets_of(community)
    initial = {field: getattr(current, field) for field in actions.FIELDS}
    form = MixTargetsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                actions.save_mix_targets(actor=request.user, community=community, data=data)
            except DomainError as exc:
                status = _show(form, exc)
            else:
                messages.success(request, _("The mix targets have been saved."))
                return redirect("planner:targets", community.slug)
        else:
            status = 400
    return render(
        request,
        "planner/targets.html",
        {
            **page_context(community, standing, "targets"),
            "form": form,
            "saved": current.pk is not None,
        },
        status=status,
    )


__all__ = ["targets"]
