"""Building forms (R6.4): the team (RUN_ENGAGEMENT) makes quizzes, questionnaires and
applications from fields, opens and closes them, and decides applications.

Members' answers are in `form_answers`. Every limit is in settings.COMMUNA: FORM_MAX_FIELDS,
FORM_MAX_CHOICES, FORM_TEXT_MAX.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from communa.accounts.validation import FieldErrors
from communa.communities.models import Community
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit
from communa.core.conf import int_setting
from communa.core.errors import Conflict, ValidationFailed
from communa.engagement.models import (
    AnswerMode,
    FieldKind,
    Form,
    FormField,
    FormKind,
    FormResponse,
    FormState,
    ResponseStatus,
)

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
LABEL_MAX = 300
HELP_MAX = 500
CHOICE_MAX = 200
SCALE_LABEL_MAX = 60
SHORT_TEXT_MAX = 300
POINTS_MAX = 1000
BANDS_MAX = 10
SCALE_WIDEST = 10
FORM_FIELDS = (
    "kind",
    "title",
    "description",
    "state",
    "opens_at",
    "closes_at",
    "answer_mode",
    "anonymous",
    "bands",
)
FIELD_FIELDS = (
    "kind",
    "label",
    "help_text",
    "required",
    "min_length",
    "max_length",
    "min_value",
    "max_value",
    "choices",
    "low_label",
    "high_label",
    "correct",
    "points",
)
CHOICE_KINDS = {FieldKind.SINGLE_CHOICE, FieldKind.MULTIPLE_CHOICE}
TEXT_KINDS = {FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT}
RANGE_KINDS = {FieldKind.NUMBER, FieldKind.SCALE}
# A quiz scores these kinds; a long text, a date and a consent have no right answer.
SCORED_KINDS = CHOICE_KINDS | RANGE_KINDS | {FieldKind.SHORT_TEXT}


def text_max() -> int:
    """The longest text answer (FORM_TEXT_MAX)."""
    return int_setting("FORM_TEXT_MAX")


def _one_line(value: Any) -> str:
    return " ".join(str(value or "").split())


def _text(value: Any) -> str:
    return str(value or "").replace("\r\n", "\n").strip()


def _moment(value: Any, field: str, errors: FieldErrors) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    found = parse_datetime(str(value)) if isinstance(value, str) else None
    if found is None:
        errors.add(field, _("Give a date and time such as 2026-03-29T18:00:00Z."))
    return found


def _whole(value: Any, field: str, errors: FieldErrors, *, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(field, _("Give a whole number."))
        return None
    if not low <= value <= high:
        errors.add(field, _("Give a number from %(low)d to %(high)d.") % {"low": low, "high": high})
        return None
    return value


def _flag(value: Any, field: str, errors: FieldErrors) -> bool:
    if not isinstance(value, bool):
        errors.add(field, _("Give true or false."))
        return False
    return value


def _choice(value: Any, field: str, allowed: Sequence[str], errors: FieldErrors) -> str:
    if value not in allowed:
        errors.add(field, _("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)})
    return str(value or "")


def _bands(value: Any, errors: FieldErrors) -> list[dict[str, Any]]:
    """Score bands: up to ten {"min": points, "message": text}, kept from the lowest."""
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > BANDS_MAX:
        errors.add("bands", _("Give up to %(n)d score bands.") % {"n": BANDS_MAX})
        return []
    bands: list[dict[str, Any]] = []
    for band in value:
        low = band.get("min") if isinstance(band, dict) else None
        message = _text(band.get("message")) if isinstance(band, dict) else ""
        if isinstance(low, bool) or not isinstance(low, int) or low < 0 or not message:
            errors.add("bands", _("Each band needs a lowest score (0 or more) and a message."))
            return []
        if len(message) > HELP_MAX:
            errors.add(
                "bands", _("A band's message has at most %(n)d characters.") % {"n": HELP_MAX}
            )
            return []
        bands.append({"min": low, "message": message})
    if len({band["min"] for band in bands}) != len(bands):
        errors.add("bands", _("Two bands cannot start at the same score."))
    return sorted(bands, key=lambda band: band["min"])


def _clean_form(data: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "kind" in data:
        cleaned["kind"] = _choice(data["kind"], "kind", FormKind.values, errors)
    if "title" in data:
        title = _one_line(data["title"])
        if not title:
            errors.add("title", _("Give the form a title."))
        elif len(title) > TITLE_MAX:
            errors.add("title", _("A title has at most %(n)d characters.") % {"n": TITLE_MAX})
        cleaned["title"] = title
    if "description" in data:
        text = _text(data["description"])
        if len(text) > DESCRIPTION_MAX:
            errors.add(
                "description",
                _("A description has at most %(n)d characters.") % {"n": DESCRIPTION_MAX},
            )
        cleaned["description"] = text
    if "state" in data:
        cleaned["state"] = _choice(data["state"], "state", FormState.values, errors)
    for field in ("opens_at", "closes_at"):
        if field in data:
            cleaned[field] = _moment(data[field], field, errors)
    if "answer_mode" in data:
        cleaned["answer_mode"] = _choice(
            data["answer_mode"], "answer_mode", AnswerMode.values, errors
        )
    if "anonymous" in data:
        cleaned["anonymous"] = _flag(data["anonymous"], "anonymous", errors)
    if "bands" in data:
        cleaned["bands"] = _bands(data["bands"], errors)
    return cleaned


def _check_form(form: Form, cleaned: dict[str, Any], errors: FieldErrors) -> None:
    """Rules across fields, on the form as it would be."""
    merged = {field: cleaned.get(field, getattr(form, field)) for field in FORM_FIELDS}
    opens, closes = merged["opens_at"], merged["closes_at"]
    if opens and closes and closes <= opens:
        errors.add("closes_at", _("The form cannot close before it opens."))
    if merged["kind"] == FormKind.APPLICATION and merged["anonymous"]:
        errors.add("anonymous", _("An application cannot be anonymous: the team answers it."))
    if merged["bands"] and merged["kind"] != FormKind.QUIZ:
        errors.add("bands", _("Only a quiz has score bands."))
    answered = form.pk is not None and form.response_count > 0
    if answered and "kind" in cleaned and cleaned["kind"] != form.kind:
        errors.add("kind", _("The form has responses: its kind can no longer change."))
    if answered and "anonymous" in cleaned and cleaned["anonymous"] != form.anonymous:
        errors.add(
            "anonymous", _("The form has responses: whether they are anonymous cannot change.")
        )
    if merged["state"] == FormState.OPEN and (
        form.pk is None or not FormField.objects.filter(form=form).exists()
    ):
        errors.add("state", _("Add a question before opening the form."))


def _form_facts(form: Form) -> dict[str, Any]:
    return {field: getattr(form, field) for field in FORM_FIELDS}


def create_form(*, actor: Any, community: Community, data: dict[str, Any]) -> Form:
    """Start a form (a draft unless said otherwise). Editors, administrators and the owner."""
    require(actor, Action.RUN_ENGAGEMENT, community)
    errors = FieldErrors()
    cleaned = _clean_form(data, errors)
    for field in ("kind", "title"):
        if field not in data:
            errors.add(field, _("This field is required."))
    form = Form(community=community, created_by=actor)
    if not errors.fields:
        _check_form(form, cleaned, errors)
    errors.raise_if_any()
    for key, value in cleaned.items():
        setattr(form, key, value)
    with transaction.atomic():
        form.save()
        record_audit(
            actor=actor,
            community=community,
            action="form.create",
            target=form,
            after=_form_facts(form),
        )
    return form


def update_form(*, actor: Any, form: Form, data: dict[str, Any]) -> Form:
    """Change a form, open or close it; only the keys given change."""
    community = form.community
    require(actor, Action.RUN_ENGAGEMENT, community)
    errors = FieldErrors()
    cleaned = _clean_form(data, errors)
    if not errors.fields:
        _check_form(form, cleaned, errors)
    errors.raise_if_any()
    before = _form_facts(form)
    changed = {key: value for key, value in cleaned.items() if before[key] != value}
    if not changed:
        return form
    with transaction.atomic():
        for key, value in changed.items():
            setattr(form, key, value)
        form.save(update_fields=list(changed))
        record_audit(
            actor=actor,
            community=community,
            action="form.update",
            target=form,
            before={key: before[key] for key in changed},
            after=changed,
        )
    return form


def delete_form(*, actor: Any, form: Form) -> None:
    """Delete a form with its questions and responses."""
    community = form.community
    require(actor, Action.RUN_ENGAGEMENT, community)
    with transaction.atomic():
        record_audit(
            actor=actor,
            community=community,
            action="form.delete",
            target=form,
            before=_form_facts(form),
        )
        form.delete()


# Fields ------------------------------------------------------------------------------------


def _choices(value: Any, errors: FieldErrors) -> list[str]:
    most = int_setting("FORM_MAX_CHOICES")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.add("choices", _("Give the options as a list of texts."))
        return []
    options = [_one_line(item) for item in value]
    options = [item for item in options if item]
    if len(options) < 2 or len(options) > most:
        errors.add("choices", _("Give from 2 to %(n)d options.") % {"n": most})
    elif any(len(item) > CHOICE_MAX for item in options):
        errors.add("choices", _("An option has at most %(n)d characters.") % {"n": CHOICE_MAX})
    elif len({item.casefold() for item in options}) != len(options):
        errors.add("choices", _("Each option must differ from the others."))
    return options


def _clean_field(data: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:  # noqa: PLR0912
    cleaned: dict[str, Any] = {}
    if "kind" in data:
        cleaned["kind"] = _choice(data["kind"], "kind", FieldKind.values, errors)
    if "label" in data:
        label = _one_line(data["label"])
        if not label:
            errors.add("label", _("Give the question a label."))
        elif len(label) > LABEL_MAX:
            errors.add("label", _("A label has at most %(n)d characters.") % {"n": LABEL_MAX})
        cleaned["label"] = label
    if "help_text" in data:
        help_text = _one_line(data["help_text"])
        if len(help_text) > HELP_MAX:
            errors.add(
                "help_text", _("A help text has at most %(n)d characters.") % {"n": HELP_MAX}
            )
        cleaned["help_text"] = help_text
    if "required" in data:
        cleaned["required"] = _flag(data["required"], "required", errors)
    for name in ("min_length", "max_length"):
        if name in data:
            cleaned[name] = _whole(data[name], name, errors, low=0, high=text_max())
    for name in ("min_value", "max_value"):
        if name in data:
            cleaned[name] = _whole(data[name], name, errors, low=-(10**9), high=10**9)
    if "choices" in data:
        cleaned["choices"] = (
            [] if data["choices"] in (None, "", []) else _choices(data["choices"], errors)
        )
    for name in ("low_label", "high_label"):
        if name in data:
            text = _one_line(data[name])
            if len(text) > SCALE_LABEL_MAX:
                errors.add(name, _("At most %(n)d characters.") % {"n": SCALE_LABEL_MAX})
            cleaned[name] = text
    if "correct" in data:
        cleaned["correct"] = None if data["correct"] in ("", []) else data["correct"]
    if "points" in data:
        cleaned["points"] = _whole(data["points"], "points", errors, low=0, high=POINTS_MAX) or 0
    return cleaned


def _check_correct(merged: dict[str, Any], form: Form, errors: FieldErrors) -> Any:  # noqa: PLR0911
    """A quiz question's right answer, in the shape its kind answers with."""
    correct, kind = merged["correct"], merged["kind"]
    if correct is None:
        return None
    if form.kind != FormKind.QUIZ:
        errors.add("correct", _("Only a quiz's questions have a right answer."))
        return None
    if kind not in SCORED_KINDS:
        errors.add("correct", _("This kind of question has no right answer."))
        return None
    if kind in CHOICE_KINDS:
        picked = correct if isinstance(correct, list) else [correct]
        if not picked or any(item not in merged["choices"] for item in picked):
            errors.add("correct", _("The right answer must be one of the options."))
            return None
        if kind == FieldKind.SINGLE_CHOICE and len(picked) != 1:
            errors.add("correct", _("A single-choice question has one right option."))
            return None
        return list(dict.fromkeys(picked))
    if kind == FieldKind.SHORT_TEXT:
        if not isinstance(correct, str) or not correct.strip():
            errors.add("correct", _("Give the right answer as a text."))
            return None
        return _one_line(correct)
    if (
        isinstance(correct, bool)
        or not isinstance(correct, int | float)
        or not math.isfinite(correct)
    ):
        errors.add("correct", _("Give the right answer as a number."))
        return None
    return correct


def _check_field(  # noqa: PLR0912
    form: Form, field: FormField, cleaned: dict[str, Any], errors: FieldErrors
) -> dict[str, Any]:
    """Rules across the field's settings, on the field as it would be; returns the values to
    store (defaults filled in for its kind, settings of other kinds cleared)."""
    merged = {name: cleaned.get(name, getattr(field, name)) for name in FIELD_FIELDS}
    kind = merged["kind"]
    if field.pk and "kind" in cleaned and cleaned["kind"] != field.kind and form.response_count:
        errors.add("kind", _("The form has responses: a question's kind can no longer change."))
    if kind in CHOICE_KINDS:
        if len(merged["choices"]) < 2 and "choices" not in errors.fields:
            errors.add(
                "choices",
                _("Give from 2 to %(n)d options.") % {"n": int_setting("FORM_MAX_CHOICES")},
            )
    else:
        merged["choices"] = []
    if kind in TEXT_KINDS:
        most = text_max() if kind == FieldKind.LONG_TEXT else min(SHORT_TEXT_MAX, text_max())
        if merged["max_length"] is None:
            merged["max_length"] = most
        elif merged["max_length"] > most:
            errors.add("max_length", _("At most %(n)d characters.") % {"n": most})
        if merged["min_length"] is not None and merged["min_length"] > merged["max_length"]:
            errors.add("min_length", _("The shortest answer cannot be longer than the longest."))
    else:
        merged["min_length"] = merged["max_length"] = None
    if kind == FieldKind.SCALE:
        low = 1 if merged["min_value"] is None else merged["min_value"]
        high = 5 if merged["max_value"] is None else merged["max_value"]
        if low not in (0, 1):
            errors.add("min_value", _("A scale starts at 0 or 1."))
        if not low < high <= low + SCALE_WIDEST:
            errors.add(
                "max_value",
                _("A scale ends 1 to %(n)d steps above its start.") % {"n": SCALE_WIDEST},
            )
        merged["min_value"], merged["max_value"] = low, high
    elif kind == FieldKind.NUMBER:
        low, high = merged["min_value"], merged["max_value"]
        if low is not None and high is not None and low > high:
            errors.add("max_value", _("The highest value cannot be below the lowest."))
    else:
        merged["min_value"] = merged["max_value"] = None
    if kind != FieldKind.SCALE:
        merged["low_label"] = merged["high_label"] = ""
    if not errors.fields:
        merged["correct"] = _check_correct(merged, form, errors)
        if isinstance(merged["correct"], int | float) and not isinstance(merged["correct"], bool):
            low, high = merged["min_value"], merged["max_value"]
            if (low is not None and merged["correct"] < low) or (
                high is not None and merged["correct"] > high
            ):
                errors.add("correct", _("The right answer is outside the allowed range."))
    if merged["correct"] is None:
        merged["points"] = 0
    elif "points" not in cleaned and not merged["points"]:
        merged["points"] = 1  # a question with a right answer scores a point unless told
    return merged


def _field_facts(field: FormField) -> dict[str, Any]:
    return {name: getattr(field, name) for name in FIELD_FIELDS}


def add_field(*, actor: Any, form: Form, data: dict[str, Any]) -> FormField:
    """Add a question at the end of the form (at most FORM_MAX_FIELDS)."""
    community = form.community
    require(actor, Action.RUN_ENGAGEMENT, community)
    errors = FieldErrors()
    cleaned = _clean_field(data, errors)
    for name in ("kind", "label"):
        if name not in data:
            errors.add(name, _("This field is required."))
    field = FormField(form=form)
    merged = _check_field(form, field, cleaned, errors) if not errors.fields else {}
    errors.raise_if_any()
    most = int_setting("FORM_MAX_FIELDS")
    with transaction.atomic():
        # The form's row is locked so two questions added at once take different places and
        # the limit holds.
        Form.objects.select_for_update().filter(pk=form.pk).first()
        found = FormField.objects.filter(form=form).aggregate(n=Max("position"))
        if FormField.objects.filter(form=form).count() >= most:
            raise ValidationFailed(
                fields={"form": [_("A form has at most %(n)d questions.") % {"n": most}]}
            )
        for key, value in merged.items():
            setattr(field, key, value)
        field.position = (found["n"] or 0) + 1
        field.save()
        record_audit(
            actor=actor,
            community=community,
            action="form.field_add",
            target=form,
            after={"field": field.pk, **_field_facts(field)},
        )
    return field


def update_field(*, actor: Any, field: FormField, data: dict[str, Any]) -> FormField:
    """Change a question; only the keys given change."""
    form = field.form
    community = form.community
    require(actor, Action.RUN_ENGAGEMENT, community)
    errors = FieldErrors()
    cleaned = _clean_field(data, errors)
    merged = _check_field(form, field, cleaned, errors) if not errors.fields else {}
    errors.raise_if_any()
    before = _field_facts(field)
    changed = {key: value for key, value in merged.items() if before[key] != value}
    if not changed:
        return field
    with transaction.atomic():
        for key, value in changed.items():
            setattr(field, key, value)
        field.save(update_fields=list(changed))
        record_audit(
            actor=actor,
            community=community,
            action="form.field_update",
            target=form,
            before={"field": field.pk, **{key: before[key] for key in changed}},
            after={"field": field.pk, **changed},
        )
    return field


def delete_field(*, actor: Any, field: FormField) -> None:
    """Remove a question (and the answers given to it)."""
    form = field.form
    require(actor, Action.RUN_ENGAGEMENT, form.community)
    with transaction.atomic():
        record_audit(
            actor=actor,
            community=form.community,
            action="form.field_delete",
            target=form,
            before={"field": field.pk, **_field_facts(field)},
        )
        field.delete()


def reorder_fields(*, actor: Any, form: Form, order: Sequence[int]) -> list[FormField]:
    """Put the form's questions in this order: every question's id, once each."""
    require(actor, Action.RUN_ENGAGEMENT, form.community)
    with transaction.atomic():
        fields = list(
            FormField.objects.select_for_update().filter(form=form).order_by("position", "id")
        )
        by_id = {field.pk: field for field in fields}
        if sorted(order) != sorted(by_id) or len(set(order)) != len(order):
            raise ValidationFailed(fields={"order": [_("List every question of the form once.")]})
        for position, field_id in enumerate(order, start=1):
            by_id[field_id].position = position
        FormField.objects.bulk_update(fields, ["position"])
        record_audit(
            actor=actor,
            community=form.community,
            action="form.fields_reorder",
            target=form,
            after={"order": list(order)},
        )
    return sorted(fields, key=lambda field: field.position)


def move_field(*, actor: Any, field: FormField, up: bool) -> list[FormField]:
    """Move a question one place up or down (the web builder's arrows)."""
    ids = list(
        FormField.objects.filter(form_id=field.form_id)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    index = ids.index(field.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return reorder_fields(actor=actor, form=field.form, order=ids)


# Applications ------------------------------------------------------------------------------


def decide_response(*, actor: Any, response: FormResponse, status: str) -> FormResponse:
    """Accept or reject an application (or set it back to submitted); the applicant sees it."""
    form = response.form
    require(actor, Action.RUN_ENGAGEMENT, form.community)
    if form.kind != FormKind.APPLICATION:
        raise Conflict(_("Only applications are accepted or rejected."), code="not_application")
    if status not in ResponseStatus.values:
        raise ValidationFailed(
            fields={
                "status": [
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(ResponseStatus.values)}
                ]
            }
        )
    if response.status == status:
        return response
    before = response.status
    with transaction.atomic():
        FormResponse.objects.filter(pk=response.pk).update(status=status)
        response.status = status
        record_audit(
            actor=actor,
            community=form.community,
            action="form.response_decide",
            target=form,
            before={"response": response.pk, "status": before},
            after={"response": response.pk, "status": status},
        )
    return response
