"""Members and their join sources, join requests, invitations and blocks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communa.accounts.http import AuthedRequest
from communa.accounts.models import User
from communa.communities import actions, forms, selectors
from communa.communities.models import (
    Community,
    JoinSource,
)
from communa.communities.permissions import (
    Action,
    Standing,
    outranks,
)
from communa.communities.views._shared import (
    _community,
    _may,
    _next_link,
    page_context,
)
from communa.core.badges import attach_badges
from communa.core.conf import int_setting
from communa.core.errors import DomainError
from communa.core.http import client_ip
from communa.core.web import answers_refusals, cursor_of, show_error_on_form

# --- members, requests, invitations, blocks ------------------------------------------------------


@require_GET
@answers_refusals
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """Members, newest first, a page at a time; moderators can block from here."""
    community, standing = _community(request, slug, Action.VIEW_CONTENT)
    page = selectors.members_page(community, cursor=cursor_of(request))
    may_block = _may(community, standing, Action.BLOCK_MEMBERS)
    # The members' badges beside their names (R6.3): one question for the page, none where no
    # badge was ever given.
    attach_badges(
        page.items,
        community_of=lambda _row: community.pk if community.shows_badges else None,
        user_of=lambda membership: membership.user_id,
        attribute="badges",
    )
    rows = [
        {
            "membership": membership,
            "badges": membership.badges,  # type: ignore[attr-defined]
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
