"""Guide pages: members work through a guide at /c/<slug>/guides/<id>/ and mark steps done; the
team builds guides and follows everyone's progress in the manage area."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.communities.manage import Group, ManagePage, register_page
from communa.communities.models import Community
from communa.communities.permissions import Action, Standing
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import DomainError
from communa.core.events import viewer_of
from communa.core.pagination import next_page_link, page_size
from communa.core.web import answers_refusals, cursor_of, show_error_on_form
from communa.engagement.actions import guides as actions
from communa.engagement.models import Guide
from communa.engagement.selectors import forms as form_selectors
from communa.engagement.selectors import guides as selectors
from communa.walls.models import Post, PostStatus

MANAGE = "manage_guides"
# The builder offers this many of the community's latest published posts as steps.
POSTS_OFFERED = 100


class GuideForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=actions.TITLE_MAX)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=actions.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    published = forms.BooleanField(
        label=gettext_lazy("Published: members see the guide"), required=False
    )


class ModuleForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Module title"), max_length=actions.TITLE_MAX)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=actions.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StepForm(forms.Form):
    post = forms.TypedChoiceField(label=gettext_lazy("Post"), coerce=int, choices=())
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=actions.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, posts: list[Post], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [(post.pk, str(post)[:90]) for post in posts]  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=actions.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _offered_posts(community: Community) -> list[Post]:
    return list(
        Post.objects.filter(community=community, status=PostStatus.PUBLISHED).order_by(
            "-published_at", "-id"
        )[:POSTS_OFFERED]
    )


def _member_guide(
    request: HttpRequest, slug: str, guide_id: int
) -> tuple[Community, Standing, Guide, bool]:
    community, standing = community_for(request.user, slug, Action.VIEW_CONTENT)
    guide = selectors.guide_in(community, guide_id)
    team = form_selectors.runs_forms(request.user, community, standing)
    selectors.require_visible(guide, team=team)
    return community, standing, guide, team


@login_required
@answers_refusals
def guide_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's published guides."""
    community, standing = community_for(request.user, slug, Action.VIEW_CONTENT)
    page = selectors.guides_page(
        community, team=False, cursor=cursor_of(request), limit=page_size(None)
    )
    return render(
        request,
        "engagement/guides/list.html",
        {
            **page_context(community, standing, "guides"),
            "guides": page.items,
            "next_link": next_page_link(request, page.next_cursor),
        },
    )


@login_required
@answers_refusals
def guide_page(request: HttpRequest, slug: str, guide_id: int) -> HttpResponse:
    """A guide's modules and steps, with the member's progress and a button per step."""
    community, standing, guide, team = _member_guide(request, slug, guide_id)
    modules = selectors.outline(guide)
    return render(
        request,
        "engagement/guides/guide.html",
        {
            **page_context(community, standing, "guides"),
            "guide": guide,
            "modules": modules,
            "progress": selectors.progress_of(guide, request.user, modules),
            "team": team,
        },
    )


@login_required
@answers_refusals
def step_done(request: HttpRequest, slug: str, guide_id: int, step_id: int) -> HttpResponse:
    """Mark a step as done, or (`undo`) take the mark back (POST)."""
    community, _standing, guide, _team = _member_guide(request, slug, guide_id)
    step = selectors.step_in(guide, step_id)
    if request.method == "POST":
        if request.POST.get("undo"):
            actions.unmark_step(actor=request.user, step=step)
        else:
            progress = actions.mark_step_done(
                actor=request.user, step=step, viewer=viewer_of(request)
            )
            if progress.completed_at is not None:
                messages.success(request, _("You have finished the guide. Well done!"))
    return redirect(f"{guide_path(community, guide)}#step-{step.pk}")


def guide_path(community: Community, guide: Guide) -> str:
    return reverse("engagement:guide", args=[community.slug, guide.pk])


# Managing ---------------------------------------------------------------------------------


def _team_guide(
    request: HttpRequest, slug: str, guide_id: int
) -> tuple[Community, Standing, Guide]:
    community, standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    return community, standing, selectors.guide_in(community, guide_id)


@login_required
@answers_refusals
def manage_guides(request: HttpRequest, slug: str) -> HttpResponse:
    """The team's guides with a form to start one."""
    community, standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    form = GuideForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                guide = actions.create_guide(
                    actor=request.user, community=community, data=form.cleaned_data
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("The guide is ready: add its modules."))
                return redirect("engagement:manage_guide", community.slug, guide.pk)
        else:
            status = 400
    page = selectors.guides_page(
        community, team=True, cursor=cursor_of(request), limit=page_size(None)
    )
    return render(
        request,
        "engagement/guides/manage_list.html",
        {
            **page_context(community, standing, MANAGE),
            "guides": page.items,
            "next_link": next_page_link(request, page.next_cursor),
            "form": form,
        },
        status=status,
    )


@login_required
@answers_refusals
def manage_guide(request: HttpRequest, slug: str, guide_id: int) -> HttpResponse:
    """The builder: settings, modules with their steps in order, a new module, a new step."""
    community, standing, guide = _team_guide(request, slug, guide_id)
    posts = _offered_posts(community)
    initial = {"title": guide.title, "description": guide.description, "published": guide.published}
    guide_form = GuideForm(request.POST if "save_guide" in request.POST else None, initial=initial)
    module_form = ModuleForm(request.POST if "add_module" in request.POST else None)
    status = 200
    if request.method == "POST" and "save_guide" in request.POST:
        if guide_form.is_valid():
            try:
                actions.update_guide(actor=request.user, guide=guide, data=guide_form.cleaned_data)
            except DomainError as exc:
                status = show_error_on_form(guide_form, exc)
            else:
                messages.success(request, _("The guide has been saved."))
                return redirect("engagement:manage_guide", community.slug, guide.pk)
        else:
            status = 400
    elif request.method == "POST" and "add_module" in request.POST:
        if module_form.is_valid():
            try:
                actions.add_module(actor=request.user, guide=guide, data=module_form.cleaned_data)
            except DomainError as exc:
                status = show_error_on_form(module_form, exc)
            else:
                messages.success(request, _("The module has been added."))
                return redirect("engagement:manage_guide", community.slug, guide.pk)
        else:
            status = 400
    modules = selectors.outline(guide)
    return render(
        request,
        "engagement/guides/builder.html",
        {
            **page_context(community, standing, MANAGE),
            "guide": guide,
            "module_rows": [
                (module, StepForm(posts=posts, prefix=f"m{module.pk}")) for module in modules
            ],
            "guide_form": guide_form,
            "module_form": module_form,
            "has_posts": bool(posts),
        },
        status=status,
    )


@login_required
@answers_refusals
def manage_module(request: HttpRequest, slug: str, guide_id: int, module_id: int) -> HttpResponse:
    """A module's actions (POST): `rename`, `up`, `down`, `delete`, `add_step`."""
    community, standing, guide = _team_guide(request, slug, guide_id)
    module = selectors.module_in(guide, module_id)
    back = redirect("engagement:manage_guide", community.slug, guide.pk)
    if request.method != "POST":
        return back
    if "add_step" in request.POST:
        form = StepForm(request.POST, posts=_offered_posts(community), prefix=f"m{module.pk}")
        if form.is_valid():
            try:
                actions.add_step(actor=request.user, module=module, data=form.cleaned_data)
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("The step has been added."))
                return back
        else:
            status = 400
        return render(
            request,
            "engagement/guides/step_form.html",
            {
                **page_context(community, standing, MANAGE),
                "guide": guide,
                "module": module,
                "form": form,
            },
            status=status,
        )
    if "rename" in request.POST:
        form_r = ModuleForm(request.POST)
        if form_r.is_valid():
            actions.update_module(actor=request.user, module=module, data=form_r.cleaned_data)
            messages.success(request, _("The module has been saved."))
        else:
            messages.error(request, _("Give the module a title."))
    elif "delete" in request.POST:
        actions.delete_module(actor=request.user, module=module)
        messages.success(request, _("The module has been removed."))
    elif request.POST.get("direction") in ("up", "down"):
        actions.move_module(actor=request.user, module=module, up=request.POST["direction"] == "up")
    return back


@login_required
@answers_refusals
def manage_step(request: HttpRequest, slug: str, guide_id: int, step_id: int) -> HttpResponse:
    """A step's actions (POST): `note`, `direction` up or down, `delete`."""
    community, _standing, guide = _team_guide(request, slug, guide_id)
    step = selectors.step_in(guide, step_id)
    if request.method == "POST":
        if "delete" in request.POST:
            actions.delete_step(actor=request.user, step=step)
            messages.success(request, _("The step has been removed."))
        elif request.POST.get("direction") in ("up", "down"):
            actions.move_step(actor=request.user, step=step, up=request.POST["direction"] == "up")
        elif "save_note" in request.POST:
            form = NoteForm(request.POST)
            if form.is_valid():
                actions.update_step(actor=request.user, step=step, data=form.cleaned_data)
                messages.success(request, _("The note has been saved."))
    return redirect("engagement:manage_guide", community.slug, guide.pk)


@login_required
@answers_refusals
def delete_guide(request: HttpRequest, slug: str, guide_id: int) -> HttpResponse:
    """Delete the guide (POST)."""
    community, _standing, guide = _team_guide(request, slug, guide_id)
    if request.method != "POST":
        return redirect("engagement:manage_guide", community.slug, guide.pk)
    actions.delete_guide(actor=request.user, guide=guide)
    messages.success(request, _("The guide “%(title)s” has been deleted.") % {"title": guide.title})
    return redirect("engagement:manage_guides", community.slug)


@login_required
@answers_refusals
def guide_progress(request: HttpRequest, slug: str, guide_id: int) -> HttpResponse:
    """Everyone's progress, a page at a time, and the summary: started, finished, per step."""
    community, standing, guide = _team_guide(request, slug, guide_id)
    page = selectors.progress_page(guide, cursor=cursor_of(request), limit=page_size(None))
    return render(
        request,
        "engagement/guides/progress.html",
        {
            **page_context(community, standing, MANAGE),
            "guide": guide,
            "rows": page.items,
            "summary": selectors.guide_summary(guide),
            "next_link": next_page_link(request, page.next_cursor),
        },
    )


def connect_guides() -> None:
    """The team's guides page in the manage area's Engagement group (called by wiring)."""
    register_page(
        ManagePage(
            Group.ENGAGEMENT,
            "engagement:manage_guides",
            gettext_lazy("Guides"),
            Action.RUN_ENGAGEMENT,
            50,
        )
    )


__all__ = [
    "connect_guides",
    "delete_guide",
    "guide_list",
    "guide_page",
    "guide_progress",
    "manage_guide",
    "manage_guides",
    "manage_module",
    "manage_step",
    "step_done",
]
