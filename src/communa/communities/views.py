"""Community pages: search and catalog, creation, the community home, membership and team pages.

Each view parses its input with a form and calls the actions and selectors; a community the
person may not see answers the same 404 as one that does not exist (`selectors.community_for`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communa.accounts.http import AuthedRequest
from communa.accounts.models import User
from communa.communities import actions, forms, manage, selectors
from communa.communities.models import (
    Community,
    JoinSource,
    Kind,
    Privacy,
    Role,
    WikiPage,
)
from communa.communities.permissions import (
    MEMBERS,
    Action,
    Relation,
    Standing,
    can,
    matrix_rows,
    outranks,
)
from communa.core.conf import int_setting
from communa.core.errors import DomainError, NotFound, PermissionRefused
from communa.core.http import client_ip
from communa.core.pagination import next_page_link
from communa.core.web import answers_refusals, back_to, cursor_of, show_error_on_form

View = Callable[..., HttpResponse]
MATRIX_COLUMNS = [Role.OWNER, Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.ANALYST, Role.MEMBER]


def _community(
    request: HttpRequest, slug: str, action: Action = Action.SEE
) -> tuple[Community, Standing]:
    return selectors.community_for(request.user, slug, action)


def _may(community: Community, standing: Standing, action: Action) -> bool:
    return can(None, action, community, standing=standing)


def _home_url(community: Community) -> str:
    return reverse("communities:home", args=[community.slug])


def _flat_links(community: Community, standing: Standing) -> list[tuple[str, str, str]]:
    """For people outside the team: the few pages they may open, as plain tabs."""
    return [
        (entry.current, entry.label, entry.url)
        for section in manage.sections(community, standing, counts={})
        for entry in section.entries
    ]


def page_context(community: Community, standing: Standing, current: str) -> dict[str, Any]:
    """What every page of one community needs: the community, the viewer's standing, the tabs.

    The team sees "Home · Manage" on the community's own pages, and the manage area's grouped
    navigation (with what waits, read in one statement) on its pages; others see plain tabs.
    """
    context: dict[str, Any] = {
        "community": community,
        "standing": standing,
        "current": current,
        "manages": False,
        "team_links": [],
        "manage_sections": [],
        "manage_section": None,
    }
    if not manage.may_manage(standing):
        context["team_links"] = _flat_links(community, standing)
        return context
    context["manages"] = True
    pages = {page.current for page in manage.visible_pages(community, standing)}
    if current == "manage" or current in pages:
        counts = manage.counts_for(community, standing)
        found = manage.sections(community, standing, counts=counts)
        context["manage_counts"] = counts
        context["manage_sections"] = found
        context["manage_section"] = next(
            (s for s in found if any(e.current == current for e in s.entries)), None
        )
    return context


def _next_link(request: HttpRequest, cursor: str | None) -> str | None:
    return next_page_link(request, cursor)


# --- search, catalog, creation, my communities -------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Search communities by name and description, and browse the catalog."""
    form = forms.SearchForm(request.GET)
    results, next_link, status = None, None, 200
    if form.is_valid() and form.cleaned_data["q"].strip():
        try:
            page = selectors.search_communities(
                request.user, form.cleaned_data["q"], cursor=form.cleaned_data["cursor"] or None
            )
        except DomainError as exc:
            status = show_error_on_form(form, exc)
        else:
            results = page.items
            if page.next_cursor:
                query = urlencode({"q": form.cleaned_data["q"], "cursor": page.next_cursor})
                next_link = f"?{query}"
    return render(
        request,
        "communities/index.html",
        {
            "form": form,
            "results": results,
            "next_link": next_link,
            "catalog": selectors.catalog(),
        },
        status=status,
    )


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


@require_GET
@answers_refusals
def home(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's page: profile, menu, and the buttons the person's standing allows."""
    community, standing = _community(request, slug)
    context = _membership_context(request, community, standing)
    context["sees_content"] = _may(community, standing, Action.VIEW_CONTENT)
    context["wiki_menu"] = selectors.wiki_menu(community) if context["sees_content"] else []
    context["may_edit_wiki"] = _may(community, standing, Action.EDIT_WIKI)
    return render(request, "communities/home.html", context)


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


# --- members, requests, invitations, blocks ------------------------------------------------------


@require_GET
@answers_refusals
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """Members, newest first, a page at a time; moderators can block from here."""
    community, standing = _community(request, slug, Action.VIEW_CONTENT)
    page = selectors.members_page(community, cursor=cursor_of(request))
    may_block = _may(community, standing, Action.BLOCK_MEMBERS)
    rows = [
        {
            "membership": membership,
            "blockable": may_block
            and membership.user_id != request.user.pk
            and outranks(standing, membership.role),
        }
        for membership in page.items
    ]
    return render(
        request,
        "communities/members.html",
        {
            **page_context(community, standing, "members"),
            "rows": rows,
            "next_link": _next_link(request, page.next_cursor),
            "shows_source": _may(community, standing, Action.VIEW_STATISTICS),
            "may_block": may_block,
            "block_form": forms.BlockForm(),
        },
    )


@login_required
@require_GET
@answers_refusals
def member_sources(request: HttpRequest, slug: str) -> HttpResponse:
    """How many members came from each join source (R3.4): the statistics team's page."""
    community, standing = _community(request, slug, Action.VIEW_STATISTICS)
    counts = selectors.member_sources(community)
    labels = dict(JoinSource.choices)
    return render(
        request,
        "communities/member_sources.html",
        {
            **page_context(community, standing, "member_sources"),
            "sources": [(labels.get(source, source), count) for source, count in counts],
            "total": sum(count for _source, count in counts),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def block(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    """Block a person with a reason and an optional end."""
    community, standing = _community(request, slug, Action.BLOCK_MEMBERS)
    person = get_object_or_404(User, pk=user_id)
    form = forms.BlockForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.block_member(
                    actor=request.user,
                    community=community,
                    user=person,
                    reason=form.cleaned_data["reason"],
                    ends_at=form.cleaned_data["ends_at"],
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(
                    request, _("%(name)s has been blocked.") % {"name": person.shown_name}
                )
                return redirect("communities:members", community.slug)
        else:
            status = 400
    return render(
        request,
        "communities/block.html",
        {**page_context(community, standing, "members"), "person": person, "form": form},
        status=status,
    )


@login_required
@require_GET
@answers_refusals
def requests(request: AuthedRequest, slug: str) -> HttpResponse:
    """Pending join requests, oldest first, with approve and reject buttons."""
    community, standing = _community(request, slug, Action.REVIEW_REQUESTS)
    page = selectors.join_requests_page(community, cursor=cursor_of(request))
    return render(
        request,
        "communities/requests.html",
        {
            **page_context(community, standing, "requests"),
            "join_requests": page.items,
            "next_link": _next_link(request, page.next_cursor),
        },
    )


@login_required
@require_POST
@answers_refusals
def decide_request(request: AuthedRequest, slug: str, request_id: int) -> HttpResponse:
    """Approve or reject one join request."""
    community, _standing = _community(request, slug, Action.REVIEW_REQUESTS)
    join_request = selectors.join_request_in(community, request_id)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to reject the request."))
        return redirect("communities:requests", community.slug)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        actions.decide_join_request(
            actor=request.user,
            join_request=join_request,
            approve=approve,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        name = join_request.user.shown_name
        if approve:
            messages.success(request, _("%(name)s is now a member.") % {"name": name})
        else:
            messages.info(request, _("The request of %(name)s was rejected.") % {"name": name})
    return redirect("communities:requests", community.slug)


def _invite_page(
    request: AuthedRequest,
    community: Community,
    standing: Standing,
    *,
    form: forms.InviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    sees_all = _may(community, standing, Action.REVIEW_REQUESTS)
    # Members who may invite see and withdraw their own invitations; moderators see them all.
    page = selectors.invitations_sent(
        community, cursor=cursor_of(request), inviter=None if sees_all else request.user
    )
    pending = page.items
    left, resets = actions.invitation_quota(request.user)
    return render(
        request,
        "communities/invite.html",
        {
            **page_context(community, standing, "invite"),
            "form": form or forms.InviteForm(),
            "left": left,
            "limit": int_setting("INVITATIONS_PER_DAY"),
            "resets": resets,
            "pending": pending,
            "next_link": _next_link(request, page.next_cursor),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def invite(request: AuthedRequest, slug: str) -> HttpResponse:
    """Invite people by username, within the daily quota."""
    community, standing = _community(request, slug, Action.INVITE)
    if request.method == "GET":
        return _invite_page(request, community, standing)
    form = forms.InviteForm(request.POST)
    if not form.is_valid():
        return _invite_page(request, community, standing, form=form, status=400)
    try:
        sent = actions.invite_to_community(
            actor=request.user,
            community=community,
            invitees=form.cleaned_data["usernames"],
            ip=client_ip(request),
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _invite_page(request, community, standing, form=form, status=status)
    messages.success(request, _("Invitations sent: %(n)d.") % {"n": len(sent)})
    return redirect("communities:invite", community.slug)


@login_required
@require_POST
@answers_refusals
def cancel_invitation(request: AuthedRequest, slug: str, invitation_id: int) -> HttpResponse:
    """Withdraw an invitation (its sender, or a moderator and above)."""
    community, _standing = _community(request, slug, Action.INVITE)
    invitation = selectors.invitation_in(community, invitation_id)
    try:
        actions.cancel_invitation(actor=request.user, invitation=invitation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, _("The invitation has been withdrawn."))
    return redirect("communities:invite", community.slug)


@login_required
@require_GET
@answers_refusals
def blocks(request: AuthedRequest, slug: str) -> HttpResponse:
    """Blocked people with the reason, who blocked them and until when."""
    community, standing = _community(request, slug, Action.BLOCK_MEMBERS)
    page = selectors.blocks_page(community, cursor=cursor_of(request))
    return render(
        request,
        "communities/blocks.html",
        {
            **page_context(community, standing, "blocks"),
            "blocks": page.items,
            "now": timezone.now(),
            "next_link": _next_link(request, page.next_cursor),
        },
    )


@login_required
@require_POST
@answers_refusals
def unblock(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    """Lift a block; the person may join or ask again."""
    community, _standing = _community(request, slug, Action.BLOCK_MEMBERS)
    person = get_object_or_404(User, pk=user_id)
    try:
        actions.unblock_member(actor=request.user, community=community, user=person)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s has been unblocked.") % {"name": person.shown_name})
    return redirect("communities:blocks", community.slug)


# --- the team --------------------------------------------------------------------------------


def _team_page(
    request: AuthedRequest,
    community: Community,
    standing: Standing,
    *,
    role_form: forms.RoleForm | None = None,
    handover_form: forms.HandoverForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_owner = standing.relation == Relation.OWNER
    team = selectors.team_of(community)
    role_choices = forms.RoleForm(may_appoint_admins=is_owner).role_choices
    rows = [
        {
            "membership": membership,
            # The owner's role changes only by a handover; only the owner moves administrators.
            "editable": membership.role != Role.OWNER
            and (is_owner or membership.role != Role.ADMIN)
            and _may(community, standing, Action.MANAGE_TEAM),
        }
        for membership in team
    ]
    return render(
        request,
        "communities/team.html",
        {
            **page_context(community, standing, "team"),
            "rows": rows,
            "role_choices": role_choices,
            "may_manage": _may(community, standing, Action.MANAGE_TEAM),
            "role_form": role_form or forms.RoleForm(may_appoint_admins=is_owner),
            "matrix_columns": [role.label for role in MATRIX_COLUMNS],
            "matrix_rows": matrix_rows(community.privacy),
            "may_transfer": _may(community, standing, Action.TRANSFER_OWNERSHIP),
            "handover_form": handover_form
            or forms.HandoverForm(days=int_setting("OWNERSHIP_TRANSFER_DAYS")),
            "transfer": selectors.pending_transfer(community),
        },
        status=status,
    )


@login_required
@require_GET
@answers_refusals
def team(request: AuthedRequest, slug: str) -> HttpResponse:
    """The team with roles, the role × action table, and the ownership handover."""
    community, standing = _community(request, slug, Action.VIEW_TEAM)
    return _team_page(request, community, standing)


@login_required
@require_POST
@answers_refusals
def set_role(request: AuthedRequest, slug: str) -> HttpResponse:
    """Give a member a team role, or take it back."""
    community, standing = _community(request, slug, Action.VIEW_TEAM)
    form = forms.RoleForm(request.POST, may_appoint_admins=standing.relation == Relation.OWNER)
    if not form.is_valid():
        return _team_page(request, community, standing, role_form=form, status=400)
    person = form.cleaned_data["user"]
    try:
        membership = actions.set_member_role(
            actor=request.user, community=community, user=person, role=form.cleaned_data["role"]
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _team_page(request, community, standing, role_form=form, status=status)
    messages.success(
        request,
        _("%(name)s is now: %(role)s.")
        % {"name": person.shown_name, "role": membership.get_role_display()},
    )
    return redirect("communities:team", community.slug)


@login_required
@require_POST
@answers_refusals
def handover(request: AuthedRequest, slug: str) -> HttpResponse:
    """Start handing ownership to a member."""
    community, standing = _community(request, slug, Action.VIEW_TEAM)
    form = forms.HandoverForm(request.POST, days=int_setting("OWNERSHIP_TRANSFER_DAYS"))
    if not form.is_valid():
        return _team_page(request, community, standing, handover_form=form, status=400)
    try:
        actions.request_ownership_transfer(
            actor=request.user, community=community, to_user=form.cleaned_data["user"]
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _team_page(request, community, standing, handover_form=form, status=status)
    messages.success(request, _("The handover of ownership has started."))
    return redirect("communities:team", community.slug)


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
