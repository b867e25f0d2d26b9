"""Decisions on the queue's items (R5.3): each one goes through the action that owns the row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.actions import notify
from communa.accounts.models import NotificationKind, User
from communa.communities.actions import block_member, decide_join_request
from communa.communities.models import Community, JoinRequest, RequestStatus
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit
from communa.core.errors import DomainError, PermissionRefused, ValidationFailed
from communa.core.gate import moderated_content
from communa.moderation.held import approve_held, reject_held
from communa.moderation.models import HeldItem, Report, ReportStatus
from communa.moderation.playbooks import offence_for_upheld_report
from communa.moderation.queue.items import DECISIONS, Decision, ItemKind, QueueItem, item_for


@dataclass
class DecisionInput:
    """A moderator's decision: what, why, and for a block how long (days; None = until lifted)."""

    decision: str
    reason: str = ""
    block_days: int | None = None


def decide(*, actor: User, community: Community, item: QueueItem, data: DecisionInput) -> None:
    """Apply one decision to one item through the action that owns its row."""
    require(actor, Action.MODERATE, community)
    decision = _clean_decision(item, data)
    reason = (data.reason or "").strip()
    if decision == Decision.BLOCK:
        _block_author(actor, community, item, reason, data.block_days)
        return
    if item.kind == ItemKind.REPORT:
        _decide_report(actor, community, item.source, decision)
    elif item.kind == ItemKind.SUGGESTION:
        _decide_suggestion(actor, item.source, decision, reason)
    elif item.kind == ItemKind.HELD:
        _decide_held(actor, community, item.source, decision, reason)
    else:
        decide_join_request(
            actor=actor,
            join_request=item.source,
            approve=decision == Decision.APPROVE,
            reason=reason,
        )


def _clean_decision(item: QueueItem, data: DecisionInput) -> Decision:
    fitting = DECISIONS[item.kind]
    if data.decision not in Decision.__members__.values() or data.decision not in fitting:
        raise ValidationFailed(
            fields={
                "decision": [
                    _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join(d.value for d in fitting)}
                ]
            }
        )
    decision = Decision(data.decision)
    if decision not in item.decisions:
        raise PermissionRefused(_("Your role in this community cannot make this decision."))
    if decision in (Decision.REJECT, Decision.BLOCK) and not (data.reason or "").strip():
        raise ValidationFailed(fields={"reason": [_("Say why, so the person and the team know.")]})
    if data.block_days is not None and not 1 <= data.block_days <= 3650:
        raise ValidationFailed(fields={"block_days": [_("Use a number of days from 1 to 3650.")]})
    return decision


def _block_author(
    actor: User, community: Community, item: QueueItem, reason: str, days: int | None
) -> None:
    author = item.author
    if author is None:
        raise ValidationFailed(fields={"decision": [_("This item has no author to block.")]})
    ends_at = timezone.now() + timedelta(days=days) if days else None
    with transaction.atomic():
        block_member(actor=actor, community=community, user=author, reason=reason, ends_at=ends_at)
        # Blocking the author also settles the item: the report is upheld, the rest refused.
        if item.kind == ItemKind.REPORT:
            _decide_report(actor, community, item.source, Decision.DELETE)
        elif item.kind == ItemKind.SUGGESTION:
            _decide_suggestion(actor, item.source, Decision.REJECT, reason)
        elif item.kind == ItemKind.HELD:
            _decide_held(actor, community, item.source, Decision.REJECT, reason)
        elif JoinRequest.objects.filter(pk=item.pk, status=RequestStatus.PENDING).exists():
            decide_join_request(actor=actor, join_request=item.source, approve=False, reason=reason)


def _decide_held(
    actor: User, community: Community, item: HeldItem, decision: Decision, reason: str
) -> None:
    if decision == Decision.APPROVE:
        approve_held(actor=actor, community=community, item=item)
    else:
        reject_held(
            actor=actor,
            community=community,
            item=item,
            reason=reason,
            delete=decision == Decision.DELETE,
        )


def _decide_suggestion(actor: User, post: Any, decision: Decision, reason: str) -> None:
    moderated_content().decide_suggestion(
        actor=actor, suggestion=post, decision=decision.value, reason=reason
    )


def _decide_report(actor: User, community: Community, report: Report, decision: Decision) -> None:
    """Approve keeps the content (dismissed), delete removes it (upheld): and its other reports."""
    now = timezone.now()
    upheld = decision == Decision.DELETE
    status = ReportStatus.UPHELD if upheld else ReportStatus.DISMISSED
    with transaction.atomic():
        claimed = Report.objects.filter(pk=report.pk, status=ReportStatus.OPEN).update(
            status=status, handled_by=actor, handled_at=now
        )
        if not claimed:
            raise DomainError(_("This item has already been handled."), code="conflict")
        # The queue shows the open reports of one post or comment as one item: they are settled
        # together, whichever of them the decision named, and each reporter is told.
        same_item = Report.objects.filter(
            Q(post_id=report.post_id, post_id__isnull=False)
            | Q(comment_id=report.comment_id, comment_id__isnull=False),
            status=ReportStatus.OPEN,
        )
        reporters = {report.reporter_id, *same_item.values_list("reporter_id", flat=True)}
        same_item.update(status=status, handled_by=actor, handled_at=now)
        if upheld:
            # Moderation removal: the content goes whatever the moderator's editing rights.
            moderated_content().remove_reported(
                actor=actor, post_id=report.post_id, comment_id=report.comment_id
            )
            offence_for_upheld_report(community=community, report=report, moderator=actor)
        record_audit(
            actor=actor,
            community=community,
            action="report.uphold" if upheld else "report.dismiss",
            target=report,
            after={"reason": report.reason},
        )
        notify(
            recipients=sorted(reporters),
            kind=NotificationKind.REPORT_UPHELD if upheld else NotificationKind.REPORT_DISMISSED,
            actor=actor,
            community=community,
            url=reverse("communities:home", args=[community.slug]),
        )


@dataclass
class BulkResult:
    """What a bulk decision did: the items done, and each refusal with its reason."""

    done: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def decide_many(
    *, actor: User, community: Community, keys: list[str], data: DecisionInput
) -> BulkResult:
    """Apply one decision to many items; each succeeds or fails on its own."""
    require(actor, Action.MODERATE, community)
    if not keys:
        raise ValidationFailed(fields={"items": [_("Choose at least one item.")]})
    if len(keys) > 100:
        raise ValidationFailed(fields={"items": [_("Choose at most 100 items at once.")]})
    result = BulkResult()
    for key in dict.fromkeys(keys):
        try:
            item = item_for(actor=actor, community=community, key=key)
            decide(actor=actor, community=community, item=item, data=data)
        except DomainError as exc:
            result.refused[key] = exc.message
        else:
            result.done.append(key)
    return result
