"""Offences and sanctions (R5.4): an offence is appended, then the step it makes due is applied.

Team members (owner, administrators, editors, moderators, analysts) are never sanctioned
automatically: their offences are recorded, and the team settles them itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from communa.accounts.models import User
from communa.communities.actions import _apply_block, unblock_member
from communa.communities.models import Block, Community, Membership, Role
from communa.communities.permissions import Action, can, require
from communa.core.audit import record_audit
from communa.core.errors import Conflict, NotFound, PermissionRefused
from communa.core.pagination import Page, keyset_page
from communa.core.rows import Beside, read_many
from communa.moderation.models import (
    FilterSettings,
    Offence,
    OffenceKind,
    PlaybookStep,
    Report,
    ReportReason,
    Sanction,
    SanctionAction,
)
from communa.moderation.playbooks.steps import Playbook, StepSpec, playbook_of
from communa.moderation.screening import keep_settings


def _blocked_at(community: Community, user: User, now: datetime) -> bool:
    return (
        Block.objects.filter(community=community, user=user, lifted_at__isnull=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .exists()
    )


def _due_step(
    community: Community, user: User, playbook: Playbook, now: datetime
) -> tuple[int, int] | None:
    """The highest step due now (its index and the count that made it due), or None.

    A step is due when the offences within its window equal its count; the top step also
    when they exceed it, so a member who keeps offending stays at the top.
    """
    windows = sorted({step.window_days for step in playbook.steps})
    mine = Offence.objects.filter(community=community, user=user, created_at__lte=now)
    counts = mine.aggregate(
        **{
            f"in_{days}": Count("pk", filter=Q(created_at__gt=now - timedelta(days=days)))
            for days in windows
        }
    )
    top = len(playbook.steps) - 1
    due: tuple[int, int] | None = None
    for index, step in enumerate(playbook.steps):
        count = counts[f"in_{step.window_days}"]
        if count == step.offences or (index == top and count > step.offences):
            due = (index, count)
    return due


def record_offence(
    *,
    community: Community,
    user: User,
    reason: str,
    kind: str,
    recorded_by: User | None = None,
    now: datetime | None = None,
) -> Sanction | None:
    """Append an offence and apply the playbook step it makes due; returns the sanction if any.

    Call it inside the transaction of the action that found the offence. Team members and
    people already blocked get the offence on record and no sanction.
    """
    if kind not in OffenceKind.values:
        raise ValueError(f"unknown offence kind {kind!r}")
    reason = (reason or "").strip()[:500] or str(OffenceKind(kind).label)
    with transaction.atomic():
        if _blocked_at(community, user, now or timezone.now()):
            # Checked before taking the lock below: a moderator blocking the author in the queue
            # records the offence after their block (holding the membership and community rows);
            # waiting for the member's lock there could deadlock with a concurrent offence.
            _append(
                community=community,
                user=user,
                kind=kind,
                reason=reason,
                recorded_by=recorded_by,
                now=now or timezone.now(),
            )
            return None
        # Serialise one member's offences (in any community): two at once must not both find
        # the 3rd offence and mute twice, or both miss it. SQLite serialises all writes anyway.
        User.objects.select_for_update().filter(pk=user.pk).first()
        # The clock is read once the lock is held, so every offence counted so far is older.
        now = now or timezone.now()
        offence = _append(
            community=community,
            user=user,
            kind=kind,
            reason=reason,
            recorded_by=recorded_by,
            now=now,
        )
        membership = Membership.objects.filter(community=community, user=user).first()
        if membership is not None and membership.role != Role.MEMBER:
            return None
        if _blocked_at(community, user, now):
            return None
        playbook = playbook_of(community)
        due = _due_step(community, user, playbook, now)
        if due is None:
            return None
        index, count = due
        return _apply(
            community=community,
            user=user,
            offence=offence,
            step=playbook.steps[index],
            stored=playbook.stored[index],
            position=index + 1,
            count=count,
            membership=membership,
            recorded_by=recorded_by,
            now=now,
        )


def _append(
    *,
    community: Community,
    user: User,
    kind: str,
    reason: str,
    recorded_by: User | None,
    now: datetime,
) -> Offence:
    return Offence.objects.create(
        community=community,
        user=user,
        kind=kind,
        reason=reason,
        recorded_by=recorded_by,
        created_at=now,
    )


def _apply(
    *,
    community: Community,
    user: User,
    offence: Offence,
    step: StepSpec,
    stored: PlaybookStep | None,
    position: int,
    count: int,
    membership: Membership | None,
    recorded_by: User | None,
    now: datetime,
) -> Sanction | None:
    # The moderator whose decision found the offence applies the step when they may block;
    # otherwise it is the playbook's own doing (no actor).
    applied_by = (
        recorded_by
        if recorded_by is not None and can(recorded_by, Action.BLOCK_MEMBERS, community)
        else None
    )
    sanction = Sanction(
        community=community,
        user=user,
        action=step.action,
        reason=offence.reason,
        message=str(step.message),
        step=stored,
        offence=offence,
        applied_by=applied_by,
        created_at=now,
    )
    if step.action == SanctionAction.WARN:
        # A warning is shown for its duration, or for as long as the offence counts.
        sanction.ends_at = now + timedelta(days=step.duration_days or step.window_days)
    elif step.action == SanctionAction.MUTE:
        sanction.ends_at = now + timedelta(days=step.duration_days or 1)
    else:
        sanction.ends_at = now + timedelta(days=step.duration_days) if step.duration_days else None
        try:
            sanction.block = _apply_block(
                actor=applied_by,
                community=community,
                user=user,
                reason=sanction.shown_reason[:500],
                ends_at=sanction.ends_at,
                target=membership,
            )
        except Conflict:
            return None  # blocked meanwhile by someone else: nothing more to do
    sanction.save()
    record_audit(
        actor=applied_by,
        community=community,
        action=f"playbook.{step.action}",
        target=sanction,
        after={
            "user": user.username,
            "step": position,
            "offences": count,
            "reason": offence.reason,
            "ends_at": sanction.ends_at,
        },
    )
    return sanction


def active_sanctions(
    user: Any, community: Community | None, *, now: datetime | None = None
) -> list[Sanction]:
    """The member's sanctions in force in this community, newest first."""
    if community is None or not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    return list(
        Sanction.objects.filter(community=community, user=user, lifted_at__isnull=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        # A block lifted on the blocks page ends its sanction too.
        .exclude(action=SanctionAction.BLOCK, block__lifted_at__isnull=False)
        .select_related("user", "applied_by", "block")
        .order_by("-created_at", "-id")
    )


def in_force(sanction: Sanction, now: datetime | None = None) -> bool:
    """Not lifted, not past its end, and for a block, its Block not lifted either."""
    block = sanction.block if sanction.block_id is not None else None
    return sanction.is_active(now) and (block is None or block.lifted_at is None)


def _latest_mute(community: str) -> str:
    """The join of the member's mute in force that ends last in the community `community` names
    (a column over `t0`): a subquery picks it, so the statement has one row whatever the mutes."""
    return (
        f'{{b}}."id" = (SELECT s."id" FROM "{Sanction._meta.db_table}" s'  # noqa: S608 - ours
        f' WHERE s."community_id" = {community} AND s."user_id" = %s AND s."action" = %s'
        ' AND s."lifted_at" IS NULL AND s."ends_at" > %s ORDER BY s."ends_at" DESC LIMIT 1)'
    )


# The mute and the community's filter settings: both asked before every post and comment a
# member writes, so read in one statement written once (core.rows), of the community itself ...
_MUTE = Beside("_mute", Sanction, _latest_mute('t0."id"'))
_SETTINGS = Beside("_settings", FilterSettings, '{b}."community_id" = t0."id"')
# ... or of the post the member is about to comment on (`MemberGate.read_beside`).
_MUTE_NEAR = Beside("_mute_near", Sanction, _latest_mute('t0."community_id"'))
_SETTINGS_NEAR = Beside("_settings_near", FilterSettings, '{b}."community_id" = t0."community_id"')
# Where a community keeps the mute read with a post: (the member's id, the mute or None).
_MUTE_READ = "_moderation_mute_read"


def mute_beside(user: Any) -> tuple[tuple[Beside, ...], list[Any]]:
    """The member's mute and the filter settings, to read with a post they comment on."""
    return (_MUTE_NEAR, _SETTINGS_NEAR), [user.pk, SanctionAction.MUTE.value, timezone.now()]


def keep_mute(user: Any, community: Any, row: Any) -> None:
    """Leave the mute and settings read with `row` for `active_mute` and the text's check."""
    mute, stored = row.__dict__.pop("_mute_near", None), row.__dict__.pop("_settings_near", None)
    if community is None:
        return
    community.__dict__[_MUTE_READ] = (user.pk, mute)
    keep_settings(community, stored)


def active_mute(user: Any, community: Community | None) -> Sanction | None:
    """The mute in force that ends last, if any.

    The community's filter settings come in the same statement and are left for the check of
    the text the member is about to send (`screening.settings_of`). Read with the post the
    member comments on (`keep_mute`), both are there already.
    """
    if community is None or not getattr(user, "is_authenticated", False):
        return None
    kept = community.__dict__.pop(_MUTE_READ, None)
    if kept is not None and kept[0] == user.pk:
        return kept[1]
    found = read_many(
        Community,
        't0."id" = %s',
        [user.pk, SanctionAction.MUTE.value, timezone.now(), community.pk],
        order_by="",
        limit=1,
        only=(("", ("id",)),),
        beside=(_MUTE, _SETTINGS),
    )
    if not found:
        return None
    keep_settings(community, found[0]._settings)  # type: ignore[attr-defined]
    return found[0]._mute  # type: ignore[attr-defined]


def require_not_muted(user: Any, community: Community | None) -> None:
    """Refuse a muted member's new post, comment or discussion, saying until when and why."""
    mute = active_mute(user, community)
    if mute is None or mute.ends_at is None:
        return
    raise PermissionRefused(
        _("You are muted in this community until %(date)s: %(reason)s.")
        % {
            "date": date_format(timezone.localtime(mute.ends_at), "DATETIME_FORMAT"),
            "reason": mute.shown_reason.rstrip(" ."),
        }
    )


def sanctions_page(
    *, actor: Any, community: Community, cursor: str | None = None, limit: int
) -> Page[Sanction]:
    """Sanctions in the community, newest first, for the people who may lift them."""
    require(actor, Action.BLOCK_MEMBERS, community)
    found: QuerySet[Sanction] = Sanction.objects.filter(community=community).select_related(
        "user", "applied_by", "lifted_by", "block"
    )
    return keyset_page(found, ["-created_at", "-id"], cursor=cursor, limit=limit)


def sanction_for(*, actor: Any, sanction_id: int) -> Sanction:
    """One sanction for someone who may lift it; hidden and missing are the same 404."""
    sanction = (
        Sanction.objects.filter(pk=sanction_id).select_related("community", "user", "block").first()
    )
    if sanction is None:
        raise NotFound
    try:
        require(actor, Action.BLOCK_MEMBERS, sanction.community)
    except PermissionRefused as exc:
        raise NotFound from exc
    return sanction


def lift_sanction(*, actor: User, sanction: Sanction) -> Sanction:
    """End a sanction now (owner, administrators, moderators); a block is lifted with it."""
    community = sanction.community
    require(actor, Action.BLOCK_MEMBERS, community)
    now = timezone.now()
    if sanction.ends_at is not None and sanction.ends_at <= now:
        raise Conflict(_("This sanction has already ended."), code="already_ended")
    with transaction.atomic():
        lifted = Sanction.objects.filter(pk=sanction.pk, lifted_at__isnull=True).update(
            lifted_at=now, lifted_by=actor
        )
        if not lifted:
            raise Conflict(_("This sanction has already been lifted."), code="already_lifted")
        if (
            sanction.action == SanctionAction.BLOCK
            and sanction.block is not None
            and sanction.block.is_active()
        ):
            unblock_member(actor=actor, community=community, user=sanction.user)
        record_audit(
            actor=actor,
            community=community,
            action="playbook.lift",
            target=sanction,
            after={"user": sanction.user.username, "action": sanction.action},
        )
    sanction.lifted_at = now
    sanction.lifted_by = actor
    return sanction


def _offence_for_removed(
    *, community: Community | None, content: Any, kind: str, reason: str, moderator: User
) -> Sanction | None:
    author = getattr(content, "author", None)
    if community is None or author is None or author.pk == moderator.pk:
        return None
    return record_offence(
        community=community, user=author, reason=reason, kind=kind, recorded_by=moderator
    )


def offence_for_upheld_report(
    *, community: Community, report: Report, moderator: User
) -> Sanction | None:
    """A report upheld (its content removed) is an offence of the content's author."""
    return _offence_for_removed(
        community=community,
        content=report.post if report.post_id is not None else report.comment,
        kind=OffenceKind.REPORT_UPHELD,
        reason=str(ReportReason(report.reason).label)
        if report.reason in ReportReason.values
        else "",
        moderator=moderator,
    )


def offence_for_deleted_comment(
    *, community: Community | None, comment: Any, moderator: User
) -> Sanction | None:
    """A comment a moderator (not its author) deleted is an offence of its author."""
    return _offence_for_removed(
        community=community,
        content=comment,
        kind=OffenceKind.COMMENT_DELETED,
        reason="",
        moderator=moderator,
    )
