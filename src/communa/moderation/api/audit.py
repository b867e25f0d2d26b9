"""The moderation API: a community's audit log for its owner and administrators (R5.6)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Schema

from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.errors import ValidationFailed
from communa.core.models import AuditEntry
from communa.core.schemas import Cursor, Page, PageLimit, moment_in_range
from communa.moderation import labels, selectors

router = Router(tags=["moderation"])


class AuditChangeOut(Schema):
    field: str
    before: Any = None
    after: Any = None


class AuditActorOut(Schema):
    username: str
    display_name: str


class AuditEntryOut(Schema):
    id: int
    action: str
    action_label: str
    actor: AuditActorOut | None
    target_type: str
    target_id: str
    target_repr: str
    before: dict[str, Any]
    after: dict[str, Any]
    changes: list[AuditChangeOut]
    created_at: datetime


def audit_entry_out(entry: AuditEntry) -> dict[str, Any]:
    actor = entry.actor
    return {
        "id": entry.pk,
        "action": entry.action,
        "action_label": labels.action_label(entry.action),
        "actor": (
            {"username": actor.username, "display_name": actor.display_name}
            if actor is not None
            else None
        ),
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_repr": entry.target_repr,
        "before": entry.before,
        "after": entry.after,
        "changes": [
            {"field": change.field, "before": change.before, "after": change.after}
            for change in selectors.changes_of(entry)
        ],
        "created_at": entry.created_at,
    }


@router.get("/communities/{slug}/audit", response=Page[AuditEntryOut])
def audit_log(
    request: AuthedRequest,
    slug: str,
    *,
    action: str = "",
    actor: str = "",
    target_type: str = "",
    since: str = "",
    until: str = "",
    cursor: Cursor = None,
    limit: PageLimit = None,
) -> dict[str, Any]:
    """The audit log, newest first (owner and administrators).

    `action` and `target_type` match exactly (e.g. `team.role`, `walls.post`), `actor` is a
    username in any case; `since` and `until` take a date (the whole day) or a date and time,
    read in your own time zone when it has none.
    """
    community, _standing = community_for(request.auth, slug, Action.VIEW_AUDIT_LOG)
    errors: dict[str, list[str]] = {}
    moments: dict[str, datetime | None] = {}
    for name, text in (("since", since), ("until", until)):
        try:
            moments[name] = selectors.parse_moment(text, field=name, end=name == "until")
        except ValidationFailed as exc:
            errors.update(exc.fields)
            continue
        if not moment_in_range(moments[name]):
            errors[name] = [_("This date is out of range.")]
    if errors:
        raise ValidationFailed(fields=errors)
    filters = selectors.audit_filters(
        action=action,
        actor=actor,
        target_type=target_type,
        since=moments["since"],
        until=moments["until"],
    )
    page = selectors.audit_page(community, filters, cursor=cursor, limit=limit)
    return {
        "items": [audit_entry_out(entry) for entry in page.items],
        "next_cursor": page.next_cursor,
    }
