"""Planner pages: a community's rubrics (R8.1)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.communities import rubrics as actions
from communa.communities.models import Rubric, Tone
from communa.communities.permissions import Action
from communa.communities.rubrics import rubrics_of
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import DomainError
from communa.core.web import answers_refusals, show_error_on_form


class RubricForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    default_tone = forms.ChoiceField(label=gettext_lazy("Default tone"), choices=Tone.choices)


@login_required
@answers_refusals
def rubrics(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's rubrics, with a form to add one (editors and above)."""
    community, standing = community_for(request.user, slug, Action.MANAGE_POSTS)
    form = RubricForm(request.POST or None, initial={"default_tone": Tone.FUNCTIONAL})
    if request.method == "POST" and form.is_valid():
        try:
            actions.create_rubric(actor=request.user, community=community, data=form.cleaned_data)
        except DomainError as exc:
            show_error_on_form(form, exc)
        else:
            messages.success(request, _("The rubric has been added."))
            return redirect("planner:rubrics", community.slug)
    every = Rubric.objects.filter(community=community).order_by("archived", "position", "id")
    return render(
        request,
        "planner/rubrics.html",
        {
            **page_context(community, standing, "rubrics"),
            "form": form,
            "rubrics": every,
            "active_count": rubrics_of(community).count(),
            "tones": Tone.choices,
        },
    )


@login_required
@answers_refusals
def rubric_update(request: HttpRequest, slug: str, rubric_id: int) -> HttpResponse:
    """Rename a rubric, change its tone, archive or restore it."""
    if request.method != "POST":
        return redirect("planner:rubrics", slug)
    community, _standing = community_for(request.user, slug, Action.MANAGE_POSTS)
    rubric = get_object_or_404(Rubric, pk=rubric_id, community=community)
    data: dict[str, object] = {}
    if "name" in request.POST:
        data["name"] = request.POST["name"]
    if "default_tone" in request.POST:
        data["default_tone"] = request.POST["default_tone"]
    if "archived" in request.POST:
        data["archived"] = request.POST["archived"] == "1"
    try:
        actions.update_rubric(actor=request.user, rubric=rubric, data=data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The rubric has been saved."))
    return redirect("planner:rubrics", community.slug)
