"""Rubrics (R8.1): every community's content categories, with their actions and reads.

The planner's pages and API manage them through these functions; walls labels posts with them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from communa.accounts.validation import FieldErrors
from communa.communities.models import DEFAULT_TONES, DefaultRubric, Rubric, Tone
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit


def rubrics_of(community: Any) -> QuerySet[Rubric]:
    """The community's rubrics in menu order, archived ones left out."""
    return Rubric.objects.filter(community=community, archived=False).order_by("position", "id")


def add_default_rubrics(*, community: Any) -> list[Rubric]:
    """Give a community the default rubrics (R8.1) it does not have yet."""
    present = set(Rubric.objects.filter(community=community).values_list("code", flat=True))
    missing = [
        Rubric(community=community, code=code, default_tone=DEFAULT_TONES[code], position=index)
        for index, code in enumerate(DefaultRubric.values)
        if code not in present
    ]
    Rubric.objects.bulk_create(missing)
    return missing


def _clean_rubric(data: dict[str, Any], errors: Any) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "name" in data:
        name = str(data["name"] or "").strip()
        if not name:
            errors.add("name", _("A rubric needs a name."))
        elif len(name) > 80:
            errors.add("name", _("A rubric name has at most 80 characters."))
        cleaned["name"] = name
    if "default_tone" in data:
        if data["default_tone"] not in Tone.values:
            errors.add(
                "default_tone",
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(Tone.values)},
            )
        cleaned["default_tone"] = data["default_tone"]
    if "archived" in data:
        cleaned["archived"] = bool(data["archived"])
    return cleaned


def create_rubric(*, actor: Any, community: Any, data: dict[str, Any]) -> Rubric:
    """Add a rubric of the community's own (R8.1); editors and above."""
    require(actor, Action.MANAGE_POSTS, community)
    errors = FieldErrors()
    cleaned = _clean_rubric({"name": data.get("name", ""), **data}, errors)
    errors.raise_if_any()
    with transaction.atomic():
        last = Rubric.objects.filter(community=community).aggregate(m=Max("position"))["m"]
        rubric = Rubric.objects.create(community=community, position=(last or 0) + 1, **cleaned)
        record_audit(
            actor=actor, community=community, action="rubric.create", target=rubric, after=cleaned
        )
    return rubric


def update_rubric(*, actor: Any, rubric: Rubric, data: dict[str, Any]) -> Rubric:
    """Rename a rubric, change its default tone, or archive it (posts keep their rubric)."""
    require(actor, Action.MANAGE_POSTS, rubric.community)
    errors = FieldErrors()
    cleaned = _clean_rubric(data, errors)
    errors.raise_if_any()
    before = {key: getattr(rubric, key) for key in cleaned}
    with transaction.atomic():
        for key, value in cleaned.items():
            setattr(rubric, key, value)
        rubric.save(update_fields=list(cleaned) or None)
        record_audit(
            actor=actor,
            community=rubric.community,
            action="rubric.update",
            target=rubric,
            before=before,
            after=cleaned,
        )
    return rubric
