"""The team: roles, and handing the ownership over."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.models import User
from communa.communities.actions._common import (
    TEAM_ROLES,
    _audit,
)
from communa.communities.models import (
    Community,
    Membership,
    OwnershipTransfer,
    Role,
    TransferState,
)
from communa.communities.permissions import (
    Action,
    Relation,
    require,
)
from communa.core.audit import record_audit
from communa.core.conf import int_setting
from communa.core.errors import Conflict, NotFound, PermissionRefused, ValidationFailed

# --- team -----------------------------------------------------------------------------------


def set_member_role(*, actor: User, community: Community, user: User, role: str) -> Membership:
    """Appoint a member to a team role or back to member (admins: not admins; owner: any)."""
    if role not in {*TEAM_ROLES, Role.MEMBER}:
        raise ValidationFailed(
            fields={
                "role": [
                    _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join([*TEAM_ROLES, Role.MEMBER])}
                ]
            }
        )
    standing = require(actor, Action.MANAGE_TEAM, community)
    target = Membership.objects.filter(community=community, user=user).first()
    if target is None:
        raise ValidationFailed(
            fields={"user": [_("Only members can be given a role; invite them first.")]}
        )
    if target.role == Role.OWNER:
        raise ValidationFailed(
            fields={"user": [_("The owner's role changes only by handing over ownership.")]}
        )
    if Role.ADMIN in {role, target.role} and standing.relation != Relation.OWNER:
        raise PermissionRefused(_("Only the owner appoints or removes administrators."))
    if target.role == role:
        return target
    with transaction.atomic():
        before = target.role
        target.role = role
        target.save(update_fields=["role"])
        _audit(
            actor,
            community,
            "team.role",
            target,
            before={"user": user.username, "role": before},
            after={"user": user.username, "role": role},
        )
    return target


def request_ownership_transfer(
    *, actor: User, community: Community, to_user: User
) -> OwnershipTransfer:
    """Start handing ownership to a member; it takes effect after OWNERSHIP_TRANSFER_DAYS."""
    require(actor, Action.TRANSFER_OWNERSHIP, community)
    if to_user.pk == actor.pk:
        raise ValidationFailed(fields={"user": [_("You already own this community.")]})
    if not Membership.objects.filter(community=community, user=to_user).exists():
        raise ValidationFailed(
            fields={"user": [_("Ownership can only go to a member of the community.")]}
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            transfer = OwnershipTransfer.objects.create(
                community=community,
                from_user=actor,
                to_user=to_user,
                requested_at=now,
                effective_at=now + timedelta(days=int_setting("OWNERSHIP_TRANSFER_DAYS")),
            )
            _audit(
                actor,
                community,
                "ownership.request",
                transfer,
                after={"to": to_user.username, "effective_at": transfer.effective_at},
            )
    except IntegrityError as exc:
        raise Conflict(_("A handover of ownership is already pending; cancel it first.")) from exc
    return transfer


def cancel_ownership_transfer(*, actor: User, transfer: OwnershipTransfer) -> OwnershipTransfer:
    """Cancel a pending handover: the owner or the recipient may."""
    if actor.pk not in {transfer.from_user_id, transfer.to_user_id}:
        raise NotFound
    with transaction.atomic():
        updated = OwnershipTransfer.objects.filter(
            pk=transfer.pk, state=TransferState.PENDING
        ).update(state=TransferState.CANCELLED, finished_at=timezone.now(), cancelled_by=actor)
        if not updated:
            raise Conflict(_("This handover is no longer pending."))
        _audit(actor, transfer.community, "ownership.cancel", transfer)
    transfer.refresh_from_db()
    return transfer


def complete_ownership_transfer(transfer_id: int, *, now: datetime | None = None) -> bool:
    """Carry out one due handover exactly once; returns whether this call did it."""
    now = now or timezone.now()
    with transaction.atomic():
        transfer = (
            OwnershipTransfer.objects.select_for_update(skip_locked=True)
            .filter(pk=transfer_id, state=TransferState.PENDING, effective_at__lte=now)
            .first()
        )
        if transfer is None:
            return False
        community = transfer.community
        recipient = Membership.objects.filter(
            community=community, user_id=transfer.to_user_id
        ).first()
        owner = Membership.objects.filter(community=community, role=Role.OWNER).first()
        if recipient is None or owner is None or owner.user_id != transfer.from_user_id:
            # The recipient left, or ownership changed otherwise: nothing to hand over.
            OwnershipTransfer.objects.filter(pk=transfer.pk).update(
                state=TransferState.CANCELLED, finished_at=now
            )
            record_audit(actor=None, community=community, action="ownership.void", target=transfer)
            return False
        # Demote first: the one-owner constraint holds at every statement.
        Membership.objects.filter(pk=owner.pk).update(role=Role.ADMIN)
        Membership.objects.filter(pk=recipient.pk).update(role=Role.OWNER)
        OwnershipTransfer.objects.filter(pk=transfer.pk).update(
            state=TransferState.COMPLETED, finished_at=now
        )
        record_audit(
            actor=None,
            community=community,
            action="ownership.complete",
            target=transfer,
            before={"owner": transfer.from_user_id},
            after={"owner": transfer.to_user_id},
        )
    return True


def complete_due_ownership_transfers(*, now: datetime | None = None) -> int:
    """The lifecycle runner: complete every handover whose date has come."""
    now = now or timezone.now()
    due = list(
        OwnershipTransfer.objects.filter(state=TransferState.PENDING, effective_at__lte=now)
        .order_by("effective_at")
        .values_list("pk", flat=True)[:500]
    )
    return sum(complete_ownership_transfer(pk, now=now) for pk in due)
