"""Answering forms (R6.4): members (TAKE_PART) send a response; every answer is checked against
its question, and the response and its answers are written together or not at all.

"Answer once" is held by a unique constraint on (form, once_key), so a double submit, even two
arriving at the same moment, counts once. Each response records one FORM_ANSWER event.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.validation import FieldErrors
from communa.communities.permissions import Action, can, require
from communa.core.errors import Conflict, NotFound
from communa.core.events import EventKind, Viewer, record_event, viewer_for_user
from communa.core.limits import limit_write
from communa.engagement.actions.forms import CHOICE_KINDS, TEXT_KINDS
from communa.engagement.models import (
    AnswerMode,
    FieldKind,
    Form,
    FormAnswer,
    FormField,
    FormKind,
    FormResponse,
    FormState,
)

Answer = Any


def day_of(value: Any) -> date | None:
    """An ISO day, or None."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def person_key(form: Form, user: Any) -> str:
    """A keyed hash of the person and the form: finds "my" response, even an anonymous one,
    without storing who wrote it."""
    raw = f"form:{form.pk}:user:{user.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), raw, hashlib.sha256).hexdigest()


def closed_reason(form: Form, now: datetime | None = None) -> str | None:
    """Why the form takes no answers now, or None when it does."""
    now = now or timezone.now()
    if form.state == FormState.DRAFT:
        return _("This form is not open yet.")
    if form.state == FormState.CLOSED or (form.closes_at is not None and now >= form.closes_at):
        return _("This form is closed: it no longer takes answers.")
    if form.opens_at is not None and now < form.opens_at:
        return _("This form opens on %(when)s.") % {
            "when": timezone.localtime(form.opens_at).strftime("%Y-%m-%d %H:%M")
        }
    return None


def _refuse_closed(form: Form, actor: Any) -> None:
    """A form that takes no answers now is a conflict that says why; a draft is the team's, so
    to anyone else it does not exist."""
    reason = closed_reason(form)
    if reason is None:
        return
    if form.state == FormState.DRAFT and not can(actor, Action.RUN_ENGAGEMENT, form.community):
        raise NotFound
    raise Conflict(reason, code="form_closed")


def _blank(value: Any) -> bool:
    return value is None or value in ("", []) or value is False


def _check_text(field: FormField, value: Any, errors: FieldErrors, key: str) -> Answer:
    if not isinstance(value, str):
        errors.add(key, _("Give a text."))
        return None
    text = value.replace("\r\n", "\n").strip()
    if field.kind == FieldKind.SHORT_TEXT:
        text = " ".join(text.split())
    if field.max_length is not None and len(text) > field.max_length:
        errors.add(key, _("At most %(n)d characters.") % {"n": field.max_length})
    elif field.min_length and len(text) < field.min_length:
        errors.add(key, _("At least %(n)d characters.") % {"n": field.min_length})
    return text


def _check_number(field: FormField, value: Any, errors: FieldErrors, key: str) -> Answer:
    whole = field.kind == FieldKind.SCALE
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors.add(key, _("Give a whole number.") if whole else _("Give a number."))
        return None
    if whole and not float(value).is_integer():
        errors.add(key, _("Give a whole number."))
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    low, high = field.min_value, field.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            message = _("Give a number from %(low)s to %(high)s.") % {"low": low, "high": high}
        elif low is not None:
            message = _("Give a number of at least %(low)s.") % {"low": low}
        else:
            message = _("Give a number of at most %(high)s.") % {"high": high}
        errors.add(key, message)
        return None
    return value


def _check_choice(field: FormField, value: Any, errors: FieldErrors, key: str) -> Answer:  # noqa: PLR0911
    if field.kind == FieldKind.SINGLE_CHOICE:
        if not isinstance(value, str):
            errors.add(key, _("Choose one of the options."))
            return None
        if value not in field.choices:
            errors.add(key, _("“%(value)s” is not one of the options.") % {"value": value[:100]})
            return None
        return value
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.add(key, _("Give the chosen options as a list."))
        return None
    unknown = [item for item in value if item not in field.choices]
    if unknown:
        errors.add(key, _("“%(value)s” is not one of the options.") % {"value": unknown[0][:100]})
        return None
    if len(set(value)) != len(value):
        errors.add(key, _("Choose each option once."))
        return None
    return [choice for choice in field.choices if choice in value]


def check_answer(field: FormField, value: Any, errors: FieldErrors) -> tuple[bool, Answer]:  # noqa: PLR0911
    """Whether the question was answered, and the answer as stored; reasons go on the field's
    id in `errors`."""
    key = str(field.pk)
    if _blank(value) and not (field.kind == FieldKind.CONSENT and value is False):
        if field.required:
            if field.kind == FieldKind.CONSENT:
                errors.add(key, _("Tick the box to go on."))
            else:
                errors.add(key, _("This question needs an answer."))
        return False, None
    if field.kind in TEXT_KINDS:
        return True, _check_text(field, value, errors, key)
    if field.kind in CHOICE_KINDS:
        return True, _check_choice(field, value, errors, key)
    if field.kind in (FieldKind.NUMBER, FieldKind.SCALE):
        return True, _check_number(field, value, errors, key)
    if field.kind == FieldKind.DATE:
        day = day_of(value)
        if day is None:
            errors.add(key, _("Give a date such as 2026-03-29."))
            return True, None
        return True, day.isoformat()
    # Consent: a yes, or (when not required) a no.
    if not isinstance(value, bool):
        errors.add(key, _("Give true or false."))
        return True, None
    if field.required and not value:
        errors.add(key, _("Tick the box to go on."))
    return True, value


def is_right(field: FormField, answer: Answer) -> bool | None:
    """Whether a quiz answer is right (None where the question has no right answer)."""
    if field.correct is None:
        return None
    if field.kind == FieldKind.SINGLE_CHOICE:
        return [answer] == field.correct
    if field.kind == FieldKind.MULTIPLE_CHOICE:
        return set(answer or []) == set(field.correct)
    if field.kind == FieldKind.SHORT_TEXT:
        return str(answer or "").casefold() == str(field.correct).casefold()
    if answer is None:
        return False
    return bool(float(answer) == float(field.correct))


def _answers_of(
    form: Form, fields: list[FormField], given: dict[str, Any]
) -> list[tuple[FormField, Answer, bool | None]]:
    """Check every answer; any wrong one refuses the whole response with a 422 naming each
    question by its id (unknown ids included)."""
    errors = FieldErrors()
    if not isinstance(given, dict):
        errors.add("answers", _("Give the answers as an object keyed by question id."))
        errors.raise_if_any()
    known = {str(field.pk) for field in fields}
    for key in given:
        if str(key) not in known:
            errors.add(str(key), _("This form has no such question."))
    found: list[tuple[FormField, Answer, bool | None]] = []
    for field in fields:
        answered, answer = check_answer(field, given.get(str(field.pk)), errors)
        if answered and str(field.pk) not in errors.fields:
            right = is_right(field, answer) if form.kind == FormKind.QUIZ else None
            found.append((field, answer, right))
    errors.raise_if_any()
    return found


def _score(
    form: Form, fields: list[FormField], found: list[tuple[FormField, Answer, bool | None]]
) -> tuple[int | None, int | None]:
    if form.kind != FormKind.QUIZ:
        return None, None
    most = sum(field.points for field in fields if field.correct is not None)
    score = sum(field.points for field, _answer, right in found if right)
    return score, most


def _fields_of(form: Form) -> list[FormField]:
    return list(FormField.objects.filter(form=form).order_by("position", "id"))


def _write_answers(
    response: FormResponse, found: list[tuple[FormField, Answer, bool | None]]
) -> None:
    FormAnswer.objects.bulk_create(
        [
            FormAnswer(response=response, field=field, value=answer, correct=right)
            for field, answer, right in found
        ]
    )


def submit_response(
    *, actor: Any, form: Form, answers: dict[str, Any], viewer: Viewer | None = None
) -> FormResponse:
    """Answer a form. Members; a closed form refuses with a 409; a second answer where the form
    takes one a person is a 409 too (edit the first where the form allows it)."""
    require(actor, Action.TAKE_PART, form.community)
    _refuse_closed(form, actor)
    fields = _fields_of(form)
    found = _answers_of(form, fields, answers)
    limit_write("take_part", actor=actor)
    score, most = _score(form, fields, found)
    key = person_key(form, actor)
    now = timezone.now()
    response = FormResponse(
        form=form,
        respondent=None if form.anonymous else actor,
        once_key=key if form.answer_mode != AnswerMode.AGAIN else None,
        owner_key=key,
        score=score,
        max_score=most,
        submitted_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            response.save()
            _write_answers(response, found)
            Form.objects.filter(pk=form.pk).update(response_count=F("response_count") + 1)
            record_event(
                EventKind.FORM_ANSWER,
                viewer=viewer or viewer_for_user(actor),
                community_id=form.community_id,
            )
    except IntegrityError as exc:
        if form.answer_mode == AnswerMode.EDIT:
            message = _("You have already answered this form: change your answer instead.")
        else:
            message = _("You have already answered this form.")
        raise Conflict(message, code="already_answered") from exc
    return response


def answered_forms(forms: list[Form], user: Any) -> set[int]:
    """Which of these forms the person has answered: one query for a page of forms."""
    if not getattr(user, "is_authenticated", False) or not forms:
        return set()
    keys = {person_key(form, user): form.pk for form in forms}
    found = FormResponse.objects.filter(
        form_id__in=list(keys.values()), owner_key__in=list(keys)
    ).values_list("owner_key", flat=True)
    return {keys[key] for key in found}


def my_response(form: Form, user: Any) -> FormResponse | None:
    """The person's latest response to the form, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        FormResponse.objects.filter(form=form, owner_key=person_key(form, user))
        .order_by("-id")
        .first()
    )


def change_response(*, actor: Any, form: Form, answers: dict[str, Any]) -> FormResponse:
    """Change one's answer, where the form allows it, until it closes; the answers are replaced
    together. The response was counted once (one FORM_ANSWER event), when first sent."""
    require(actor, Action.TAKE_PART, form.community)
    if form.answer_mode != AnswerMode.EDIT:
        raise Conflict(_("This form does not let you change your answer."), code="no_edits")
    _refuse_closed(form, actor)
    fields = _fields_of(form)
    found = _answers_of(form, fields, answers)
    score, most = _score(form, fields, found)
    with transaction.atomic():
        response = (
            FormResponse.objects.select_for_update()
            .filter(form=form, owner_key=person_key(form, actor))
            .first()
        )
        if response is None:
            raise NotFound(_("You have not answered this form yet."))
        response.answers.all().delete()
        _write_answers(response, found)
        response.score, response.max_score = score, most
        response.updated_at = timezone.now()
        response.save(update_fields=["score", "max_score", "updated_at"])
    return response


def band_message(form: Form, score: int | None) -> str:
    """The message of the highest score band the score reaches ("" when none)."""
    if score is None:
        return ""
    message = ""
    for band in form.bands or []:
        if score >= band["min"]:
            message = band["message"]
    return message
