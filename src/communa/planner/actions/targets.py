"""The mix targets (R8.4): the tone mix a community aims at, its promotional limit and how many
posts a day suit it. The mix advisor warns against these; until a community saves its own, the
defaults hold (30/35/35, at most 20 % promotional, a brand's 1–3 posts a day)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from communa.accounts.validation import FieldErrors
from communa.communities.models import Community
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit
from communa.planner.models import FREQUENCY_RANGES, FrequencyProfile, MixTargets

SHARES = ("branded", "functional", "emotional")
FIELDS = (
    *SHARES,
    "promotional_limit",
    "tolerance",
    "frequency",
    "min_per_day",
    "max_per_day",
)
TOLERANCE_MAX = 50
PER_DAY_MAX = 100


def _whole(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _percent(field: str, value: Any, errors: FieldErrors) -> int:
    number = _whole(value)
    if number is None or not 0 <= number <= 100:
        errors.add(field, _("Give a whole number from 0 to 100."))
        return 0
    return number


def _clean(values: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    """Every field checked; the shares must add up to 100, the frequency profile sets the posts a
    day unless it is custom."""
    cleaned: dict[str, Any] = {}
    for field in (*SHARES, "promotional_limit"):
        cleaned[field] = _percent(field, values[field], errors)
    if not any(field in errors.fields for field in SHARES):
        total = sum(cleaned[field] for field in SHARES)
        if total != 100:
            message = _(
                "The branded, functional and emotional shares must add up to 100 (now %(total)d)."
            ) % {"total": total}
            for field in SHARES:
                errors.add(field, message)
    tolerance = _whole(values["tolerance"])
    if tolerance is None or not 0 <= tolerance <= TOLERANCE_MAX:
        errors.add("tolerance", _("Give a whole number from 0 to %(n)d.") % {"n": TOLERANCE_MAX})
    cleaned["tolerance"] = tolerance
    frequency = values["frequency"]
    if frequency not in FrequencyProfile.values:
        errors.add(
            "frequency",
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(FrequencyProfile.values)},
        )
        return cleaned
    cleaned["frequency"] = frequency
    if frequency in FREQUENCY_RANGES:
        cleaned["min_per_day"], cleaned["max_per_day"] = FREQUENCY_RANGES[
            FrequencyProfile(frequency)
        ]
        return cleaned
    least, most = _whole(values["min_per_day"]), _whole(values["max_per_day"])
    if least is None or not 0 <= least <= PER_DAY_MAX:
        errors.add("min_per_day", _("Give a whole number from 0 to %(n)d.") % {"n": PER_DAY_MAX})
    if most is None or not 1 <= most <= PER_DAY_MAX:
        errors.add("max_per_day", _("Give a whole number from 1 to %(n)d.") % {"n": PER_DAY_MAX})
    if (
        least is not None
        and most is not None
        and least > most
        and not errors.fields.get("max_per_day")
    ):
        errors.add("max_per_day", _("The most posts a day cannot be fewer than the least."))
    cleaned["min_per_day"], cleaned["max_per_day"] = least, most
    return cleaned


def _facts(targets: MixTargets) -> dict[str, Any]:
    return {field: getattr(targets, field) for field in FIELDS}


def save_mix_targets(*, actor: Any, community: Community, data: dict[str, Any]) -> MixTargets:
    """Set the community's mix targets; a field left out keeps its value (the default when
    none was saved). Editors, administrators and the owner."""
    require(actor, Action.PLAN_CONTENT, community)
    with transaction.atomic():
        # The community's row is locked so that two first saves do not both insert.
        list(Community.objects.select_for_update().filter(pk=community.pk).values_list("pk"))
        targets = MixTargets.objects.filter(community=community).first() or MixTargets(
            community=community
        )
        before = _facts(targets)
        errors = FieldErrors()
        cleaned = _clean({**before, **{k: v for k, v in data.items() if k in FIELDS}}, errors)
        errors.raise_if_any()
        changed = {key: value for key, value in cleaned.items() if before[key] != value}
        if targets.pk is not None and not changed:
            return targets
        for key, value in cleaned.items():
            setattr(targets, key, value)
        targets.save()
        record_audit(
            actor=actor,
            community=community,
            action="mix_targets.update",
            target=targets,
            before={key: before[key] for key in changed},
            after=changed,
        )
    return targets
