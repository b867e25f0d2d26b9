"""Search and catalog, creating a community, my communities, the manage area's home and the
team's dashboard."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communa.accounts.http import AuthedRequest
from communa.communities import actions, forms, manage, selectors
from communa.communities.models import Community
from communa.communities.views._shared import (
    _community,
    page_context,
)
from communa.core.errors import DomainError, NotFound, PermissionRefused
from communa.core.fragments import render_kept
from communa.core.web import answers_refusals, back_to, show_error_on_form

# --- search, catalog, creation, my communities -------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Search communities by name and description, and browse the catalog."""
    form = forms.SearchForm(request.GET)
    results, next_link, status = None, None, 200
    if form.is_valid() and form.cleaned_data["q"].strip():
        try:
            page = selectors.search_communities(
                request.user,
                form.cleaned_data["q"],
                cursor=form.cleaned_data["cursor"] or None,
                only=selectors.CARD_COLUMNS,
            )
        except DomainError as exc:
            status = show_error_on_form(form, exc)
        else:
            results = page.items
            if page.next_cursor:
                query = urlencode({"q": form.cleaned_data["q"], "cursor": page.next_cursor})
                next_link = f"?{query}"
    catalog = selectors.catalog(only=selectors.CARD_COLUMNS)
    return render(
        request,
        "communities/index.html",
        {
            "form": form,
            "results": results,
            "result_cards": _cards(results or [], src="search"),
            "next_link": next_link,
            "catalog": catalog,
            "catalog_cards": _cards(catalog, src="catalog"),
        },
        status=status,
    )


def _card_values(community: Community) -> tuple[Any, ...]:
    """All a community's card shows of its row (communities/_card.html)."""
    return (
        community.pk,
        community.slug,
        community.name,
        community.avatar.name,
        community.verified,
        community.category,
        community.privacy,
        community.member_count,
        community.description,
    )


def _cards(communities: list[Community], *, src: str) -> SafeString:
    """The communities' cards, each rendered once for every visitor and kept (core.fragments):
    30 cards rendered for each search cost more than the search. Joined here: shown by the
    page's template one by one, each card was a variable rendered (a fifth of the page)."""
    cards = render_kept(
        "communities/_card.html",
        communities,
        values=_card_values,
        context=lambda community: {"community": community, "src": src},
        variant=(src,),
    )
    return mark_safe("".join(cards))  # noqa: S308 — our template's output, kept


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthedRequest) -> HttpResponse:
    """Create a community; its creator becomes the owner."""
    form = forms.CreateCommunityForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            try:
                community = actions.create_community(
                    actor=request.user, data=form.changes(kind=kind)
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(
                    request, _("“%(name)s” has been created.") % {"name": community.name}
                )
                return redirect("communities:home", community.slug)
        else:
            status = 400
    return render(request, "communities/create.html", {"form": form}, status=status)


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    """My communities and roles, invitations waiting for me, and handovers I give or receive."""
    return render(
        request,
        "communities/mine.html",
        {
            "memberships": selectors.communities_of(request.user),
            "invitations": selectors.invitations_for(request.user),
            "transfers": selectors.transfers_for(request.user),
        },
    )


@login_required
@require_POST
@answers_refusals
def respond_invitation(request: AuthedRequest, invitation_id: int) -> HttpResponse:
    """Accept (join) or decline an invitation addressed to me."""
    invitation = selectors.invitation_of(request.user, invitation_id)
    form = forms.AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to decline the invitation."))
        return redirect("communities:mine")
    accept = form.cleaned_data["answer"] == "accept"
    community = invitation.community
    try:
        actions.respond_to_invitation(actor=request.user, invitation=invitation, accept=accept)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("communities:mine")
    if accept:
        messages.success(request, _("Welcome to “%(name)s”.") % {"name": community.name})
        return redirect("communities:home", community.slug)
    messages.info(
        request, _("You declined the invitation to “%(name)s”.") % {"name": community.name}
    )
    return redirect("communities:mine")


@login_required
@require_POST
@answers_refusals
def cancel_transfer(request: AuthedRequest, transfer_id: int) -> HttpResponse:
    """Cancel a pending ownership handover: its giver or its recipient."""
    transfer = selectors.transfer_by_id(transfer_id)
    try:
        actions.cancel_ownership_transfer(actor=request.user, transfer=transfer)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The handover of ownership has been cancelled."))
    return back_to(request, reverse("communities:mine"))


# --- the manage area and the team's dashboard ---------------------------------------------------


@login_required
@require_GET
@answers_refusals
def manage_home(request: AuthedRequest, slug: str) -> HttpResponse:
    """The manage area's landing page: what waits for this person, and every page they may open."""
    community, standing = _community(request, slug)
    if not manage.may_manage(standing):
        raise PermissionRefused(_("Only the community's team opens its manage area."))
    context = page_context(community, standing, "manage")
    context["waiting"] = manage.waiting_items(community, standing, context["manage_counts"])
    return render(request, "communities/manage.html", context)


@login_required
@require_GET
def start(request: AuthedRequest) -> HttpResponse:
    """Where a person lands after logging in: the team's dashboard, or else the feed."""
    if selectors.managed_by(request.user).exists():
        return redirect("communities:dashboard")
    return redirect("walls:feed")


@login_required
@require_GET
def dashboard(request: AuthedRequest) -> HttpResponse:
    """What waits for me in every community I help run: counts and links per community."""
    return render(
        request, "communities/dashboard.html", {"rows": manage.dashboard_of(request.user)}
    )
