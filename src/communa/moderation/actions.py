"""Writes of the moderation app: reports."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from communa.core.errors import Conflict, ValidationFailed
from communa.moderation.models import Report, ReportReason


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
