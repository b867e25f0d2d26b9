"""Moderators' decisions on what the automatic checks held (R5.2, R5.3's fourth kind of item).

Approve publishes the row as if it had passed; reject keeps it unpublished with the reason its
author sees (and counts as an offence for the playbook); delete removes it the same way. The rows
are the content app's: it changes them (`core.gate.ModeratedContent`); this module decides and
keeps the held item, the offence and the audit entry.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.models import User
from communa.communities.models import Community
from communa.core.audit import record_audit
from communa.core.errors import DomainError
from communa.core.gate import moderated_content
from communa.moderation.models import HeldItem, HeldStatus, OffenceKind
from communa.moderation.playbooks import record_offence
from communa.moderation.screening import held_note


def _target(item: HeldItem) -> dict[str, int | None]:
    return {"post_id": item.post_id, "comment_id": item.comment_id, "topic_id": item.topic_id}


def _claim(item: HeldItem, actor: User, status: str, reason: str) -> None:
    claimed = HeldItem.objects.filter(pk=item.pk, status=HeldStatus.HELD).update(
        status=status, decided_by=actor, decided_at=timezone.now(), decision_reason=reason[:500]
    )
    if not claimed:
        raise DomainError(_("This item has already been handled."), code="conflict")


def approve_held(*, actor: User, community: Community, item: HeldItem) -> None:
    """Publish what the checks held: walls puts the post on the wall, the comment in its thread."""
    with transaction.atomic():
        _claim(item, actor, HeldStatus.APPROVED, "")
        moderated_content().release_held(actor=actor, **_target(item))
        record_audit(
            actor=actor,
            community=community,
            action="held.approve",
            target=item.target,
            after={"checks": item.categories},
        )


def reject_held(
    *, actor: User, community: Community, item: HeldItem, reason: str, delete: bool = False
) -> None:
    """Refuse what the checks held, with the reason its author sees; an offence for the playbook."""
    reason = (reason or "").strip() or held_note(item)
    with transaction.atomic():
        _claim(item, actor, HeldStatus.REJECTED, reason)
        moderated_content().refuse_held(actor=actor, reason=reason, delete=delete, **_target(item))
        # A rejected topic stays held: hidden from others, shown to its author with the reason.
        record_offence(
            community=community,
            user=item.author,
            reason=reason,
            kind=OffenceKind.FILTER,
            recorded_by=actor,
        )
        record_audit(
            actor=actor,
            community=community,
            action="held.delete" if delete else "held.reject",
            target=item.target,
            after={"checks": item.categories, "reason": reason},
        )
