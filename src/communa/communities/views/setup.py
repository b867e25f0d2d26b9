"""The community's settings, images, conversion, verification request and wiki."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communa.accounts.http import AuthedRequest
from communa.communities import actions, forms, selectors
from communa.communities.models import (
    Community,
    Kind,
    Privacy,
    WikiPage,
)
from communa.communities.permissions import (
    Action,
    Standing,
)
from communa.communities.views._shared import (
    _community,
    _may,
    page_context,
)
from communa.core.conf import int_setting
from communa.core.errors import DomainError
from communa.core.web import answers_refusals, show_error_on_form

# --- settings ----------------------------------------------------------------------------------


def _settings_page(
    request: AuthedRequest,
    community: Community,
    standing: Standing,
    *,
    status: int = 200,
    **bound: Any,
) -> HttpResponse:
    changed_at = community.kind_changed_at
    next_conversion = (
        changed_at + timedelta(days=int_setting("KIND_CHANGE_DAYS")) if changed_at else None
    )
    if next_conversion and next_conversion <= timezone.now():
        next_conversion = None
    widget_url = request.build_absolute_uri(reverse("communities:widget", args=[community.slug]))
    convert_to = {Kind.GROUP: Kind.PUBLIC_PAGE, Kind.PUBLIC_PAGE: Kind.GROUP}.get(
        Kind(community.kind)
    )
    return render(
        request,
        "communities/settings.html",
        {
            **page_context(community, standing, "settings"),
            "form": bound.get("form") or forms.SettingsForm(community=community),
            "cover_form": bound.get("cover_form") or forms.CoverForm(),
            "avatar_form": bound.get("avatar_form") or forms.AvatarForm(),
            "convert_form": bound.get("convert_form") or forms.ConvertForm(),
            "convert_to": convert_to,
            "kind_change_days": int_setting("KIND_CHANGE_DAYS"),
            "may_convert": convert_to is not None
            and _may(community, standing, Action.CONVERT_KIND),
            "next_conversion": next_conversion,
            "verification_form": bound.get("verification_form") or forms.VerificationForm(),
            "may_verify": not community.verified
            and _may(community, standing, Action.REQUEST_VERIFICATION),
            "widget_url": widget_url,
            "privacy_is_private": community.privacy == Privacy.PRIVATE,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def settings(request: AuthedRequest, slug: str) -> HttpResponse:
    """Change the community's profile and rules."""
    community, standing = _community(request, slug, Action.EDIT_SETTINGS)
    if request.method == "GET":
        return _settings_page(request, community, standing)
    form = forms.SettingsForm(request.POST, community=community)
    if not form.is_valid():
        return _settings_page(request, community, standing, form=form, status=400)
    try:
        community = actions.update_community(
            actor=request.user, community=community, changes=form.changes(kind=community.kind)
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        community.refresh_from_db()
        return _settings_page(request, community, standing, form=form, status=status)
    messages.success(request, _("The settings have been saved."))
    return redirect("communities:settings", community.slug)


@login_required
@require_POST
@answers_refusals
def image(request: AuthedRequest, slug: str, field: str) -> HttpResponse:
    """Upload the cover or the avatar."""
    community, standing = _community(request, slug, Action.EDIT_SETTINGS)
    form_class = {"cover": forms.CoverForm, "avatar": forms.AvatarForm}.get(field)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, request.FILES)
    key = f"{field}_form"
    if not form.is_valid():
        return _settings_page(request, community, standing, status=400, **{key: form})
    try:
        actions.set_community_image(
            actor=request.user, community=community, field=field, upload=form.cleaned_data[field]
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _settings_page(request, community, standing, status=status, **{key: form})
    messages.success(request, _("The image has been updated."))
    return redirect("communities:settings", community.slug)


@login_required
@require_POST
@answers_refusals
def convert(request: AuthedRequest, slug: str) -> HttpResponse:
    """Convert a group into a public page or back."""
    community, standing = _community(request, slug, Action.CONVERT_KIND)
    form = forms.ConvertForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, community, standing, convert_form=form, status=400)
    try:
        actions.convert_community(
            actor=request.user, community=community, kind=form.cleaned_data["kind"]
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        community.refresh_from_db()
        return _settings_page(request, community, standing, convert_form=form, status=status)
    messages.success(
        request, _("The community is now: %(kind)s.") % {"kind": community.get_kind_display()}
    )
    return redirect("communities:settings", community.slug)


@login_required
@require_POST
@answers_refusals
def verification(request: AuthedRequest, slug: str) -> HttpResponse:
    """Ask the operators for the verified mark."""
    community, standing = _community(request, slug, Action.REQUEST_VERIFICATION)
    form = forms.VerificationForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, community, standing, verification_form=form, status=400)
    try:
        actions.request_verification(actor=request.user, community=community, **form.cleaned_data)
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _settings_page(request, community, standing, verification_form=form, status=status)
    messages.success(request, _("Your request has been sent to the operators."))
    return redirect("communities:settings", community.slug)


# --- wiki --------------------------------------------------------------------------------------


@require_GET
@answers_refusals
def wiki_page(request: HttpRequest, slug: str, page: str) -> HttpResponse:
    """One page of the community's wiki."""
    community, standing = _community(request, slug, Action.VIEW_CONTENT)
    return render(
        request,
        "communities/wiki_page.html",
        {
            **page_context(community, standing, "wiki"),
            "page": selectors.wiki_page_in(community, page),
            "wiki_menu": selectors.wiki_menu(community),
            "may_edit": _may(community, standing, Action.EDIT_WIKI),
        },
    )


def _save_wiki(
    request: AuthedRequest, community: Community, standing: Standing, existing: WikiPage | None
) -> HttpResponse:
    if existing is not None and request.method == "GET":
        initial = {"title": existing.title, "body": existing.body, "position": existing.position}
        form = forms.WikiPageForm(initial=initial, editing=True)
    else:
        form = forms.WikiPageForm(request.POST or None, editing=existing is not None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = actions.save_wiki_page(
                    actor=request.user,
                    community=community,
                    slug=existing.slug if existing else form.cleaned_data["slug"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    position=form.cleaned_data["position"],
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("The page has been saved."))
                return redirect("communities:wiki", community.slug, saved.slug)
        else:
            status = 400
    return render(
        request,
        "communities/wiki_form.html",
        {**page_context(community, standing, "wiki"), "form": form, "page": existing},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def wiki_new(request: AuthedRequest, slug: str) -> HttpResponse:
    """Add a page to the wiki menu."""
    community, standing = _community(request, slug, Action.EDIT_WIKI)
    return _save_wiki(request, community, standing, None)


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def wiki_edit(request: AuthedRequest, slug: str, page: str) -> HttpResponse:
    """Edit a wiki page."""
    community, standing = _community(request, slug, Action.EDIT_WIKI)
    return _save_wiki(request, community, standing, selectors.wiki_page_in(community, page))


@login_required
@require_POST
@answers_refusals
def wiki_delete(request: AuthedRequest, slug: str, page: str) -> HttpResponse:
    """Remove a wiki page."""
    community, _standing = _community(request, slug, Action.EDIT_WIKI)
    actions.delete_wiki_page(actor=request.user, community=community, slug=page)
    messages.info(request, _("The page has been deleted."))
    return redirect("communities:home", community.slug)
