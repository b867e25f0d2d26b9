"""The promotions calendar (R8.6): contests, ad campaigns, discounts and launches with their
dates, a description and the campaign tag their tracked links carry (R8.8).

Promotions may overlap (a discount during a contest is ordinary). Deleting one leaves its posts
where they are, only no longer counted as the promotion's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from communa.accounts.validation import FieldErrors
from communa.communities.models import Community
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit
from communa.planner.actions.plans import day_from
from communa.planner.models import Promotion, PromotionKind

NAME_MAX = 120
DESCRIPTION_MAX = 2000
CAMPAIGN_MAX = 64
CAMPAIGN = re.compile(r"^[-a-zA-Z0-9_]+$")
DATES = ("starts_on", "ends_on")
FIELDS = ("kind", "name", "starts_on", "ends_on", "description", "campaign")


def campaign_tag(name: str, kind: str, starts_on: date | None) -> str:
    """The campaign tag made from a promotion's name: "Spring sale" → "spring-sale". A name
    with no Latin letters or digits gives the kind and the first day ("contest-2026-05-01")."""
    tag = slugify(name)[:CAMPAIGN_MAX].strip("-_")
    if tag:
        return tag
    day = starts_on.isoformat() if starts_on else ""
    return "-".join(part for part in (kind.replace("_", "-"), day) if part)[:CAMPAIGN_MAX]


def _clean(data: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    checks: dict[str, Callable[[Any], Any]] = {
        "kind": _kind_of(errors),
        "name": _name_of(errors),
        "starts_on": lambda value: day_from(value, "starts_on", errors),
        "ends_on": lambda value: day_from(value, "ends_on", errors),
        "description": _description_of(errors),
        "campaign": _campaign_of(errors),
    }
    for field, check in checks.items():
        if field in data:
            cleaned[field] = check(data[field])
    return cleaned


def _kind_of(errors: FieldErrors) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in PromotionKind.values:
            errors.add(
                "kind",
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(PromotionKind.values)},
            )
        return str(value or "")

    return check


def _name_of(errors: FieldErrors) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        name = " ".join(str(value or "").split())
        if not name:
            errors.add("name", _("Give the promotion a name."))
        elif len(name) > NAME_MAX:
            errors.add(
                "name", _("A promotion name has at most %(n)d characters.") % {"n": NAME_MAX}
            )
        return name

    return check


def _description_of(errors: FieldErrors) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = str(value or "").replace("\r\n", "\n").strip()
        if len(text) > DESCRIPTION_MAX:
            errors.add(
                "description",
                _("A description has at most %(n)d characters.") % {"n": DESCRIPTION_MAX},
            )
        return text

    return check


def _campaign_of(errors: FieldErrors) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        tag = str(value or "").strip()
        if tag and (len(tag) > CAMPAIGN_MAX or not CAMPAIGN.match(tag)):
            errors.add(
                "campaign",
                _(
                    "Use up to %(n)d Latin letters, digits, hyphens and underscores,"
                    " such as spring-sale."
                )
                % {"n": CAMPAIGN_MAX},
            )
        return tag

    return check


def _facts(promotion: Promotion) -> dict[str, Any]:
    return {field: getattr(promotion, field) for field in FIELDS}


def _dates_given(cleaned: dict[str, Any], errors: FieldErrors) -> None:
    """A promotion always has both dates: null or blank is refused like a wrong date."""
    for field in DATES:
        if field in cleaned and cleaned[field] is None and field not in errors.fields:
            errors.add(field, _("Give a date such as 2026-03-29."))


def _required(cleaned: dict[str, Any], errors: FieldErrors) -> None:
    for field in ("kind", "name", *DATES):
        if field not in cleaned:
            errors.add(field, _("This field is required."))
    _dates_given(cleaned, errors)


def _in_order(starts_on: date | None, ends_on: date | None, errors: FieldErrors) -> None:
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors.add("ends_on", _("The promotion cannot end before it starts."))


def create_promotion(*, actor: Any, community: Community, data: dict[str, Any]) -> Promotion:
    """Put a promotion on the community's calendar; the campaign tag is made from the name when
    none is given. Editors, administrators and the owner."""
    require(actor, Action.PLAN_CONTENT, community)
    errors = FieldErrors()
    cleaned = _clean(data, errors)
    _required(cleaned, errors)
    _in_order(cleaned.get("starts_on"), cleaned.get("ends_on"), errors)
    errors.raise_if_any()
    if not cleaned.get("campaign"):
        cleaned["campaign"] = campaign_tag(cleaned["name"], cleaned["kind"], cleaned["starts_on"])
    with transaction.atomic():
        promotion = Promotion.objects.create(community=community, created_by=actor, **cleaned)
        record_audit(
            actor=actor,
            community=community,
            action="promotion.create",
            target=promotion,
            after=_facts(promotion),
        )
    return promotion


def update_promotion(*, actor: Any, promotion: Promotion, data: dict[str, Any]) -> Promotion:
    """Change a promotion; only the keys given change. A blank campaign tag is made again from
    the name; a renamed promotion keeps its tag, which links already carry."""
    community = promotion.community
    require(actor, Action.PLAN_CONTENT, community)
    errors = FieldErrors()
    cleaned = _clean(data, errors)
    _dates_given(cleaned, errors)
    _in_order(
        cleaned.get("starts_on", promotion.starts_on),
        cleaned.get("ends_on", promotion.ends_on),
        errors,
    )
    errors.raise_if_any()
    if "campaign" in cleaned and not cleaned["campaign"]:
        cleaned["campaign"] = campaign_tag(
            cleaned.get("name", promotion.name),
            cleaned.get("kind", promotion.kind),
            cleaned.get("starts_on", promotion.starts_on),
        )
    before = _facts(promotion)
    changed = {key: value for key, value in cleaned.items() if before[key] != value}
    if not changed:
        return promotion
    with transaction.atomic():
        for key, value in changed.items():
            setattr(promotion, key, value)
        promotion.save(update_fields=list(changed))
        record_audit(
            actor=actor,
            community=community,
            action="promotion.update",
            target=promotion,
            before={key: before[key] for key in changed},
            after=changed,
        )
    return promotion


def delete_promotion(*, actor: Any, promotion: Promotion) -> None:
    """Take a promotion off the calendar; its posts stay, no longer marked as its."""
    community = promotion.community
    require(actor, Action.PLAN_CONTENT, community)
    with transaction.atomic():
        record_audit(
            actor=actor,
            community=community,
            action="promotion.delete",
            target=promotion,
            before=_facts(promotion),
        )
        promotion.delete()
