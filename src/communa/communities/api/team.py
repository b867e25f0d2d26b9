"""The team, its roles and the handover of ownership."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Status

from communa.accounts import selectors as accounts_selectors
from communa.accounts.http import AuthedRequest
from communa.accounts.models import User
from communa.communities import actions, selectors
from communa.communities.api.conversions import (
    renamed_fields,
    team_member_out,
    transfer_out,
    user_named,
)
from communa.communities.api.routers import router
from communa.communities.api.schemas import (
    RoleIn,
    TeamMemberOut,
    TeamOut,
    TransferIn,
    TransferOut,
)
from communa.communities.models import (
    Community,
    OwnershipTransfer,
    Role,
)
from communa.communities.permissions import (
    Action,
    matrix_rows,
)
from communa.core.errors import NotFound, ValidationFailed

OPERATION_ID_PREFIX = "communa_communities_api"


# --- team and ownership ---------------------------------------------------------------------

TEAM_COLUMNS = [Role.OWNER, Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.ANALYST, Role.MEMBER]


@router.get("/{slug}/team", response=TeamOut)
def team(request: AuthedRequest, slug: str) -> dict[str, Any]:
    """The team and the role × action table for this community's privacy."""
    community, _standing = selectors.community_for(request.auth, slug, Action.VIEW_TEAM)
    rows = matrix_rows(community.privacy)
    return {
        "members": [team_member_out(m) for m in selectors.team_of(community)],
        "columns": [str(role.value) for role in TEAM_COLUMNS],
        "matrix": [
            {"action": action.value, "label": label, "allowed": flags}
            for action, (label, flags) in zip(Action, rows, strict=True)
        ],
    }


@router.put("/{slug}/team/{username}", response=TeamMemberOut)
def set_role(request: AuthedRequest, slug: str, username: str, payload: RoleIn) -> Any:
    """Give a member a team role, or take it away with `member`."""
    community, _standing = selectors.community_for(request.auth, slug, Action.MANAGE_TEAM)
    person = accounts_selectors.user_named(username)
    if person is None:
        raise NotFound
    try:
        membership = actions.set_member_role(
            actor=request.auth, community=community, user=person, role=payload.role
        )
    except ValidationFailed as exc:
        raise renamed_fields(exc, {"user": "username"}) from exc
    membership.user = person
    return team_member_out(membership)


def _transfer_seen_by(actor: User, community: Community) -> OwnershipTransfer:
    transfer = selectors.pending_transfer(community)
    if transfer is None or actor.pk not in {transfer.from_user_id, transfer.to_user_id}:
        raise NotFound(_("No handover of ownership is pending."))
    return transfer


@router.post("/{slug}/transfer", response={201: TransferOut})
def transfer(request: AuthedRequest, slug: str, payload: TransferIn) -> Status:
    """Hand ownership to a member; it takes effect after 14 days unless cancelled."""
    community, _standing = selectors.community_for(request.auth, slug, Action.TRANSFER_OWNERSHIP)
    try:
        found = actions.request_ownership_transfer(
            actor=request.auth, community=community, to_user=user_named(payload.username)
        )
    except ValidationFailed as exc:
        raise renamed_fields(exc, {"user": "username"}) from exc
    return Status(201, transfer_out(found))


@router.get("/{slug}/transfer", response=TransferOut)
def pending_handover(request: AuthedRequest, slug: str) -> dict[str, Any]:
    """The pending handover, to its owner and its recipient."""
    community, _standing = selectors.community_for(request.auth, slug, Action.SEE)
    return transfer_out(_transfer_seen_by(request.auth, community))


@router.delete("/{slug}/transfer", response={204: None})
def cancel_handover(request: AuthedRequest, slug: str) -> Status:
    """Cancel the pending handover (the owner or the recipient)."""
    community, _standing = selectors.community_for(request.auth, slug, Action.SEE)
    actions.cancel_ownership_transfer(
        actor=request.auth, transfer=_transfer_seen_by(request.auth, community)
    )
    return Status(204, None)
