"""One moderation queue (R5.3) over the rows that wait for a decision, and the decisions on it.

The queue is a read model, not a table of its own: open reports, suggested posts and pending
join requests are read from their own tables with one UNION, newest first, so an item can never
be out of step with its source. Each decision calls the action that owns the source row
(`publish_suggestion`, `decide_join_request`, ...), so the rules, the audit entry and the
events are those of that action whichever page the moderator used. What the automatic checks
held (posts, comments, topics) comes from `HeldItem` rows, the fourth part of the union.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import CharField, F, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.accounts.models import User
from communa.communities.actions import block_member, decide_join_request
from communa.communities.models import Community, JoinRequest, RequestStatus
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit
from communa.core.errors import DomainError, NotFound, ValidationFailed
from communa.core.gate import moderated_content
from communa.core.pagination import decode_cursor, encode_cursor
from communa.moderation.filter_models import HeldItem, HeldStatus
from communa.moderation.filters import CATEGORIES
from communa.moderation.held import approve_held, reject_held
from communa.moderation.models import Report, ReportReason, ReportStatus
from communa.moderation.playbooks import offence_for_upheld_report
from communa.moderation.screening import CATEGORY_LABELS, held_note


class ItemKind(StrEnum):
    """What waits in the queue."""

    REPORT = "report"
    SUGGESTION = "suggestion"
    JOIN_REQUEST = "join_request"
    HELD = "held"


KIND_LABELS = {
    ItemKind.HELD: gettext_lazy("Held by the checks"),
    ItemKind.REPORT: gettext_lazy("Report"),
    ItemKind.SUGGESTION: gettext_lazy("Suggested post"),
    ItemKind.JOIN_REQUEST: gettext_lazy("Join request"),
}


class Decision(StrEnum):
    """What a moderator can do with an item; not every decision fits every kind."""

    APPROVE = "approve"
    REJECT = "reject"
    DELETE = "delete"
    BLOCK = "block"


# Approve keeps or lets in; reject refuses with a reason; delete removes the content itself.
DECISIONS: dict[ItemKind, tuple[Decision, ...]] = {
    ItemKind.REPORT: (Decision.APPROVE, Decision.DELETE, Decision.BLOCK),
    ItemKind.SUGGESTION: (Decision.APPROVE, Decision.REJECT, Decision.DELETE, Decision.BLOCK),
    ItemKind.JOIN_REQUEST: (Decision.APPROVE, Decision.REJECT, Decision.BLOCK),
    ItemKind.HELD: (Decision.APPROVE, Decision.REJECT, Decision.DELETE, Decision.BLOCK),
}
REASONS = (*ReportReason.values, *CATEGORIES)


@dataclass
class QueueItem:
    """One waiting item, with the row it stands for."""

    kind: ItemKind
    pk: int
    created_at: datetime
    reason: str
    author: User | None = None
    source: Any = None
    decisions: tuple[Decision, ...] = ()

    @property
    def key(self) -> str:
        """Stable identifier of the item in forms and the API: "<kind>:<id>"."""
        return f"{self.kind}:{self.pk}"

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def reason_label(self) -> str:
        if self.kind == ItemKind.REPORT and self.reason in ReportReason.values:
            return str(ReportReason(self.reason).label)
        if self.kind == ItemKind.HELD and self.reason in CATEGORY_LABELS:
            return str(CATEGORY_LABELS[self.reason])
        return str(KIND_LABELS[self.kind])

    @property
    def note(self) -> str:
        """For held items, every reason the checks gave."""
        return held_note(self.source) if self.kind == ItemKind.HELD and self.source else ""


@dataclass
class QueuePage:
    """A page of the queue and the cursor of the next one."""

    items: list[QueueItem]
    next_cursor: str | None
    counts: dict[str, int] = field(default_factory=dict)


Part = tuple[ItemKind, QuerySet[Any]]


def _parts(community: Community, kinds: Iterable[ItemKind], reason: str) -> list[Part]:
    """One query per kind of waiting row, all with the same columns so they can be united."""
    columns = ("item_kind", "pk", "created_at", "item_reason", "item_author")
    parts: list[Part] = []
    if ItemKind.HELD in kinds and (not reason or reason in CATEGORIES):
        held = HeldItem.objects.filter(community=community, status=HeldStatus.HELD)
        if reason:
            held = held.filter(reason=reason)
        parts.append(
            (
                ItemKind.HELD,
                held.annotate(
                    item_kind=Value(ItemKind.HELD.value, output_field=CharField()),
                    item_reason=F("reason"),
                    item_author=F("author_id"),
                ).values_list(*columns),
            )
        )
    if ItemKind.REPORT in kinds and (not reason or reason in ReportReason.values):
        reports = Report.objects.filter(community=community, status=ReportStatus.OPEN)
        if reason:
            reports = reports.filter(reason=reason)
        parts.append(
            (
                ItemKind.REPORT,
                reports.annotate(
                    item_kind=Value(ItemKind.REPORT.value, output_field=CharField()),
                    item_reason=F("reason"),
                    item_author=F("reporter_id"),
                ).values_list(*columns),
            )
        )
    suggestions = moderated_content().waiting_suggestions(community)
    if ItemKind.SUGGESTION in kinds and not reason and suggestions is not None:
        parts.append(
            (
                ItemKind.SUGGESTION,
                suggestions.annotate(
                    item_kind=Value(ItemKind.SUGGESTION.value, output_field=CharField()),
                    item_reason=Value("", output_field=CharField()),
                    item_author=F("suggested_by_id"),
                ).values_list(*columns),
            )
        )
    if ItemKind.JOIN_REQUEST in kinds and not reason:
        parts.append(
            (
                ItemKind.JOIN_REQUEST,
                JoinRequest.objects.filter(community=community, status=RequestStatus.PENDING)
                .annotate(
                    item_kind=Value(ItemKind.JOIN_REQUEST.value, output_field=CharField()),
                    item_reason=Value("", output_field=CharField()),
                    item_author=F("user_id"),
                )
                .values_list(*columns),
            )
        )
    return parts


def _encode(item: QueueItem) -> str:
    return encode_cursor([item.created_at, item.kind.value, item.pk])


def _decode(cursor: str) -> tuple[datetime, str, int]:
    at, kind, pk = decode_cursor(cursor, [datetime, str, int])
    if kind not in [k.value for k in ItemKind]:
        raise ValidationFailed(fields={"cursor": [_("This page cursor is not valid.")]})
    return at, kind, pk


def _after(parts: list[Part], cursor: str | None) -> list[QuerySet[Any]]:
    """Rows after the cursor in the queue order: newest first, then kind, then id, descending."""
    if not cursor:
        return [query for _kind, query in parts]
    at, kind, pk = _decode(cursor)
    bounded = []
    for part_kind, query in parts:
        if part_kind < kind:
            condition = Q(created_at__lte=at)
        elif part_kind == kind:
            condition = Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk)
        else:
            condition = Q(created_at__lt=at)
        bounded.append(query.filter(condition))
    return bounded


def queue_page(
    *,
    actor: Any,
    community: Community,
    kinds: Iterable[str] | None = None,
    reason: str = "",
    cursor: str | None = None,
    limit: int,
) -> QueuePage:
    """Waiting items, newest first, filtered by kind and reason: four queries whatever the size."""
    require(actor, Action.MODERATE, community)
    wanted = _clean_kinds(kinds)
    if reason and reason not in REASONS:
        raise ValidationFailed(
            fields={"reason": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(REASONS)}]}
        )
    parts = _after(_parts(community, wanted, reason), cursor)
    if not parts:
        return QueuePage(items=[], next_cursor=None)
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    rows = list(union.order_by("-created_at", "-item_kind", "-pk")[: limit + 1])
    items = [
        QueueItem(kind=ItemKind(kind), pk=pk, created_at=at, reason=text or "")
        for kind, pk, at, text, _author in rows[:limit]
    ]
    _hydrate(items)
    next_cursor = _encode(items[-1]) if len(rows) > limit and items else None
    return QueuePage(items=items, next_cursor=next_cursor)


def _clean_kinds(kinds: Iterable[str] | None) -> list[ItemKind]:
    if not kinds:
        return list(ItemKind)
    wanted = []
    for kind in kinds:
        if kind not in ItemKind.__members__.values():
            raise ValidationFailed(
                fields={
                    "kind": [
                        _("Choose one of: %(choices)s.")
                        % {"choices": ", ".join(k.value for k in ItemKind)}
                    ]
                }
            )
        wanted.append(ItemKind(kind))
    return wanted


def _hydrate(items: list[QueueItem]) -> None:
    """Load the rows behind a page: one query per kind present, with their people."""
    by_kind: dict[ItemKind, list[int]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item.pk)
    sources: dict[tuple[ItemKind, int], Any] = {}
    if ItemKind.REPORT in by_kind:
        for report in Report.objects.filter(pk__in=by_kind[ItemKind.REPORT]).select_related(
            "reporter", "post", "post__author", "comment", "comment__author"
        ):
            sources[(ItemKind.REPORT, report.pk)] = report
    if ItemKind.SUGGESTION in by_kind:
        for pk, post in moderated_content().suggestions(by_kind[ItemKind.SUGGESTION]).items():
            sources[(ItemKind.SUGGESTION, pk)] = post
    if ItemKind.HELD in by_kind:
        for held in HeldItem.objects.filter(pk__in=by_kind[ItemKind.HELD]).select_related(
            "author", "post", "comment", "topic"
        ):
            sources[(ItemKind.HELD, held.pk)] = held
    if ItemKind.JOIN_REQUEST in by_kind:
        for request in JoinRequest.objects.filter(
            pk__in=by_kind[ItemKind.JOIN_REQUEST]
        ).select_related("user"):
            sources[(ItemKind.JOIN_REQUEST, request.pk)] = request
    for item in items:
        item.source = sources.get((item.kind, item.pk))
        item.author = _author_of(item)
        item.decisions = DECISIONS[item.kind]


def _author_of(item: QueueItem) -> User | None:
    """The person a block would hit: the reported content's author, the suggester, the asker."""
    source = item.source
    if source is None:
        return None
    if item.kind == ItemKind.REPORT:
        content = source.post or source.comment
        return content.author if content is not None else None
    if item.kind == ItemKind.SUGGESTION:
        return source.suggested_by
    if item.kind == ItemKind.HELD:
        return source.author
    return source.user


def item_for(*, actor: Any, community: Community, key: str) -> QueueItem:
    """One waiting item by its key ("report:12"), or 404."""
    require(actor, Action.MODERATE, community)
    kind_text, _sep, pk_text = key.partition(":")
    if kind_text not in ItemKind.__members__.values() or not pk_text.isdigit():
        raise NotFound
    kind, pk = ItemKind(kind_text), int(pk_text)
    parts = _parts(community, [kind], "")
    row = parts[0][1].filter(pk=pk).first() if parts else None
    if row is None:
        raise NotFound(_("This item has already been handled or does not exist."))
    item = QueueItem(kind=kind, pk=pk, created_at=row[2], reason=row[3] or "")
    _hydrate([item])
    return item


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
    if data.decision not in Decision.__members__.values() or data.decision not in item.decisions:
        raise ValidationFailed(
            fields={
                "decision": [
                    _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join(d.value for d in item.decisions)}
                ]
            }
        )
    decision = Decision(data.decision)
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
    """Approve keeps the content (the report is dismissed); delete removes it (upheld)."""
    now = timezone.now()
    upheld = decision == Decision.DELETE
    with transaction.atomic():
        claimed = Report.objects.filter(pk=report.pk, status=ReportStatus.OPEN).update(
            status=ReportStatus.UPHELD if upheld else ReportStatus.DISMISSED,
            handled_by=actor,
            handled_at=now,
        )
        if not claimed:
            raise DomainError(_("This item has already been handled."), code="conflict")
        if upheld:
            # Moderation removal: the content goes whatever the moderator's editing rights.
            moderated_content().remove_reported(
                actor=actor, post_id=report.post_id, comment_id=report.comment_id
            )
            offence_for_upheld_report(community=community, report=report, moderator=actor)
            # Other open reports of the same content are settled with it.
            Report.objects.filter(
                Q(post_id=report.post_id, post_id__isnull=False)
                | Q(comment_id=report.comment_id, comment_id__isnull=False),
                status=ReportStatus.OPEN,
            ).update(status=ReportStatus.UPHELD, handled_by=actor, handled_at=now)
        record_audit(
            actor=actor,
            community=community,
            action="report.uphold" if upheld else "report.dismiss",
            target=report,
            after={"reason": report.reason},
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


@dataclass
class ModeratorFigures:
    """What one person handled in the period."""

    user: User
    reports: int = 0
    suggestions: int = 0
    join_requests: int = 0
    held: int = 0

    @property
    def total(self) -> int:
        return self.reports + self.suggestions + self.join_requests + self.held


@dataclass
class ModerationStats:
    """Items handled per moderator, time from report to decision, share of suggestions published."""

    since: datetime
    moderators: list[ModeratorFigures]
    reports_decided: int
    median_report_hours: float | None
    suggestions_reviewed: int
    suggestions_published_share: float | None
    waiting: int
    held_decided: int = 0
    held_approved_share: float | None = None


def moderation_stats(*, actor: Any, community: Community, days: int = 30) -> ModerationStats:
    """R5.3/issue 5 point 7: the team's moderation figures over the last `days` days."""
    require(actor, Action.MODERATE, community)
    if not 1 <= days <= 366:
        raise ValidationFailed(fields={"days": [_("Use a number of days from 1 to 366.")]})
    since = timezone.now() - timedelta(days=days)
    figures: dict[int, ModeratorFigures] = {}

    def person(user: User) -> ModeratorFigures:
        return figures.setdefault(user.pk, ModeratorFigures(user=user))

    reports = list(
        Report.objects.filter(community=community, handled_at__gte=since)
        .exclude(handled_by=None)
        .select_related("handled_by")
    )
    for report in reports:
        person(report.handled_by).reports += 1  # type: ignore[arg-type]
    reviewed = moderated_content().reviewed_suggestions(community, since)
    for reviewer, _published in reviewed:
        person(reviewer).suggestions += 1
    requests = JoinRequest.objects.filter(community=community, decided_at__gte=since).exclude(
        decided_by=None
    )
    for request in requests.select_related("decided_by"):
        person(request.decided_by).join_requests += 1  # type: ignore[arg-type]
    held = list(
        HeldItem.objects.filter(
            community=community,
            decided_at__gte=since,
            status__in=[HeldStatus.APPROVED, HeldStatus.REJECTED],
        )
        .exclude(decided_by=None)
        .select_related("decided_by")
    )
    for item in held:
        person(item.decided_by).held += 1  # type: ignore[arg-type]
    approved = sum(1 for item in held if item.status == HeldStatus.APPROVED)
    hours = sorted(
        (r.handled_at - r.created_at).total_seconds() / 3600 for r in reports if r.handled_at
    )
    published = sum(1 for _reviewer, was_published in reviewed if was_published)
    waiting = sum(query.count() for _kind, query in _parts(community, list(ItemKind), ""))
    return ModerationStats(
        since=since,
        moderators=sorted(figures.values(), key=lambda f: (-f.total, f.user.username)),
        reports_decided=len(reports),
        median_report_hours=_median(hours),
        suggestions_reviewed=len(reviewed),
        suggestions_published_share=published / len(reviewed) if reviewed else None,
        waiting=waiting,
        held_decided=len(held),
        held_approved_share=approved / len(held) if held else None,
    )


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2
