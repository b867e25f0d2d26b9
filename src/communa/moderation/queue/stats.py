"""The team's moderation figures (R5.3, issue 5 point 7): who handled what, and how fast."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.models import User
from communa.communities.models import Community, JoinRequest
from communa.communities.permissions import Action, require
from communa.core.errors import ValidationFailed
from communa.core.gate import moderated_content
from communa.moderation.models import HeldItem, HeldStatus, Report
from communa.moderation.queue.items import waiting_count


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

    @property
    def median_report_days(self) -> float | None:
        """The median wait from report to decision, in days (the page's unit)."""
        return None if self.median_report_hours is None else self.median_report_hours / 24

    @property
    def suggestions_published_percent(self) -> int | None:
        return _percent(self.suggestions_published_share)

    @property
    def held_approved_percent(self) -> int | None:
        return _percent(self.held_approved_share)


def _percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


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
    waiting = waiting_count(community)
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
