"""The community home, joining, asking to join, leaving, the subscribe widget."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communa.accounts.http import AuthedRequest
from communa.communities import actions, forms, selectors
from communa.communities.cover import read_cover
from communa.communities.models import (
    Community,
    Kind,
    Privacy,
)
from communa.communities.permissions import (
    MEMBERS,
    Action,
    Relation,
    Standing,
)
from communa.communities.views._shared import (
    _community,
    _may,
    page_context,
)
from communa.core.errors import DomainError
from communa.core.fragments import kept_page, render_page, row_values, visitor_page_key
from communa.core.http import client_ip
from communa.core.web import answers_refusals, show_error_on_form

# --- the community home and joining --------------------------------------------------------


def _membership_context(
    request: HttpRequest,
    community: Community,
    standing: Standing,
    *,
    join_form: forms.JoinForm | None = None,
    ask_form: forms.AskToJoinForm | None = None,
) -> dict[str, Any]:
    relation = standing.relation
    return {
        **page_context(community, standing, "home"),
        "is_member": relation in MEMBERS,
        "may_join": relation in {Relation.NON_MEMBER, Relation.ANONYMOUS}
        and community.privacy == Privacy.OPEN,
        "may_ask": relation in {Relation.NON_MEMBER, Relation.ANONYMOUS}
        and community.privacy == Privacy.CLOSED,
        "may_leave": _may(community, standing, Action.LEAVE),
        "pending_request": selectors.has_pending_request(community, request.user),
        "join_form": join_form or forms.JoinForm.from_link(request.GET),
        "ask_form": ask_form or forms.AskToJoinForm.from_link(request.GET),
        "login_url": f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}",
    }


# What a visitor's home is rendered from: a kept page's key names them, so that a deploy that
# changes one gives the page another key (tests/communities/test_kept_home.py checks the list).
HOME_TEMPLATES = (
    "communities/home.html",
    "web/base.html",
    "web/_page.html",
    "communities/_identity.html",
    "communities/_team_nav.html",
    "communities/_membership.html",
    "moderation/playbook_notice.html",
    "walls/_board_nav.html",
    "engagement/_nav.html",
)


@require_GET
@answers_refusals
def home(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's page: profile, menu, and the buttons the person's standing allows.

    A visitor's page is the same for every visitor: it is kept whole (`core.fragments`) under a
    key naming all it shows, read as plain values: the community's row, its menu, and what
    other apps show on its cover (`communities.cover`, read before rendering; the page's tags
    take them from there). An event's home is never kept: its attendance box counts live."""
    community, standing = _community(request, slug)
    sees_content = _may(community, standing, Action.VIEW_CONTENT)
    wiki_menu = selectors.wiki_menu(community) if sees_content else []
    cover = read_cover(request.user, community, standing)
    key = None
    if community.kind != Kind.EVENT:
        menu = tuple((page.pk, page.title, page.slug) for page in wiki_menu)
        made_of = (row_values(community), menu, tuple(cover.items()))
        key = visitor_page_key(request, "community-home", made_of, HOME_TEMPLATES)
    kept = kept_page(request, key)
    if kept is not None:
        return kept
    context = _membership_context(request, community, standing)
    context["sees_content"] = sees_content
    context["wiki_menu"] = wiki_menu
    context["may_edit_wiki"] = _may(community, standing, Action.EDIT_WIKI)
    context["cover"] = cover
    return render_page(request, key, "communities/home.html", context)


def _join_page(
    request: HttpRequest,
    community: Community,
    standing: Standing,
    *,
    status: int = 200,
    **forms_: Any,
) -> HttpResponse:
    context = _membership_context(request, community, standing, **forms_)
    return render(request, "communities/join.html", context, status=status)


@require_http_methods(["GET", "POST"])
@answers_refusals
def join(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: confirm joining (the target of widgets and shared links); POST: join."""
    community, standing = _community(request, slug)
    if request.method == "GET":
        return _join_page(request, community, standing)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = forms.JoinForm(request.POST)
    if not form.is_valid():
        return _join_page(request, community, standing, join_form=form, status=400)
    try:
        actions.join_community(
            actor=request.user,
            community=community,
            source=form.cleaned_data["source"],
            utm=form.utm(),
            ip=client_ip(request),
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _join_page(request, community, standing, join_form=form, status=status)
    messages.success(request, _("You have joined “%(name)s”.") % {"name": community.name})
    return redirect("communities:home", community.slug)


@login_required
@require_POST
@answers_refusals
def ask(request: AuthedRequest, slug: str) -> HttpResponse:
    """Ask to join a closed community, with an optional message for the moderators."""
    community, standing = _community(request, slug)
    form = forms.AskToJoinForm(request.POST)
    if not form.is_valid():
        return _join_page(request, community, standing, ask_form=form, status=400)
    try:
        actions.request_to_join(
            actor=request.user,
            community=community,
            message=form.cleaned_data["message"],
            source=form.cleaned_data["source"],
            utm=form.utm(),
            ip=client_ip(request),
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _join_page(request, community, standing, ask_form=form, status=status)
    messages.success(request, _("Your request has been sent to the moderators."))
    return redirect("communities:home", community.slug)


@login_required
@require_POST
@answers_refusals
def cancel_request(request: AuthedRequest, slug: str) -> HttpResponse:
    """Withdraw my pending request to join."""
    community, _standing = _community(request, slug)
    try:
        actions.cancel_join_request(actor=request.user, community=community)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, _("Your request to join has been withdrawn."))
    return redirect("communities:home", community.slug)


@login_required
@require_POST
@answers_refusals
def leave(request: AuthedRequest, slug: str) -> HttpResponse:
    """Leave the community."""
    community, _standing = _community(request, slug)
    try:
        actions.leave_community(actor=request.user, community=community)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("communities:home", community.slug)
    messages.info(request, _("You have left “%(name)s”.") % {"name": community.name})
    if community.privacy == Privacy.PRIVATE:
        return redirect("communities:mine")
    return redirect("communities:home", community.slug)


@require_GET
@xframe_options_exempt
@answers_refusals
def widget(request: HttpRequest, slug: str) -> HttpResponse:
    """The subscribe widget other sites embed in an iframe; joins through it count as 'widget'."""
    community, _standing = _community(request, slug)
    if community.privacy == Privacy.PRIVATE:
        raise Http404
    join_url = request.build_absolute_uri(reverse("communities:join", args=[community.slug]))
    return render(
        request,
        "communities/widget.html",
        {"community": community, "join_url": f"{join_url}?src=widget"},
    )
