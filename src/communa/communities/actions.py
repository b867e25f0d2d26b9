"""Every write to communities: creation, settings, wiki, membership, team and ownership.

Each action checks permission through `permissions.require`, runs in one transaction, writes
its audit entry (team actions) and membership events (joins, leaves, blocks), and raises a
domain error that the web and the API show to the person.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from communa.accounts.actions import notify
from communa.accounts.models import NotificationKind, User
from communa.accounts.validation import FieldErrors
from communa.communities.models import (
    Block,
    Community,
    Invitation,
    InvitationStatus,
    JoinRequest,
    JoinSource,
    Kind,
    Membership,
    MembershipEvent,
    OwnershipTransfer,
    Privacy,
    RequestStatus,
    Role,
    TransferState,
    VerificationRequest,
    WikiPage,
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
from communa.communities.rubrics import add_default_rubrics
from communa.communities.validation import AVATAR_RULE, COVER_RULE, clean_community
from communa.core.audit import record_audit
from communa.core.conf import int_setting
from communa.core.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from communa.core.limits import limit_write
from communa.core.uploads import check_image

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
        community=community, user=user, kind=MembershipEvent.Kind.JOIN, source=source
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


# --- creation and settings --------------------------------------------------------------


def create_community(*, actor: User, data: dict[str, Any]) -> Community:
    """Create a community; its creator becomes the owner and first member."""
    if not actor.is_authenticated:
        raise PermissionRefused(_("Log in to create a community."))
    errors = FieldErrors()
    if "name" not in data:
        errors.add("name", _("This field is required."))
    if "slug" not in data:
        errors.add("slug", _("This field is required."))
    cleaned = clean_community(data, errors)
    if Membership.objects.filter(user=actor, role=Role.OWNER).count() >= int_setting(
        "COMMUNITIES_PER_USER"
    ):
        errors.add(
            "name",
            _("You own %(n)d communities, the most one person may own.")
            % {"n": int_setting("COMMUNITIES_PER_USER")},
        )
    errors.raise_if_any()
    with transaction.atomic():
        community = Community(created_by=actor, **cleaned)
        if community.kind == Kind.PUBLIC_PAGE:
            community.category = cleaned.get("category", community.category)
        community.refresh_search_fields()
        try:
            with transaction.atomic():
                community.save()
        except IntegrityError as exc:
            raise ValidationFailed(
                fields={"slug": [_("This address is taken by another community.")]}
            ) from exc
        _add_member(community, actor, role=Role.OWNER)
        add_default_rubrics(community=community)
        _audit(actor, community, "community.create", community, after=cleaned)
    community.refresh_from_db()
    return community


def update_community(*, actor: User, community: Community, changes: dict[str, Any]) -> Community:
    """Change settings (name, address, privacy, wall, comments...) as an admin or the owner."""
    require(actor, Action.EDIT_SETTINGS, community)
    errors = FieldErrors()
    cleaned = clean_community(changes, errors, current=community)
    errors.raise_if_any()
    before = {name: getattr(community, name) for name in cleaned}
    changed = {name: value for name, value in cleaned.items() if before[name] != value}
    if not changed:
        return community
    with transaction.atomic():
        for name, value in changed.items():
            setattr(community, name, value)
        community.refresh_search_fields()
        try:
            with transaction.atomic():
                community.save()
        except IntegrityError as exc:
            raise ValidationFailed(
                fields={"slug": [_("This address is taken by another community.")]}
            ) from exc
        _audit(
            actor,
            community,
            "community.update",
            community,
            before={k: before[k] for k in changed},
            after=changed,
        )
    return community


def set_community_image(
    *, actor: User, community: Community, field: str, upload: IO[bytes]
) -> Community:
    """Replace the cover or the avatar with an image of the sizes R1.7 asks for."""
    require(actor, Action.EDIT_SETTINGS, community)
    if field not in {"cover", "avatar"}:
        raise ValidationFailed(fields={"field": [_("Choose cover or avatar.")]})
    checked = check_image(
        upload,
        field=field,
        max_bytes=int_setting("COMMUNITY_IMAGE_MAX_BYTES"),
        max_side=7000,
        rule=COVER_RULE if field == "cover" else AVATAR_RULE,
    )
    image = getattr(community, field)
    old = image.name if image else ""
    with transaction.atomic():
        image.save(f"{field}.{checked.extension}", ContentFile(upload.read()), save=False)
        community.save(update_fields=[field])
        _audit(
            actor,
            community,
            f"community.{field}",
            community,
            before={field: old},
            after={field: image.name},
        )
    if old:
        image.storage.delete(old)
    return community


def convert_community(*, actor: User, community: Community, kind: str) -> Community:
    """Turn a group into a public page or back, at most once per KIND_CHANGE_DAYS (R1.5)."""
    require(actor, Action.CONVERT_KIND, community)
    conversions = {Kind.GROUP: Kind.PUBLIC_PAGE, Kind.PUBLIC_PAGE: Kind.GROUP}
    if community.kind not in conversions or conversions[Kind(community.kind)] != kind:
        raise ValidationFailed(
            fields={"kind": [_("Only a group and a public page convert into each other.")]}
        )
    days = int_setting("KIND_CHANGE_DAYS")
    now = timezone.now()
    if community.kind_changed_at and community.kind_changed_at + timedelta(days=days) > now:
        possible = community.kind_changed_at + timedelta(days=days)
        raise Conflict(
            _(
                "This community was converted less than %(days)d days ago; it can be converted "
                "again from %(date)s."
            )
            % {"days": days, "date": date_format(timezone.localtime(possible), "DATETIME_FORMAT")}
        )
    if kind == Kind.PUBLIC_PAGE and community.privacy != Privacy.OPEN:
        raise ValidationFailed(
            fields={
                "privacy": [
                    _(
                        "A public page is always open: make the group open first, "
                        "so nobody's content is exposed by surprise."
                    )
                ]
            }
        )
    with transaction.atomic():
        before = community.kind
        community.kind = kind
        community.kind_changed_at = now
        community.save(update_fields=["kind", "kind_changed_at"])
        _audit(
            actor,
            community,
            "community.convert",
            community,
            before={"kind": before},
            after={"kind": kind},
        )
    return community


def request_verification(
    *, actor: User, community: Community, message: str, evidence_url: str = ""
) -> VerificationRequest:
    """Ask the operators for the verified mark."""
    require(actor, Action.REQUEST_VERIFICATION, community)
    errors = FieldErrors()
    message = (message or "").strip()
    if not message:
        errors.add("message", _("Tell the operators why this community is official."))
    elif len(message) > 2000:
        errors.add("message", _("Use at most %(n)d characters.") % {"n": 2000})
    if evidence_url and not evidence_url.startswith(("http://", "https://")):
        errors.add("evidence_url", _("Give a web address starting with http:// or https://."))
    if community.verified:
        errors.add("message", _("This community is already verified."))
    errors.raise_if_any()
    try:
        with transaction.atomic():
            found = VerificationRequest.objects.create(
                community=community,
                requested_by=actor,
                message=message,
                evidence_url=evidence_url[:200],
            )
            _audit(actor, community, "community.verification_request", found)
    except IntegrityError as exc:
        raise Conflict(_("A verification request is already waiting for the operators.")) from exc
    return found


# --- wiki ---------------------------------------------------------------------------------


def save_wiki_page(
    *, actor: User, community: Community, slug: str, title: str, body: str, position: int = 0
) -> WikiPage:
    """Create or update a wiki page; pages form the community menu in `position` order."""
    require(actor, Action.EDIT_WIKI, community)
    from communa.communities.validation import SLUG_RE

    errors = FieldErrors()
    slug = (slug or "").strip().lower()
    title = (title or "").strip()
    if slug in {"new", "edit"}:
        errors.add("slug", _("“%(slug)s” is reserved; choose another address.") % {"slug": slug})
    elif not SLUG_RE.match(slug):
        errors.add(
            "slug",
            _(
                "Use 3 to 64 Latin letters, digits, dashes or underscores, "
                "starting and ending with a letter or digit."
            ),
        )
    if not title:
        errors.add("title", _("This field is required."))
    elif len(title) > 120:
        errors.add("title", _("Use at most %(n)d characters.") % {"n": 120})
    if len(body or "") > 50000:
        errors.add("body", _("Use at most %(n)d characters.") % {"n": 50000})
    if not 0 <= position <= 1000:
        errors.add("position", _("Choose a position from 0 to 1000."))
    errors.raise_if_any()
    with transaction.atomic():
        page, created = WikiPage.objects.update_or_create(
            community=community,
            slug=slug,
            defaults={
                "title": title,
                "body": body or "",
                "position": position,
                "updated_by": actor,
            },
        )
        _audit(
            actor,
            community,
            "wiki.create" if created else "wiki.update",
            page,
            after={"title": title},
        )
    return page


def delete_wiki_page(*, actor: User, community: Community, slug: str) -> None:
    """Remove a wiki page from the community."""
    require(actor, Action.EDIT_WIKI, community)
    page = WikiPage.objects.filter(community=community, slug=slug).first()
    if page is None:
        raise NotFound
    with transaction.atomic():
        _audit(actor, community, "wiki.delete", page, before={"title": page.title})
        page.delete()


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
