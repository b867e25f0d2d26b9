"""Rows into the communities API's answers, and the helpers its endpoints share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status

from communa.accounts import selectors as accounts_selectors
from communa.accounts.models import User
from communa.communities import actions
from communa.communities.api.schemas import (
    CommunityOut,
)
from communa.communities.models import (
    Block,
    Community,
    Invitation,
    JoinRequest,
    Membership,
    OwnershipTransfer,
)
from communa.core.errors import ValidationFailed

# --- conversions ----------------------------------------------------------------------------


COMMUNITY_FIELDS = [
    name for name in CommunityOut.model_fields if name not in {"avatar_url", "cover_url"}
]


def community_out(community: Community) -> dict[str, Any]:
    return {
        **{name: getattr(community, name) for name in COMMUNITY_FIELDS},
        "avatar_url": community.avatar.url if community.avatar else None,
        "cover_url": community.cover.url if community.cover else None,
    }


def transfer_out(transfer: OwnershipTransfer) -> dict[str, Any]:
    return {
        "from_username": transfer.from_user.username,
        "to_username": transfer.to_user.username,
        "state": transfer.state,
        "requested_at": transfer.requested_at,
        "effective_at": transfer.effective_at,
    }


def member_out(membership: Membership, *, team_view: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "username": membership.user.username,
        "display_name": membership.user.display_name,
        "role": membership.role,
        "joined_at": membership.joined_at,
    }
    if team_view:
        out["source"] = membership.source
        out["utm"] = {
            name: getattr(membership, name)
            for name in actions.UTM_FIELDS
            if getattr(membership, name)
        }
    return out


def my_community_out(membership: Membership) -> dict[str, Any]:
    community = membership.community
    return {
        "community": {
            "slug": community.slug,
            "name": community.name,
            "kind": community.kind,
            "privacy": community.privacy,
            "member_count": community.member_count,
            "avatar_url": community.avatar.url if community.avatar else None,
        },
        "role": membership.role,
        "joined_at": membership.joined_at,
    }


def request_out(join_request: JoinRequest) -> dict[str, Any]:
    return {
        "id": join_request.pk,
        "username": join_request.user.username,
        "display_name": join_request.user.display_name,
        "message": join_request.message,
        "status": join_request.status,
        "source": join_request.source,
        "utm": join_request.utm or {},
        "created_at": join_request.created_at,
        "decided_at": join_request.decided_at,
        "reason": join_request.reason,
    }


def invitation_out(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "community": {"slug": invitation.community.slug, "name": invitation.community.name},
        "inviter": invitation.inviter.username,
        "invitee": invitation.invitee.username,
        "status": invitation.status,
        "created_at": invitation.created_at,
    }


def block_out(block: Block) -> dict[str, Any]:
    return {
        "username": block.user.username,
        "reason": block.reason,
        "ends_at": block.ends_at,
        "created_at": block.created_at,
        "blocked_by": block.blocked_by.username if block.blocked_by else None,
    }


def team_member_out(membership: Membership) -> dict[str, Any]:
    return {
        "username": membership.user.username,
        "display_name": membership.user.display_name,
        "role": membership.role,
        "joined_at": membership.joined_at,
    }


def aware(moment: datetime | None) -> datetime | None:
    """A date without a time zone is read in the person's own zone (the active one)."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def with_aware_dates(data: dict[str, Any]) -> dict[str, Any]:
    return {
        name: aware(value) if isinstance(value, datetime) else value for name, value in data.items()
    }


def user_named(username: str, *, field: str = "username") -> User:
    """The account with this username (any case), or a 422 naming the field."""
    found = accounts_selectors.user_named(username)
    if found is None:
        raise ValidationFailed(
            fields={field: [_("Nobody is called “%(name)s”.") % {"name": username[:64]}]}
        )
    return found


def users_named(usernames: list[str]) -> list[User]:
    """Every named account in one query; a 422 lists the names that match nobody."""
    found, missing = accounts_selectors.users_named(usernames)
    if missing:
        raise ValidationFailed(
            fields={
                "usernames": [
                    _("Nobody is called: %(names)s.") % {"names": ", ".join(sorted(missing))}
                ]
            }
        )
    return found


def renamed_fields(exc: ValidationFailed, names: dict[str, str]) -> ValidationFailed:
    """The same refusal with the action's field names replaced by the names this API uses."""
    fields: dict[str, list[str]] = {}
    for name, reasons in exc.fields.items():
        fields.setdefault(names.get(name, name), []).extend(reasons)
    return ValidationFailed(exc.message, fields=fields)


def answer_invitation(actor: User, invitation: Invitation, *, accept: bool) -> Status:
    """Both routes of an invitation answer here: one action, one answer (docs/api.md)."""
    membership = actions.respond_to_invitation(actor=actor, invitation=invitation, accept=accept)
    if accept:
        return Status(201, member_out(membership, team_view=True))
    return Status(204, None)
