"""The audit log's one writer: every action appends who did what, on what, before and after."""

from __future__ import annotations

from typing import Any

from django.db import models

from communa.core.models import AuditEntry


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
