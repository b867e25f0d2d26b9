"""Playbooks (R5.4): escalation steps per community, applied when an offence is recorded.

An offence (a report upheld, a comment removed by a moderator, later a filter refusal) is
appended to the member's record. The playbook then counts the member's offences in the
community within each step's window and applies the highest step that is due: warn, mute for
N days, or block. A community without steps of its own follows `DEFAULT_STEPS`.

Team members (owner, administrators, editors, moderators, analysts) are never sanctioned
automatically: their offences are recorded, and the team settles them itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.accounts.models import User
from communa.communities.actions import _apply_block, unblock_member
from communa.communities.models import Block, Community, Membership, Role
from communa.communities.permissions import Action, can, require
from communa.core.audit import record_audit
from communa.core.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from communa.core.pagination import Page, keyset_page
from communa.moderation.models import Report, ReportReason
from communa.moderation.playbook_models import (
    Offence,
    OffenceKind,
    PlaybookStep,
    Sanction,
    SanctionAction,
)

MAX_STEPS = 10
MAX_OFFENCES = 1000
WINDOW_DAYS = (1, 365)
DURATION_DAYS = (1, 3650)
MAX_MESSAGE = 1000


@dataclass(frozen=True)
class StepSpec:
    """A step as configured, whether stored or one of the defaults."""

    offences: int
    window_days: int
    action: str
    duration_days: int | None
    message: str | Promise = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "offences": self.offences,
            "window_days": self.window_days,
            "action": self.action,
            "duration_days": self.duration_days,
            "message": str(self.message),
        }


# The playbook of a community that has not written its own: 1st offence → warning,
# 3rd within 30 days → muted for 7 days, 5th within 30 days → blocked for 30 days.
DEFAULT_STEPS: tuple[StepSpec, ...] = (
    StepSpec(
        1,
        30,
        SanctionAction.WARN,
        None,
        gettext_lazy("Please keep to the rules of this community: this is a warning."),
    ),
    StepSpec(
        3,
        30,
        SanctionAction.MUTE,
        7,
        gettext_lazy(
            "You broke the rules three times in 30 days: you cannot post or comment for 7 days."
        ),
    ),
    StepSpec(
        5,
        30,
        SanctionAction.BLOCK,
        30,
        gettext_lazy("You broke the rules five times in 30 days: you are blocked for 30 days."),
    ),
)


@dataclass
class Playbook:
    """A community's steps in order, and whether they are the defaults."""

    steps: list[StepSpec]
    stored: list[PlaybookStep | None]
    is_default: bool


def _spec_of(step: PlaybookStep) -> StepSpec:
    return StepSpec(step.offences, step.window_days, step.action, step.duration_days, step.message)


def playbook_of(community: Community) -> Playbook:
    """The steps this community follows: its own, or the defaults when it has none."""
    rows = list(PlaybookStep.objects.filter(community=community).order_by("position"))
    if not rows:
        return Playbook(list(DEFAULT_STEPS), [None] * len(DEFAULT_STEPS), is_default=True)
    return Playbook([_spec_of(row) for row in rows], list(rows), is_default=False)


def read_playbook(*, actor: Any, community: Community) -> Playbook:
    """The playbook for the people who may change it (owner, administrators)."""
    require(actor, Action.EDIT_SETTINGS, community)
    return playbook_of(community)


# --- editing the steps -------------------------------------------------------------------------


def _whole(
    raw: Any, field: str, errors: dict[str, list[str]], bounds: tuple[int, int], *, required: bool
) -> int | None:
    """A whole number within bounds (text from a form or a number from JSON), or None if empty."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors.setdefault(field, []).append(_("This field is required."))
        return None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().isdigit():
        value = int(raw.strip())
    else:
        value = None
    low, high = bounds
    if value is None or not low <= value <= high:
        errors.setdefault(field, []).append(
            _("Use a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
        return None
    return value


def clean_steps(raw_steps: Any) -> list[StepSpec]:
    """Check configured steps; each reason names its field as `steps.<index>.<name>`."""
    if not isinstance(raw_steps, (list, tuple)):
        raise ValidationFailed(fields={"steps": [_("Expected a list.")]})
    if len(raw_steps) > MAX_STEPS:
        raise ValidationFailed(fields={"steps": [_("Use at most %(n)d steps.") % {"n": MAX_STEPS}]})
    errors: dict[str, list[str]] = {}
    steps: list[StepSpec] = []
    previous: int | None = None
    for index, raw in enumerate(raw_steps):
        name = f"steps.{index}"
        if not isinstance(raw, dict):
            errors.setdefault(name, []).append(_("Expected an object."))
            continue
        offences = _whole(
            raw.get("offences"), f"{name}.offences", errors, (1, MAX_OFFENCES), required=True
        )
        if offences is not None and previous is not None and offences <= previous:
            errors.setdefault(f"{name}.offences", []).append(
                _("Each step needs more offences than the step before it (%(n)d).")
                % {"n": previous}
            )
        if offences is not None:
            previous = offences if previous is None else max(previous, offences)
        window = _whole(
            raw.get("window_days"), f"{name}.window_days", errors, WINDOW_DAYS, required=True
        )
        action = raw.get("action")
        if action not in SanctionAction.values:
            errors.setdefault(f"{name}.action", []).append(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(SanctionAction.values)}
            )
        duration = _whole(
            raw.get("duration_days"),
            f"{name}.duration_days",
            errors,
            DURATION_DAYS,
            required=action == SanctionAction.MUTE,
        )
        message = raw.get("message") or ""
        if not isinstance(message, str):
            errors.setdefault(f"{name}.message", []).append(_("Expected text."))
            message = ""
        message = message.strip()
        if len(message) > MAX_MESSAGE:
            errors.setdefault(f"{name}.message", []).append(
                _("Use at most %(n)d characters.") % {"n": MAX_MESSAGE}
            )
        if offences is not None and window is not None and action in SanctionAction.values:
            steps.append(StepSpec(offences, window, action, duration, message))
    if errors:
        raise ValidationFailed(fields=errors)
    return steps


def save_playbook(*, actor: User, community: Community, steps: Any) -> Playbook:
    """Replace the community's steps (owner, administrators); no steps means the defaults."""
    require(actor, Action.EDIT_SETTINGS, community)
    cleaned = clean_steps(steps)
    with transaction.atomic():
        before = playbook_of(community)
        PlaybookStep.objects.filter(community=community).delete()
        PlaybookStep.objects.bulk_create(
            PlaybookStep(
                community=community,
                position=position,
                offences=step.offences,
                window_days=step.window_days,
                action=step.action,
                duration_days=step.duration_days,
                message=str(step.message),
            )
            for position, step in enumerate(cleaned, start=1)
        )
        record_audit(
            actor=actor,
            community=community,
            action="playbook.update",
            before={"steps": [_summary(s) for s in before.steps], "default": before.is_default},
            after={"steps": [_summary(s) for s in cleaned], "default": not cleaned},
        )
    return playbook_of(community)


def _summary(step: StepSpec) -> str:
    length = f" {step.duration_days}d" if step.duration_days else ""
    return f"{step.offences} in {step.window_days}d → {step.action}{length}"


# --- offences and sanctions ---------------------------------------------------------------------


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


def active_mute(user: Any, community: Community | None) -> Sanction | None:
    """The mute in force that ends last, if any."""
    if community is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Sanction.objects.filter(
            community=community,
            user=user,
            action=SanctionAction.MUTE,
            lifted_at__isnull=True,
            ends_at__gt=timezone.now(),
        )
        .order_by("-ends_at")
        .first()
    )


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
