"""One moderation queue (R5.3): the rows that wait for a decision, read as one list.

The queue is a read model, not a table of its own: open reports, suggested posts and pending
join requests are read from their own tables with one UNION, newest first, so an item can never
be out of step with its source. Each decision calls the action that owns the source row
(`publish_suggestion`, `decide_join_request`, ...), so the rules, the audit entry and the
events are those of that action whichever page the moderator used. What the automatic checks
held (posts, comments, topics) comes from `HeldItem` rows, the fourth part of the union.
Open reports of the same post or comment make one item: its newest report stands for the group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.accounts.models import User
from communa.communities.models import Community, JoinRequest, RequestStatus
from communa.communities.permissions import Action, Standing, can, require
from communa.core.errors import NotFound, ValidationFailed
from communa.core.gate import moderated_content
from communa.core.pagination import decode_cursor, encode_cursor
from communa.moderation.filters import CATEGORIES
from communa.moderation.models import HeldItem, HeldStatus, Report, ReportReason, ReportStatus
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

# The permission each kind's decisions need, on top of MODERATE; a block also needs BLOCK_MEMBERS.
# The owning actions check them again: the queue only leaves out what a role cannot do.
KIND_PERMISSIONS: dict[ItemKind, Action] = {
    ItemKind.REPORT: Action.MODERATE,
    ItemKind.SUGGESTION: Action.REVIEW_SUGGESTIONS,
    ItemKind.JOIN_REQUEST: Action.REVIEW_REQUESTS,
    ItemKind.HELD: Action.MODERATE,
}
# Decisions that cannot be undone: the page asks before applying them.
DESTRUCTIVE = frozenset({Decision.DELETE, Decision.BLOCK, Decision.REJECT})


def decisions_for(kind: ItemKind, allows: Callable[[Action], bool]) -> tuple[Decision, ...]:
    """The decisions on this kind of item that the person's role may make."""
    if not allows(KIND_PERMISSIONS[kind]):
        return ()
    return tuple(d for d in DECISIONS[kind] if d != Decision.BLOCK or allows(Action.BLOCK_MEMBERS))


def permissions_of(
    actor: Any, community: Community, standing: Standing
) -> Callable[[Action], bool]:
    """`can` for one person and community, asked once per action."""
    known: dict[Action, bool] = {}

    def allows(action: Action) -> bool:
        if action not in known:
            known[action] = can(actor, action, community, standing=standing)
        return known[action]

    return allows


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
    # For a report: every open report of the same post or comment, newest first.
    reports: list[Report] = field(default_factory=list)

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
    def report_count(self) -> int:
        return len(self.reports) or (1 if self.kind == ItemKind.REPORT else 0)

    @property
    def report_reasons(self) -> list[tuple[str, int]]:
        """Each reason the reporters gave, with how many gave it, most frequent first."""
        counts = Counter(str(ReportReason(r.reason).label) for r in self.reports)
        return counts.most_common()

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


def _newest_of_group(reports: QuerySet[Report]) -> QuerySet[Report]:
    """The newest report of each post or comment: no later one of the same thing is in the set."""
    later = reports.filter(
        Q(post_id=OuterRef("post_id")) | Q(comment_id=OuterRef("comment_id")), pk__gt=OuterRef("pk")
    )
    return reports.filter(~Exists(later))


def _parts(
    community: Community, kinds: Iterable[ItemKind], reason: str, *, grouped: bool = True
) -> list[Part]:
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
        if grouped:
            reports = _newest_of_group(reports)
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
    standing = require(actor, Action.MODERATE, community)
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
    _hydrate(items, permissions_of(actor, community, standing))
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


def _hydrate(items: list[QueueItem], allows: Callable[[Action], bool]) -> None:
    """Load the rows behind a page: one query per kind present, with their people."""
    by_kind: dict[ItemKind, list[int]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item.pk)
    sources: dict[tuple[ItemKind, int], Any] = {}
    groups: dict[tuple[str, int], list[Report]] = {}
    if ItemKind.REPORT in by_kind:
        shown = Report.objects.filter(pk__in=by_kind[ItemKind.REPORT])
        # The shown reports and every other open report of the same things, in one query.
        for report in (
            Report.objects.filter(
                Q(pk__in=by_kind[ItemKind.REPORT])
                | Q(status=ReportStatus.OPEN, post_id__in=shown.values("post_id"))
                | Q(status=ReportStatus.OPEN, comment_id__in=shown.values("comment_id"))
            )
            .select_related("reporter", "post", "post__author", "comment", "comment__author")
            .order_by("-pk")
        ):
            sources[(ItemKind.REPORT, report.pk)] = report
            if report.pk in by_kind[ItemKind.REPORT] or report.status == ReportStatus.OPEN:
                groups.setdefault(_thing_of(report), []).append(report)
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
        item.decisions = decisions_for(item.kind, allows)
        if item.kind == ItemKind.REPORT and item.source is not None:
            item.reports = groups.get(_thing_of(item.source), [item.source])


def _thing_of(report: Report) -> tuple[str, int]:
    return ("post", report.post_id) if report.post_id else ("comment", report.comment_id or 0)


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
    standing = require(actor, Action.MODERATE, community)
    kind_text, _sep, pk_text = key.partition(":")
    if kind_text not in ItemKind.__members__.values() or not pk_text.isdigit():
        raise NotFound
    kind, pk = ItemKind(kind_text), int(pk_text)
    # Any open report of a group answers for it, not only the one the list shows.
    parts = _parts(community, [kind], "", grouped=False)
    row = parts[0][1].filter(pk=pk).first() if parts else None
    if row is None:
        raise NotFound(_("This item has already been handled or does not exist."))
    item = QueueItem(kind=kind, pk=pk, created_at=row[2], reason=row[3] or "")
    _hydrate([item], permissions_of(actor, community, standing))
    return item


def waiting_count(community: Community) -> int:
    """How many items wait, counted as the queue shows them (reports of one thing as one)."""
    return sum(query.count() for _kind, query in _parts(community, list(ItemKind), ""))


def summary_of(item: QueueItem) -> str:
    """A line of what the item is about: the reported text, the suggestion, the request."""
    source = item.source
    if source is None:
        return ""
    if item.kind == ItemKind.REPORT:
        content = source.post or source.comment
        text = getattr(content, "body", "") or getattr(content, "title", "")
        return f"{text[:200]}" + (f" — {source.text[:200]}" if source.text else "")
    if item.kind == ItemKind.SUGGESTION:
        text = (source.title or source.body)[:200]
        flagged = [str(CATEGORY_LABELS[f]) for f in source.flags or [] if f in CATEGORY_LABELS]
        # What the automatic checks found in it, for the reviewer (R5.1).
        checks = _("Checks:")
        return f"{text} — {checks} {', '.join(flagged)}" if flagged else text
    if item.kind == ItemKind.HELD:
        target = source.target
        text = (getattr(target, "title", "") or getattr(target, "body", "")) if target else ""
        return f"{text[:200]} — {item.note}"
    return source.message[:200]
