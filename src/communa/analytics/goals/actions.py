"""Every write of KPI goals (R9.8): set, change and drop a goal.

Goals are kept by who manages the community's settings (EDIT_SETTINGS: the owner and the
administrators, ADR 0017): a goal is the target the community is run for, often what an agency
agreed with its client, not a working note of each editor; the whole statistics team reads them.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.validation import FieldErrors
from communa.analytics.goals.metrics import METRICS, metrics_of
from communa.analytics.models import Goal, GoalType
from communa.analytics.periods import today_in
from communa.analytics.sales.currencies import MINOR_UNITS
from communa.communities.models import Community
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit
from communa.core.conf import int_setting
from communa.core.moments import community_time_zone

MAX_GOALS: Final = 50
NAME_MAX: Final = 120
TARGET_MAX: Final = Decimal("1e15")
FIELDS: Final = ("goal_type", "metric", "name", "target", "currency", "starts_on", "deadline")


def _target(value: Any, errors: FieldErrors) -> Decimal | None:
    if isinstance(value, float | bool):
        errors.add("target", _('Send the target as text or a whole number, such as "1500".'))
        return None
    try:
        target = Decimal(str(value).strip())
    except InvalidOperation:
        errors.add("target", _("Give the target as a number."))
        return None
    if not target.is_finite() or target <= 0 or target >= TARGET_MAX:
        errors.add("target", _("The target is a number above zero."))
        return None
    exponent = target.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        errors.add("target", _("Use at most 4 digits after the point."))
        return None
    return target


def _clean(data: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "goal_type" in data:
        cleaned["goal_type"] = str(data["goal_type"] or "")
        if cleaned["goal_type"] not in GoalType.values:
            errors.add(
                "goal_type",
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(GoalType.values)},
            )
    if "metric" in data:
        cleaned["metric"] = str(data["metric"] or "")
    if "name" in data:
        cleaned["name"] = " ".join(str(data["name"] or "").split())
        if len(cleaned["name"]) > NAME_MAX:
            errors.add("name", _("A goal name has at most %(n)d characters.") % {"n": NAME_MAX})
    if "target" in data:
        cleaned["target"] = _target(data["target"], errors)
    if "currency" in data:
        cleaned["currency"] = str(data["currency"] or "").strip()
    for field in ("starts_on", "deadline"):
        if field in data:
            if not isinstance(data[field], date):
                errors.add(field, _("Give a date such as 2026-03-29."))
            cleaned[field] = data[field]
    return cleaned


def _metric_fits(goal: dict[str, Any], errors: FieldErrors) -> None:
    """The metric belongs to the goal's type, is measured, and has a currency if it is money."""
    if "goal_type" in errors.fields:
        return
    allowed = metrics_of(goal["goal_type"])
    metric = METRICS.get(goal["metric"])
    if metric is None or metric not in allowed:
        errors.add(
            "metric",
            _("A goal of this type tracks one of: %(choices)s.")
            % {"choices": ", ".join(m.code for m in allowed)},
        )
        return
    if not metric.available:
        errors.add("metric", str(metric.unavailable))
        return
    if metric.needs_currency and goal["currency"] not in MINOR_UNITS:
        errors.add(
            "currency",
            _("A money goal needs its ISO 4217 currency, such as EUR: currencies are never added."),
        )
    elif not metric.needs_currency and goal["currency"]:
        errors.add("currency", _("Only revenue and average order value have a currency."))


def _dates_fit(
    goal: dict[str, Any], community: Community, errors: FieldErrors, *, new: bool
) -> None:
    starts_on, deadline = goal["starts_on"], goal["deadline"]
    if not isinstance(starts_on, date) or not isinstance(deadline, date):
        return
    zone = community_time_zone(community)
    today = today_in(zone)
    if deadline < starts_on:
        errors.add("deadline", _("The deadline cannot come before the start."))
    elif (deadline - starts_on).days + 1 > int_setting("STATS_MAX_DAYS"):
        errors.add(
            "deadline",
            _("A goal can last at most %(days)s days.") % {"days": int_setting("STATS_MAX_DAYS")},
        )
    if new and deadline < today:
        errors.add("deadline", _("The deadline has passed already."))
    founded = community.created_at.astimezone(zone).date()
    if starts_on < founded:
        errors.add("starts_on", _("A goal cannot start before the community existed."))
    elif starts_on > today + timedelta(days=int_setting("STATS_MAX_DAYS")):
        errors.add("starts_on", _("The start is too far ahead."))


def _facts(goal: Goal) -> dict[str, Any]:
    return {field: getattr(goal, field) for field in FIELDS}


def create_goal(*, actor: Any, community: Community, data: dict[str, Any]) -> Goal:
    """Set a goal: a type, one of its metrics, a target and a deadline (the start is today
    unless given). A metric that is not measured yet is refused with the reason."""
    require(actor, Action.EDIT_SETTINGS, community)
    errors = FieldErrors()
    cleaned = _clean({"name": "", "currency": "", **data}, errors)
    cleaned.setdefault("starts_on", today_in(community_time_zone(community)))
    for field in ("goal_type", "metric", "target", "deadline"):
        if field not in cleaned:
            errors.add(field, _("This field is required."))
    errors.raise_if_any()
    _metric_fits(cleaned, errors)
    _dates_fit(cleaned, community, errors, new=True)
    errors.raise_if_any()
    with transaction.atomic():
        # The count and the insert cannot interleave with another creation.
        Community.objects.select_for_update().filter(pk=community.pk).first()
        if Goal.objects.filter(community=community).count() >= MAX_GOALS:
            errors.add(
                "goal_type",
                _("A community has at most %(n)d goals; delete one first.") % {"n": MAX_GOALS},
            )
            errors.raise_if_any()
        goal = Goal.objects.create(community=community, created_by=actor, **cleaned)
        record_audit(
            actor=actor, community=community, action="goal.create", target=goal, after=_facts(goal)
        )
    return goal


def update_goal(*, actor: Any, goal: Goal, data: dict[str, Any]) -> Goal:
    """Change a goal's name, target, currency, start or deadline (its type and metric too, as
    long as they still fit together)."""
    community = goal.community
    require(actor, Action.EDIT_SETTINGS, community)
    errors = FieldErrors()
    cleaned = _clean(data, errors)
    errors.raise_if_any()
    merged = {**_facts(goal), **cleaned}
    if cleaned.keys() & {"goal_type", "metric", "currency"}:
        _metric_fits(merged, errors)
    if cleaned.keys() & {"starts_on", "deadline"}:
        _dates_fit(merged, community, errors, new=False)
    errors.raise_if_any()
    with transaction.atomic():
        before = _facts(goal)
        for field, new in cleaned.items():
            setattr(goal, field, new)
        goal.updated_at = timezone.now()
        goal.save()
        record_audit(
            actor=actor,
            community=community,
            action="goal.update",
            target=goal,
            before=before,
            after=_facts(goal),
        )
    return goal


def delete_goal(*, actor: Any, goal: Goal) -> None:
    """Drop a goal; nothing else changes (its figures are the metric's, not the goal's)."""
    require(actor, Action.EDIT_SETTINGS, goal.community)
    with transaction.atomic():
        record_audit(
            actor=actor,
            community=goal.community,
            action="goal.delete",
            target=goal,
            before=_facts(goal),
        )
        goal.delete()
