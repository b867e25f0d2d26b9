"""Reads of the moderation app: the community's audit log, filtered and paged (R5.6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from communa.communities.models import Community
from communa.communities.selectors import page_size
from communa.core.errors import ValidationFailed
from communa.core.models import AuditEntry
from communa.core.pagination import Page, keyset_page
from communa.moderation.labels import field_label, shown_value

_ACTION_MAX = 64
_ACTOR_MAX = 150


@dataclass(frozen=True)
class Change:
    """One field of an entry's before/after: absent on a side when it was not recorded there."""

    field: str
    before: Any
    after: Any
    had_before: bool
    has_after: bool
    target_type: str = ""

    @property
    def label(self) -> str:
        return field_label(self.field, self.target_type)

    @property
    def shown_before(self) -> str:
        return shown_value(self.field, self.before, self.target_type)

    @property
    def shown_after(self) -> str:
        return shown_value(self.field, self.after, self.target_type)


def changes_of(entry: AuditEntry) -> list[Change]:
    """The fields that differ between before and after, in the order they were recorded."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    changes = []
    for field in [*before, *(key for key in after if key not in before)]:
        had_before, has_after = field in before, field in after
        if had_before and has_after and before[field] == after[field]:
            continue
        changes.append(
            Change(
                field,
                before.get(field),
                after.get(field),
                had_before,
                has_after,
                entry.target_type,
            )
        )
    return changes


@dataclass(frozen=True)
class AuditFilters:
    """What the audit page and API narrow the log to; empty values do not narrow."""

    action: str = ""
    actor: str = ""  # a username, in any case
    target_type: str = ""  # an app label and model, e.g. "walls.post"
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # inclusive


def start_of_day(day: date) -> datetime:
    """Midnight at the start of the day, in the viewer's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def end_of_day(day: date) -> datetime:
    """The last microsecond of the day, in the viewer's time zone."""
    return timezone.make_aware(datetime.combine(day, time.max))


def parse_moment(text: str, *, field: str, end: bool = False) -> datetime | None:
    """A date ("2026-01-31": the whole day) or a date and time; naive ones in the viewer's zone.

    Raises ValidationFailed naming `field` when the text is neither.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        # The date first: parse_datetime would read a bare date as its midnight.
        day = parse_date(text)
        if day is not None:
            return end_of_day(day) if end else start_of_day(day)
        moment = parse_datetime(text)
    except ValueError:  # well formed but impossible, such as 2026-02-30
        moment = None
    if moment is None:
        raise ValidationFailed(
            fields={
                field: [
                    _(
                        "Use a date such as 2026-01-31 or a date and time such as "
                        "2026-01-31T18:00:00Z."
                    )
                ]
            }
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def audit_filters(
    *,
    action: str = "",
    actor: str = "",
    target_type: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> AuditFilters:
    """Checked filters: too-long values and an empty date range are refused by field."""
    action, actor, target_type = (action or "").strip(), (actor or "").strip(), (target_type or "")
    fields: dict[str, list[str]] = {}
    too_long = _("Use at most %(n)s characters.")
    if len(action) > _ACTION_MAX:
        fields["action"] = [too_long % {"n": _ACTION_MAX}]
    if len(actor) > _ACTOR_MAX:
        fields["actor"] = [too_long % {"n": _ACTOR_MAX}]
    if len(target_type.strip()) > _ACTION_MAX:
        fields["target_type"] = [too_long % {"n": _ACTION_MAX}]
    if since is not None and until is not None and until < since:
        fields["until"] = [_("The end of the range comes before its start.")]
    if fields:
        raise ValidationFailed(fields=fields)
    return AuditFilters(
        action=action, actor=actor, target_type=target_type.strip(), since=since, until=until
    )


def audit_page(
    community: Community,
    filters: AuditFilters | None = None,
    *,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[AuditEntry]:
    """The community's audit entries, newest first, with their actors (one query per page)."""
    filters = filters or AuditFilters()
    found = AuditEntry.objects.filter(community=community).select_related("actor")
    if filters.action:
        found = found.filter(action=filters.action)
    if filters.actor:
        found = found.filter(actor__username__iexact=filters.actor)
    if filters.target_type:
        found = found.filter(target_type=filters.target_type)
    if filters.since is not None:
        found = found.filter(created_at__gte=filters.since)
    if filters.until is not None:
        found = found.filter(created_at__lte=filters.until)
    return keyset_page(found, ["-created_at", "-id"], cursor=cursor, limit=page_size(limit))


def audit_choices(community: Community) -> tuple[list[str], list[str]]:
    """The actions and the target types present in the community's log (one query)."""
    pairs = (
        AuditEntry.objects.filter(community=community)
        .order_by()  # no ordering columns in the DISTINCT
        .values_list("action", "target_type")
        .distinct()
    )
    actions, target_types = set(), set()
    for action, target_type in pairs:
        actions.add(action)
        if target_type:
            target_types.add(target_type)
    return sorted(actions), sorted(target_types)
