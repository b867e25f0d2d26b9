"""What the community actions share: the audit entry, join sources, adding and removing a member."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.models import User
from communa.communities.models import (
    Community,
    Invitation,
    InvitationStatus,
    JoinRequest,
    JoinSource,
    Membership,
    MembershipEvent,
    RequestStatus,
    Role,
)
from communa.core.audit import record_audit
from communa.core.errors import Conflict, ValidationFailed

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
TEAM_ROLES = (Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.ANALYST)


def _audit(
    actor: User | None, community: Community, action: str, target: Any = None, **values: Any
) -> None:
    record_audit(
        actor=actor,
        community=community,
        action=action,
        target=target,
        before=values.get("before"),
        after=values.get("after"),
    )


def _clean_utm(utm: dict[str, Any] | None) -> dict[str, str]:
    return {k: str(v)[:100] for k, v in (utm or {}).items() if k in UTM_FIELDS and v}


def _clean_source(source: str) -> str:
    if source not in JoinSource.values:
        raise ValidationFailed(
            fields={
                "source": [
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(JoinSource.values)}
                ]
            }
        )
    return source


def _add_member(
    community: Community,
    user: User,
    *,
    role: str = Role.MEMBER,
    source: str = JoinSource.DIRECT,
    utm: dict[str, str] | None = None,
) -> Membership:
    """Insert the membership and count it; the unique constraint settles concurrent joins."""
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                community=community, user=user, role=role, source=source, **(utm or {})
            )
    except IntegrityError as exc:
        raise Conflict(_("You are already a member of this community.")) from exc
    Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + 1)
    MembershipEvent.objects.create(
        community=community,
        user=user,
        kind=MembershipEvent.Kind.JOIN,
        source=source,
        utm_campaign=membership.utm_campaign,
    )
    return membership


def _remove_member(membership: Membership, kind: str) -> None:
    deleted, _rows = Membership.objects.filter(pk=membership.pk).delete()
    if deleted:
        Community.objects.filter(pk=membership.community_id).update(
            member_count=F("member_count") - 1
        )
        MembershipEvent.objects.create(
            community_id=membership.community_id, user_id=membership.user_id, kind=kind
        )


def _settle_pending(community: Community, user: User) -> None:
    """A new member's pending request and invitation are settled by their joining."""
    now = timezone.now()
    JoinRequest.objects.filter(community=community, user=user, status=RequestStatus.PENDING).update(
        status=RequestStatus.APPROVED, decided_at=now
    )
    Invitation.objects.filter(
        community=community, invitee=user, status=InvitationStatus.PENDING
    ).update(status=InvitationStatus.ACCEPTED, responded_at=now)
