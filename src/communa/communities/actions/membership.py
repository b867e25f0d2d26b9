"""Joining and leaving, join requests, invitations and blocks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from communa.accounts.actions import notify
from communa.accounts.models import NotificationKind, User
from communa.accounts.validation import FieldErrors
from communa.communities.actions._common import (
    _add_member,
    _audit,
    _clean_source,
    _clean_utm,
    _remove_member,
    _settle_pending,
)
from communa.communities.models import (
    Block,
    Community,
    Invitation,
    InvitationStatus,
    JoinRequest,
    JoinSource,
    Membership,
    MembershipEvent,
    Privacy,
    RequestStatus,
)
from communa.communities.permissions import (
    ROLE_OF_RELATION,
    Action,
    Relation,
    Standing,
    allowed,
    outranks,
    require,
    standing_of,
)
from communa.core.conf import int_setting
from communa.core.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from communa.core.limits import limit_write

# --- joining and leaving --------------------------------------------------------------------


def join_community(
    *,
    actor: User,
    community: Community,
    source: str = JoinSource.DIRECT,
    utm: dict[str, Any] | None = None,
    ip: str | None = None,
) -> Membership:
    """Join an open community (an invitation, if any, counts as accepted)."""
    source = _clean_source(source)
    standing = standing_of(actor, community)
    if standing.relation in {
        Relation.OWNER,
        Relation.ADMIN,
        Relation.EDITOR,
        Relation.MODERATOR,
        Relation.ANALYST,
        Relation.MEMBER,
    }:
        raise Conflict(_("You are already a member of this community."))
    if standing.relation == Relation.BLOCKED:
        raise _blocked_refusal(standing)
    if standing.relation == Relation.INVITED and community.privacy != Privacy.OPEN:
        return respond_to_invitation(actor=actor, invitation=standing.invitation, accept=True)  # type: ignore[arg-type]
    if community.privacy == Privacy.CLOSED and standing.relation == Relation.NON_MEMBER:
        raise PermissionRefused(
            _("This community is closed: ask to join, and a moderator will decide.")
        )
    require(actor, Action.JOIN, community, standing=standing)
    limit_write("join", actor=actor, ip=ip)
    with transaction.atomic():
        if standing.relation == Relation.INVITED:
            source = JoinSource.INVITATION
        membership = _add_member(community, actor, source=source, utm=_clean_utm(utm))
        _settle_pending(community, actor)
    return membership


def enrol_placeholder_members(*, community: Community, users: Iterable[User]) -> int:
    """Make imported people's placeholder accounts members (none of the team), counted and
    in the membership history like any join; those already in the community stay as they are.
    Called by the import actions, which checked permission; returns how many joined."""
    with transaction.atomic():
        wanted = {user.pk: user for user in users}
        present = set(
            Membership.objects.filter(community=community, user_id__in=list(wanted)).values_list(
                "user_id", flat=True
            )
        )
        joining = [user for pk, user in wanted.items() if pk not in present]
        Membership.objects.bulk_create(
            [Membership(community=community, user=user) for user in joining], batch_size=500
        )
        MembershipEvent.objects.bulk_create(
            [
                MembershipEvent(community=community, user=user, kind=MembershipEvent.Kind.JOIN)
                for user in joining
            ],
            batch_size=500,
        )
        Community.objects.filter(pk=community.pk).update(
            member_count=F("member_count") + len(joining)
        )
    return len(joining)


def _blocked_refusal(standing: Standing) -> PermissionRefused:
    block = standing.block
    if block is not None and block.ends_at:
        return PermissionRefused(
            _("You are blocked in this community until %(date)s. Reason: %(reason)s")
            % {
                "date": date_format(timezone.localtime(block.ends_at), "DATETIME_FORMAT"),
                "reason": block.reason,
            }
        )
    return PermissionRefused(
        _("You are blocked in this community. Reason: %(reason)s")
        % {"reason": block.reason if block else ""}
    )


def request_to_join(
    *,
    actor: User,
    community: Community,
    message: str = "",
    source: str = JoinSource.DIRECT,
    utm: dict[str, Any] | None = None,
    ip: str | None = None,
) -> JoinRequest:
    """Ask to join a closed community, with an optional message for the moderators."""
    source = _clean_source(source)
    standing = standing_of(actor, community)
    if standing.membership is not None:
        raise Conflict(_("You are already a member of this community."))
    if standing.relation == Relation.BLOCKED:
        raise _blocked_refusal(standing)
    require(actor, Action.REQUEST_JOIN, community, standing=standing)
    message = (message or "").strip()
    if len(message) > 1000:
        raise ValidationFailed(
            fields={"message": [_("Use at most %(n)d characters.") % {"n": 1000}]}
        )
    limit_write("join", actor=actor, ip=ip)
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                community=community, user=actor, message=message, source=source, utm=_clean_utm(utm)
            )
            notify(
                recipients=list(_reviewers_of(community)),
                kind=NotificationKind.REQUEST_WAITING,
                actor=actor,
                community=community,
                url=reverse("communities:requests", args=[community.slug]),
            )
            return join_request
    except IntegrityError as exc:
        raise Conflict(_("Your request to join is already waiting for a moderator.")) from exc


def _reviewers_of(community: Community) -> Iterable[int]:
    """Who decides join requests here: the team roles the table allows to review them."""
    roles = [
        ROLE_OF_RELATION[relation].value
        for relation in allowed(Action.REVIEW_REQUESTS, community.privacy)
        if relation in ROLE_OF_RELATION
    ]
    return Membership.objects.filter(community=community, role__in=roles).values_list(
        "user_id", flat=True
    )


def cancel_join_request(*, actor: User, community: Community) -> None:
    """Withdraw one's own pending request."""
    updated = JoinRequest.objects.filter(
        community=community, user=actor, status=RequestStatus.PENDING
    ).update(status=RequestStatus.CANCELLED, decided_at=timezone.now())
    if not updated:
        raise NotFound(_("You have no pending request to join this community."))


def decide_join_request(
    *, actor: User, join_request: JoinRequest, approve: bool, reason: str = ""
) -> JoinRequest:
    """Approve (the person becomes a member) or reject (with an optional reason) a request."""
    community = join_request.community
    require(actor, Action.REVIEW_REQUESTS, community)
    reason = (reason or "").strip()[:500]
    now = timezone.now()
    with transaction.atomic():
        # Only one moderator's decision counts: the conditional update settles concurrent clicks.
        claimed = JoinRequest.objects.filter(
            pk=join_request.pk, status=RequestStatus.PENDING
        ).update(
            status=RequestStatus.APPROVED if approve else RequestStatus.REJECTED,
            decided_at=now,
            decided_by=actor,
            reason=reason,
        )
        if not claimed:
            raise Conflict(_("This request has already been decided."))
        if approve:
            if standing_of(join_request.user, community).relation == Relation.BLOCKED:
                raise ValidationFailed(
                    fields={"user": [_("This person is blocked in the community.")]}
                )
            if not Membership.objects.filter(community=community, user=join_request.user).exists():
                _add_member(
                    community,
                    join_request.user,
                    source=join_request.source,
                    utm=_clean_utm(join_request.utm),
                )
        _audit(
            actor,
            community,
            "request.approve" if approve else "request.reject",
            join_request,
            after={"user": join_request.user.username, "reason": reason},
        )
        notify(
            recipients=[join_request.user_id],
            kind=(
                NotificationKind.REQUEST_APPROVED if approve else NotificationKind.REQUEST_REJECTED
            ),
            actor=actor,
            community=community,
            subject=reason,
            url=reverse("communities:home", args=[community.slug]),
        )
    join_request.refresh_from_db()
    return join_request


def leave_community(*, actor: User, community: Community) -> None:
    """Leave a community; the owner must hand over ownership first."""
    standing = require(actor, Action.LEAVE, community)
    with transaction.atomic():
        _remove_member(standing.membership, MembershipEvent.Kind.LEAVE)  # type: ignore[arg-type]
        if standing.relation != Relation.MEMBER:
            _audit(
                actor,
                community,
                "team.leave",
                standing.membership,
                before={"role": standing.relation},
            )


# --- invitations ---------------------------------------------------------------------------


def invitation_quota(inviter: User) -> tuple[int, datetime]:
    """How many invitations the person may still send today, and when the count resets."""
    now = timezone.localtime()
    start = timezone.make_aware(datetime.combine(now.date(), time.min), now.tzinfo)
    sent = Invitation.objects.filter(inviter=inviter, created_at__gte=start).count()
    return max(0, int_setting("INVITATIONS_PER_DAY") - sent), start + timedelta(days=1)


def invite_to_community(
    *, actor: User, community: Community, invitees: Iterable[User], ip: str | None = None
) -> list[Invitation]:
    """Invite people; each decides whether to join. Capped per inviter per day (R3.3)."""
    require(actor, Action.INVITE, community)
    people = list({user.pk: user for user in invitees}.values())
    if not people:
        raise ValidationFailed(fields={"usernames": [_("Name at least one person to invite.")]})
    errors = FieldErrors()
    members = set(
        Membership.objects.filter(community=community, user__in=people).values_list(
            "user_id", flat=True
        )
    )
    pending = set(
        Invitation.objects.filter(
            community=community, invitee__in=people, status=InvitationStatus.PENDING
        ).values_list("invitee_id", flat=True)
    )
    for user in people:
        if user.pk in members:
            errors.add("usernames", _("%(name)s is already a member.") % {"name": user.username})
        elif user.pk in pending:
            errors.add(
                "usernames",
                _("%(name)s already has a pending invitation.") % {"name": user.username},
            )
        elif standing_of(user, community).relation == Relation.BLOCKED:
            errors.add(
                "usernames", _("%(name)s is blocked in this community.") % {"name": user.username}
            )
    errors.raise_if_any()
    with transaction.atomic():
        # Lock the inviter's row so two concurrent batches cannot both pass the daily cap.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        left, resets = invitation_quota(actor)
        if len(people) > left:
            raise ValidationFailed(
                fields={
                    "usernames": [
                        _(
                            "You can send %(limit)d invitations a day and have %(left)d left; "
                            "the count resets at %(reset)s."
                        )
                        % {
                            "limit": int_setting("INVITATIONS_PER_DAY"),
                            "left": left,
                            "reset": date_format(resets, "DATETIME_FORMAT"),
                        }
                    ]
                }
            )
        # Within the daily cap, an hourly one: stricter for new accounts and their address (R5.5).
        limit_write("invite", actor=actor, ip=ip, count=len(people))
        try:
            with transaction.atomic():
                created = [
                    Invitation.objects.create(community=community, inviter=actor, invitee=user)
                    for user in people
                ]
        except IntegrityError as exc:
            raise Conflict(
                _("Someone invited one of these people at the same moment; try again.")
            ) from exc
        _audit(
            actor,
            community,
            "invitation.send",
            None,
            after={"invitees": [u.username for u in people]},
        )
    return created


def respond_to_invitation(*, actor: User, invitation: Invitation, accept: bool) -> Any:
    """Accept (join) or decline an invitation addressed to oneself."""
    if invitation.invitee_id != actor.pk:
        raise NotFound
    community = invitation.community
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, status=InvitationStatus.PENDING
        ).update(
            status=InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED,
            responded_at=timezone.now(),
        )
        if not claimed:
            raise Conflict(_("This invitation has already been answered or withdrawn."))
        if not accept:
            return None
        standing = standing_of(actor, community)
        if standing.relation == Relation.BLOCKED:
            raise _blocked_refusal(standing)
        if standing.membership is not None:
            raise Conflict(_("You are already a member of this community."))
        membership = _add_member(community, actor, source=JoinSource.INVITATION)
        _settle_pending(community, actor)
    return membership


def cancel_invitation(*, actor: User, invitation: Invitation) -> None:
    """Withdraw an invitation: its sender, or a moderator or above."""
    community = invitation.community
    if invitation.inviter_id != actor.pk:
        require(actor, Action.REVIEW_REQUESTS, community)
    updated = Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.CANCELLED, responded_at=timezone.now()
    )
    if not updated:
        raise Conflict(_("This invitation has already been answered or withdrawn."))
    _audit(actor, community, "invitation.cancel", invitation)


# --- blocking -------------------------------------------------------------------------------


def block_member(
    *, actor: User, community: Community, user: User, reason: str, ends_at: datetime | None = None
) -> Block:
    """Block a person (member or not) with a reason and an optional end; a member is removed."""
    standing = require(actor, Action.BLOCK_MEMBERS, community)
    errors = FieldErrors()
    reason = (reason or "").strip()
    if not reason:
        errors.add("reason", _("Say why, so the person and the team know."))
    elif len(reason) > 500:
        errors.add("reason", _("Use at most %(n)d characters.") % {"n": 500})
    if ends_at is not None and ends_at <= timezone.now():
        errors.add("ends_at", _("The end of a block must be in the future."))
    if user.pk == actor.pk:
        errors.add("user", _("You cannot block yourself."))
    target = Membership.objects.filter(community=community, user=user).first()
    if target is not None and not outranks(standing, target.role):
        errors.add("user", _("You cannot block a team member of your rank or above."))
    errors.raise_if_any()
    return _apply_block(
        actor=actor, community=community, user=user, reason=reason, ends_at=ends_at, target=target
    )


def _apply_block(
    *,
    actor: User | None,
    community: Community,
    user: User,
    reason: str,
    ends_at: datetime | None,
    target: Membership | None,
) -> Block:
    """Write a block whose permission the caller has checked; actor None is the playbook (R5.4)."""
    with transaction.atomic():
        # A block past its end is over: close it, or the one-active-block constraint refuses.
        Block.objects.filter(
            community=community, user=user, lifted_at__isnull=True, ends_at__lte=timezone.now()
        ).update(lifted_at=F("ends_at"))
        try:
            with transaction.atomic():
                block = Block.objects.create(
                    community=community, user=user, reason=reason, blocked_by=actor, ends_at=ends_at
                )
        except IntegrityError as exc:
            raise Conflict(_("This person is already blocked.")) from exc
        if target is not None:
            _remove_member(target, MembershipEvent.Kind.BLOCK)
        else:
            MembershipEvent.objects.create(
                community=community, user=user, kind=MembershipEvent.Kind.BLOCK
            )
        now = timezone.now()
        JoinRequest.objects.filter(
            community=community, user=user, status=RequestStatus.PENDING
        ).update(status=RequestStatus.REJECTED, decided_at=now, decided_by=actor, reason=reason)
        Invitation.objects.filter(
            community=community, invitee=user, status=InvitationStatus.PENDING
        ).update(status=InvitationStatus.CANCELLED, responded_at=now)
        _audit(
            actor,
            community,
            "member.block",
            block,
            after={"user": user.username, "reason": reason, "ends_at": ends_at},
        )
    return block


def unblock_member(*, actor: User, community: Community, user: User) -> Block:
    """Lift a block; the person may join or ask again (they are not re-added)."""
    require(actor, Action.BLOCK_MEMBERS, community)
    block = Block.objects.filter(community=community, user=user, lifted_at__isnull=True).first()
    if block is None:
        raise NotFound(_("This person is not blocked."))
    with transaction.atomic():
        block.lifted_at = timezone.now()
        block.lifted_by = actor
        block.save(update_fields=["lifted_at", "lifted_by"])
        MembershipEvent.objects.create(
            community=community, user=user, kind=MembershipEvent.Kind.UNBLOCK
        )
        _audit(actor, community, "member.unblock", block, after={"user": user.username})
    return block
