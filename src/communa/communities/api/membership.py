"""Joining, leaving, join requests, members, invitations and blocks."""

from __future__ import annotations

from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Status

from communa.accounts import selectors as accounts_selectors
from communa.accounts.authentication import VisitorRequest, anyone
from communa.accounts.http import AuthedRequest
from communa.communities import actions, selectors
from communa.communities.api.conversions import (
    answer_invitation,
    aware,
    block_out,
    invitation_out,
    member_out,
    renamed_fields,
    request_out,
    user_named,
    users_named,
)
from communa.communities.api.routers import router
from communa.communities.api.schemas import (
    BlockIn,
    BlockOut,
    InvitationOut,
    InviteIn,
    JoinIn,
    JoinRequestIn,
    JoinRequestOut,
    MemberOut,
    MemberSourcesOut,
    RejectIn,
    WidgetJoinIn,
    WidgetJoinOut,
)
from communa.communities.models import (
    Invitation,
    JoinSource,
    Privacy,
    RequestStatus,
    Role,
)
from communa.communities.permissions import (
    Action,
    Standing,
    can,
)
from communa.core.errors import NotFound, ValidationFailed
from communa.core.http import client_ip
from communa.core.schemas import Cursor, OneOf, Page, PageLimit

OPERATION_ID_PREFIX = "communa_communities_api"


# --- joining, leaving, requests -------------------------------------------------------------


@router.post("/{slug}/join", response={201: MemberOut})
def join(request: AuthedRequest, slug: str, payload: JoinIn | None = None) -> Status:
    """Join an open community (or accept your invitation), recording where you came from."""
    payload = payload or JoinIn()
    community, _standing = selectors.community_for(request.auth, slug, Action.SEE)
    membership = actions.join_community(
        actor=request.auth,
        community=community,
        source=payload.source,
        utm=payload.utm.model_dump() if payload.utm else None,
        ip=client_ip(request),
    )
    return Status(201, member_out(membership, team_view=True))


@router.post("/{slug}/widget/join", response={201: WidgetJoinOut})
def join_from_widget(
    request: AuthedRequest, slug: str, payload: WidgetJoinIn | None = None
) -> Status:
    """The subscribe widget's button (R3.5): join, or ask to join a closed community.

    The same actions as `/join` and `/requests`, with the source always `widget` (R3.4). Like
    the widget itself, a private community answers 404.
    """
    payload = payload or WidgetJoinIn()
    actor = request.auth
    community, standing = selectors.community_for(actor, slug, Action.SEE)
    if community.privacy == Privacy.PRIVATE:
        raise NotFound
    utm = payload.utm.model_dump() if payload.utm else None
    if can(actor, Action.REQUEST_JOIN, community, standing=standing):
        found = actions.request_to_join(
            actor=actor,
            community=community,
            message=payload.message,
            source=JoinSource.WIDGET,
            utm=utm,
            ip=client_ip(request),
        )
        return Status(201, {"outcome": "requested", "member": None, "request": request_out(found)})
    membership = actions.join_community(
        actor=actor, community=community, source=JoinSource.WIDGET, utm=utm, ip=client_ip(request)
    )
    return Status(
        201,
        {"outcome": "joined", "member": member_out(membership, team_view=True), "request": None},
    )


@router.post("/{slug}/leave", response={204: None})
def leave(request: AuthedRequest, slug: str) -> Status:
    """Leave the community (the owner hands over ownership first)."""
    community, _standing = selectors.community_for(request.auth, slug, Action.SEE)
    actions.leave_community(actor=request.auth, community=community)
    return Status(204, None)


@router.post("/{slug}/invitation/accept", response={201: MemberOut})
def accept_invitation_to(request: AuthedRequest, slug: str) -> Status:
    """Accept your pending invitation to this community: you join it.

    The canonical route, checked against the role × action table like `/join` and `/leave`.
    """
    _community, standing = selectors.community_for(request.auth, slug, Action.ACCEPT_INVITATION)
    return answer_invitation(request.auth, _invitation_of(standing), accept=True)


@router.post("/{slug}/invitation/decline", response={204: None})
def decline_invitation_to(request: AuthedRequest, slug: str) -> Status:
    """Decline your pending invitation to this community (the canonical route)."""
    _community, standing = selectors.community_for(request.auth, slug, Action.ACCEPT_INVITATION)
    return answer_invitation(request.auth, _invitation_of(standing), accept=False)


def _invitation_of(standing: Standing) -> Invitation:
    if standing.invitation is None:  # the table allows only the invited, who have one
        raise NotFound
    return standing.invitation


@router.post("/{slug}/requests", response={201: JoinRequestOut})
def ask_to_join(request: AuthedRequest, slug: str, payload: JoinRequestIn | None = None) -> Status:
    """Ask to join a closed community, with an optional message for the moderators."""
    payload = payload or JoinRequestIn()
    community, _standing = selectors.community_for(request.auth, slug, Action.SEE)
    found = actions.request_to_join(
        actor=request.auth,
        community=community,
        message=payload.message,
        source=payload.source,
        utm=payload.utm.model_dump() if payload.utm else None,
        ip=client_ip(request),
    )
    return Status(201, request_out(found))


@router.delete("/{slug}/requests/mine", response={204: None})
def cancel_my_request(request: AuthedRequest, slug: str) -> Status:
    """Withdraw your pending request to join."""
    community, _standing = selectors.community_for(request.auth, slug, Action.SEE)
    actions.cancel_join_request(actor=request.auth, community=community)
    return Status(204, None)


@router.get("/{slug}/requests", response=Page[JoinRequestOut])
def join_requests(
    request: AuthedRequest,
    slug: str,
    status: Annotated[str, OneOf(RequestStatus.values)] = RequestStatus.PENDING.value,
    cursor: Cursor = None,
    limit: PageLimit = None,
) -> dict[str, Any]:
    """Join requests of one status, oldest first (moderators and above)."""
    community, _standing = selectors.community_for(request.auth, slug, Action.REVIEW_REQUESTS)
    if status not in RequestStatus.values:
        raise ValidationFailed(
            fields={
                "status": [
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(RequestStatus.values)}
                ]
            }
        )
    page = selectors.join_requests_page(community, status=status, cursor=cursor, limit=limit)
    return {"items": [request_out(r) for r in page.items], "next_cursor": page.next_cursor}


@router.post("/{slug}/requests/{request_id}/approve", response=JoinRequestOut)
def approve_request(request: AuthedRequest, slug: str, request_id: int) -> dict[str, Any]:
    """Approve a request: the person becomes a member."""
    community, _standing = selectors.community_for(request.auth, slug, Action.REVIEW_REQUESTS)
    found = actions.decide_join_request(
        actor=request.auth,
        join_request=selectors.join_request_in(community, request_id),
        approve=True,
    )
    return request_out(found)


@router.post("/{slug}/requests/{request_id}/reject", response=JoinRequestOut)
def reject_request(
    request: AuthedRequest, slug: str, request_id: int, payload: RejectIn | None = None
) -> dict[str, Any]:
    """Reject a request, with an optional reason the person sees."""
    payload = payload or RejectIn()
    community, _standing = selectors.community_for(request.auth, slug, Action.REVIEW_REQUESTS)
    found = actions.decide_join_request(
        actor=request.auth,
        join_request=selectors.join_request_in(community, request_id),
        approve=False,
        reason=payload.reason,
    )
    return request_out(found)


# --- members --------------------------------------------------------------------------------


@router.get("/{slug}/members", auth=anyone, response=Page[MemberOut])
def members(
    request: VisitorRequest,
    slug: str,
    cursor: Cursor = None,
    limit: PageLimit = None,
    role: Annotated[str, OneOf([*Role.values, "team"])] | None = None,
) -> dict[str, Any]:
    """Members, newest first; `role` filters by a role or `team`. Join sources: team only."""
    community, standing = selectors.community_for(request.auth, slug, Action.VIEW_CONTENT)
    if role and role not in {*Role.values, "team"}:
        raise ValidationFailed(
            fields={
                "role": [
                    _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join([*Role.values, "team"])}
                ]
            }
        )
    # R2.5: where members came from is statistics (the analyst's and editor's), not moderation.
    team_view = can(request.auth, Action.VIEW_STATISTICS, community, standing=standing)
    page = selectors.members_page(community, cursor=cursor, limit=limit, role=role)
    return {
        "items": [member_out(m, team_view=team_view) for m in page.items],
        "next_cursor": page.next_cursor,
    }


@router.get("/{slug}/members/sources", response=MemberSourcesOut)
def member_sources(request: AuthedRequest, slug: str) -> dict[str, Any]:
    """How many members came from each join source (R3.4), most first (VIEW_STATISTICS)."""
    community, _standing = selectors.community_for(request.auth, slug, Action.VIEW_STATISTICS)
    counts = selectors.member_sources(community)
    return {
        "members": sum(count for _source, count in counts),
        "sources": [{"source": source, "members": count} for source, count in counts],
    }


# --- invitations ----------------------------------------------------------------------------


@router.post("/{slug}/invitations", response={201: list[InvitationOut]})
def invite(request: AuthedRequest, slug: str, payload: InviteIn) -> Status:
    """Invite people by username; each decides whether to join. Capped per day."""
    community, _standing = selectors.community_for(request.auth, slug, Action.INVITE)
    created = actions.invite_to_community(
        actor=request.auth,
        community=community,
        invitees=users_named(payload.usernames),
        ip=client_ip(request),
    )
    for invitation in created:
        invitation.community = community
    return Status(201, [invitation_out(i) for i in created])


@router.get("/{slug}/invitations", response=Page[InvitationOut])
def pending_invitations(
    request: AuthedRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """The community's pending invitations, newest first."""
    community, _standing = selectors.community_for(request.auth, slug, Action.INVITE)
    page = selectors.invitations_sent(community, cursor=cursor, limit=limit)
    for invitation in page.items:
        invitation.community = community
    return {"items": [invitation_out(i) for i in page.items], "next_cursor": page.next_cursor}


@router.delete("/{slug}/invitations/{invitation_id}", response={204: None})
def cancel_invitation(request: AuthedRequest, slug: str, invitation_id: int) -> Status:
    """Withdraw an invitation (its sender, or a moderator and above)."""
    community, _standing = selectors.community_for(request.auth, slug, Action.SEE)
    invitation = selectors.invitation_in(community, invitation_id)
    invitation.community = community
    actions.cancel_invitation(actor=request.auth, invitation=invitation)
    return Status(204, None)


# --- blocks ---------------------------------------------------------------------------------


@router.get("/{slug}/blocks", response=Page[BlockOut])
def blocks(
    request: AuthedRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """People blocked from the community, newest first."""
    community, _standing = selectors.community_for(request.auth, slug, Action.BLOCK_MEMBERS)
    page = selectors.blocks_page(community, cursor=cursor, limit=limit)
    return {"items": [block_out(b) for b in page.items], "next_cursor": page.next_cursor}


@router.post("/{slug}/blocks", response={201: BlockOut})
def block(request: AuthedRequest, slug: str, payload: BlockIn) -> Status:
    """Block a person with a reason and an optional end; a member is removed."""
    community, _standing = selectors.community_for(request.auth, slug, Action.BLOCK_MEMBERS)
    try:
        found = actions.block_member(
            actor=request.auth,
            community=community,
            user=user_named(payload.username),
            reason=payload.reason,
            ends_at=aware(payload.ends_at),
        )
    except ValidationFailed as exc:
        raise renamed_fields(exc, {"user": "username"}) from exc
    return Status(201, block_out(found))


@router.delete("/{slug}/blocks/{username}", response={204: None})
def unblock(request: AuthedRequest, slug: str, username: str) -> Status:
    """Lift a block; the person may join or ask again."""
    community, _standing = selectors.community_for(request.auth, slug, Action.BLOCK_MEMBERS)
    person = accounts_selectors.user_named(username)
    if person is None:
        raise NotFound(_("This person is not blocked."))
    actions.unblock_member(actor=request.auth, community=community, user=person)
    return Status(204, None)
