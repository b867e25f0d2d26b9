"""Reads of the moderation app: the community's audit log, filtered and paged (R5.6)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.communities.models import Community
from communa.communities.selectors import page_size
from communa.core.errors import ValidationFailed
from communa.core.models import AuditEntry
from communa.core.pagination import Page, keyset_page

# What each recorded action means, for people; an action missing here shows its code.
ACTION_LABELS: dict[str, Promise] = {
    "community.create": gettext_lazy("Created the community"),
    "community.update": gettext_lazy("Changed the settings"),
    "community.convert": gettext_lazy("Converted the community"),
    "community.cover": gettext_lazy("Replaced the cover"),
    "community.avatar": gettext_lazy("Replaced the avatar"),
    "community.verification_request": gettext_lazy("Asked for the verified mark"),
    "verification.approve": gettext_lazy("Verified mark granted"),
    "verification.reject": gettext_lazy("Verified mark refused"),
    "wiki.create": gettext_lazy("Added a wiki page"),
    "wiki.update": gettext_lazy("Edited a wiki page"),
    "wiki.delete": gettext_lazy("Deleted a wiki page"),
    "request.approve": gettext_lazy("Approved a join request"),
    "request.reject": gettext_lazy("Rejected a join request"),
    "invitation.send": gettext_lazy("Sent invitations"),
    "invitation.cancel": gettext_lazy("Cancelled an invitation"),
    "member.block": gettext_lazy("Blocked a member"),
    "member.unblock": gettext_lazy("Unblocked a member"),
    "team.role": gettext_lazy("Changed a role"),
    "team.leave": gettext_lazy("Left the team"),
    "ownership.request": gettext_lazy("Started an ownership handover"),
    "ownership.cancel": gettext_lazy("Cancelled an ownership handover"),
    "ownership.complete": gettext_lazy("Ownership handed over"),
    "ownership.void": gettext_lazy("Ownership handover voided"),
    "post.publish": gettext_lazy("Published a post"),
    "post.edit": gettext_lazy("Edited a post"),
    "post.delete": gettext_lazy("Deleted a post"),
    "post.pin": gettext_lazy("Pinned a post"),
    "post.unpin": gettext_lazy("Unpinned a post"),
    "suggestion.publish": gettext_lazy("Published a suggested post"),
    "suggestion.reject": gettext_lazy("Rejected a suggested post"),
    "comment.delete": gettext_lazy("Deleted a comment"),
    "topic.edit": gettext_lazy("Edited a discussion"),
    "topic.delete": gettext_lazy("Deleted a discussion"),
    "topic.pin": gettext_lazy("Pinned a discussion"),
    "topic.unpin": gettext_lazy("Unpinned a discussion"),
    "topic.close": gettext_lazy("Closed a discussion"),
    "topic.reopen": gettext_lazy("Reopened a discussion"),
    "document.delete": gettext_lazy("Deleted a document"),
    "album.delete": gettext_lazy("Deleted an album"),
    "photo.delete": gettext_lazy("Deleted a photo"),
    "rubric.create": gettext_lazy("Added a rubric"),
    "rubric.update": gettext_lazy("Changed a rubric"),
    "playbook.update": gettext_lazy("Changed the playbook"),
    "playbook.warn": gettext_lazy("Warned a member (playbook)"),
    "playbook.mute": gettext_lazy("Muted a member (playbook)"),
    "playbook.block": gettext_lazy("Blocked a member (playbook)"),
    "playbook.lift": gettext_lazy("Lifted a sanction"),
    "filters.update": gettext_lazy("Changed the automatic checks"),
    "held.approve": gettext_lazy("Approved a held item"),
    "held.reject": gettext_lazy("Rejected a held item"),
    "held.delete": gettext_lazy("Deleted a held item"),
}

_SHOWN_VALUE = 80
_ACTION_MAX = 64
_ACTOR_MAX = 150


def action_label(code: str) -> str:
    """The words for a recorded action, or its code when it has none yet."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def target_type_label(label: str) -> str:
    """ "walls.post" → "post": the model's own name, or the label when the model is gone."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


@dataclass(frozen=True)
class Change:
    """One field of an entry's before/after: absent on a side when it was not recorded there."""

    field: str
    before: Any
    after: Any
    had_before: bool
    has_after: bool

    @property
    def shown_before(self) -> str:
        return _shown(self.before)

    @property
    def shown_after(self) -> str:
        return _shown(self.after)


def _shown(value: Any) -> str:
    """A short text for the page; "" stays empty (the page says so), None is a dash."""
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN_VALUE else text[: _SHOWN_VALUE - 1] + "…"


def changes_of(entry: AuditEntry) -> list[Change]:
    """The fields that differ between before and after, in the order they were recorded."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    changes = []
    for field in [*before, *(key for key in after if key not in before)]:
        had_before, has_after = field in before, field in after
        if had_before and has_after and before[field] == after[field]:
            continue
        changes.append(Change(field, before.get(field), after.get(field), had_before, has_after))
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
