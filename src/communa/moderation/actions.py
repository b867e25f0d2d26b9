"""Writes of the moderation app: audit entries and reports."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from communa.core.errors import Conflict, ValidationFailed
from communa.moderation.models import AuditEntry, Report, ReportReason


def record_audit(
    *,
    actor: Any,
    action: str,
    community: Any = None,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry; call it inside the transaction of the action it records."""
    return AuditEntry.objects.create(
        community=community,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
    )


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or isinstance(value, (bool, int, float, str)):
            out[key] = value
        elif isinstance(value, (list, tuple)):
            out[key] = [
                v if isinstance(v, (bool, int, float, str)) or v is None else str(v) for v in value
            ]
        else:
            out[key] = str(value)
    return out


def file_report(
    *,
    reporter: Any,
    community_id: int | None,
    reason: str,
    text: str = "",
    post: Any = None,
    comment: Any = None,
) -> Report:
    """Record a complaint about a post or comment, once per person and item."""
    if reason not in ReportReason.values:
        raise ValidationFailed(
            fields={
                "reason": [
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(ReportReason.values)}
                ]
            }
        )
    text = (text or "").strip()
    if len(text) > 1000:
        raise ValidationFailed(fields={"text": [_("A report has at most 1000 characters.")]})
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter,
                community_id=community_id,
                post=post,
                comment=comment,
                reason=reason,
                text=text,
            )
    except IntegrityError as exc:
        raise Conflict(_("You have already reported this."), code="already_reported") from exc
