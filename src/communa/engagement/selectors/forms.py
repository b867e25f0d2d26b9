"""Reads of forms (R6.4): forms of a community, their questions, responses by keyset page, the
CSV export's rows, per-question summaries and a member's own result."""

from __future__ import annotations

import dataclasses
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from communa.communities.models import Community
from communa.communities.permissions import Action, Standing, can
from communa.core.errors import NotFound
from communa.core.pagination import Page, keyset_page
from communa.engagement.actions.form_answers import band_message, closed_reason
from communa.engagement.models import (
    FieldKind,
    Form,
    FormAnswer,
    FormField,
    FormKind,
    FormResponse,
    FormState,
)

TEXTS_SHOWN = 50
CHOICE_KINDS = {FieldKind.SINGLE_CHOICE, FieldKind.MULTIPLE_CHOICE}


def form_by_id(form_id: int) -> Form:
    """A form with its community, or NotFound (the front door checks who may see it)."""
    found = Form.objects.select_related("community").filter(pk=form_id).first()
    if found is None:
        raise NotFound
    return found


def form_in(community: Community, form_id: int) -> Form:
    """A form of this community, or NotFound."""
    found = Form.objects.select_related("community").filter(pk=form_id, community=community).first()
    if found is None:
        raise NotFound
    return found


def runs_forms(actor: Any, community: Community, standing: Standing | None = None) -> bool:
    """Whether the person runs the community's engagement (sees drafts, answers, summaries)."""
    return can(actor, Action.RUN_ENGAGEMENT, community, standing=standing)


def require_visible(form: Form, *, team: bool) -> Form:
    """A draft is the team's: to anyone else it does not exist."""
    if form.state == FormState.DRAFT and not team:
        raise NotFound
    return form


def forms_page(community: Community, *, team: bool, cursor: str | None, limit: int) -> Page[Form]:
    """The community's forms, newest first; drafts only for the team. One query."""
    found = Form.objects.filter(community=community)
    if not team:
        found = found.exclude(state=FormState.DRAFT)
    return keyset_page(found, ["-id"], cursor=cursor, limit=limit)


def fields_of(form: Form) -> list[FormField]:
    """The form's questions in order."""
    return list(FormField.objects.filter(form=form).order_by("position", "id"))


def field_in(form: Form, field_id: int) -> FormField:
    """A question of this form, or NotFound."""
    found = (
        FormField.objects.select_related("form__community").filter(pk=field_id, form=form).first()
    )
    if found is None:
        raise NotFound
    return found


def response_in(form: Form, response_id: int) -> FormResponse:
    """A response to this form, or NotFound."""
    found = (
        FormResponse.objects.select_related("form__community", "respondent")
        .filter(pk=response_id, form=form)
        .first()
    )
    if found is None:
        raise NotFound
    return found


def _with_answers(found: QuerySet[FormResponse]) -> QuerySet[FormResponse]:
    return found.select_related("respondent").prefetch_related(
        Prefetch("answers", queryset=FormAnswer.objects.order_by("field_id"))
    )


def responses_page(
    form: Form, *, cursor: str | None, limit: int, status: str | None = None
) -> Page[FormResponse]:
    """Responses newest first (only those of one status when asked) with their answers and
    respondents: three queries a page."""
    found = FormResponse.objects.filter(form=form)
    if status:
        found = found.filter(status=status)
    page = keyset_page(found, ["-id"], cursor=cursor, limit=limit)
    prefetch_related_objects(
        page.items,
        "respondent",
        Prefetch("answers", queryset=FormAnswer.objects.order_by("field_id")),
    )
    return page


def answers_by_field(response: FormResponse) -> dict[int, FormAnswer]:
    """A response's answers by question id (uses its prefetched answers)."""
    return {answer.field_id: answer for answer in response.answers.all()}


def shown_value(field: FormField, value: Any) -> str:
    """An answer as text for a table or a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def respondent_name(form: Form, response: FormResponse) -> str:
    """Who answered, or "" on an anonymous form."""
    if form.anonymous or response.respondent is None:
        return ""
    return str(response.respondent.username)


def export_rows(form: Form, fields: list[FormField]) -> Iterator[list[Any]]:
    """Every response as a CSV row (oldest first): id, time, respondent, status, score, then one
    cell per question. Read in chunks so a large form never sits in memory whole."""
    found = _with_answers(FormResponse.objects.filter(form=form).order_by("id"))
    for response in found.iterator(chunk_size=500):
        answers = answers_by_field(response)
        yield [
            response.pk,
            response.submitted_at.isoformat(),
            respondent_name(form, response),
            response.status,
            "" if response.score is None else response.score,
            *[
                shown_value(item, answers[item.pk].value) if item.pk in answers else ""
                for item in fields
            ],
        ]


def export_header(form: Form, fields: list[FormField]) -> list[str]:
    """The CSV's header row."""
    return ["response", "submitted_at", "respondent", "status", "score", *[f.label for f in fields]]


@dataclass
class Bar:
    """One bar of a summary chart: what, how many, and its share of the answers in percent."""

    label: str
    count: int
    percent: int


@dataclass
class QuestionSummary:
    """What the answers to one question add up to."""

    field: FormField
    answered: int
    bars: list[Bar] = dataclasses.field(default_factory=list)
    mean: float | None = None
    median: float | None = None
    texts: list[str] = dataclasses.field(default_factory=list)
    right: int | None = None


@dataclass
class FormSummary:
    """Every question's summary, the number of responses and a quiz's mean score."""

    responses: int
    questions: list[QuestionSummary]
    mean_score: float | None = None
    max_score: int | None = None


def _bars(counts: Counter[str], order: list[str], answered: int) -> list[Bar]:
    return [
        Bar(
            label,
            counts.get(label, 0),
            round(100 * counts.get(label, 0) / answered) if answered else 0,
        )
        for label in order
    ]


def _summary_of(item: FormField, answers: list[FormAnswer]) -> QuestionSummary:
    values = [answer.value for answer in answers if answer.value is not None]
    found = QuestionSummary(field=item, answered=len(values))
    if any(answer.correct is not None for answer in answers) or item.correct is not None:
        found.right = sum(1 for answer in answers if answer.correct)
    if item.kind in CHOICE_KINDS:
        counts: Counter[str] = Counter()
        for value in values:
            counts.update(value if isinstance(value, list) else [value])
        found.bars = _bars(counts, list(item.choices), len(values))
    elif item.kind in (FieldKind.NUMBER, FieldKind.SCALE):
        numbers = [float(value) for value in values if isinstance(value, int | float)]
        if numbers:
            found.mean = round(statistics.fmean(numbers), 2)
            found.median = round(float(statistics.median(numbers)), 2)
        counts = Counter(_number_label(number) for number in numbers)
        if (
            item.kind == FieldKind.SCALE
            and item.min_value is not None
            and item.max_value is not None
        ):
            order = [str(n) for n in range(item.min_value, item.max_value + 1)]
        else:
            order = [_number_label(n) for n in sorted(set(numbers))][:30]
        found.bars = _bars(counts, order, len(numbers))
    elif item.kind == FieldKind.CONSENT:
        counts = Counter("yes" if value else "no" for value in values)
        found.bars = _bars(counts, ["yes", "no"], len(values))
    elif item.kind == FieldKind.DATE:
        counts = Counter(str(value) for value in values)
        found.bars = _bars(counts, sorted(counts)[:30], len(values))
    else:
        found.texts = [str(value) for value in values[-TEXTS_SHOWN:]][::-1]
    return found


def _number_label(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def form_summary(form: Form) -> FormSummary:
    """Per question: counts per option with bars, a number's or scale's mean, median and
    distribution, dates and consents counted, the latest texts listed; a quiz's right answers
    and mean score. Three queries whatever the number of questions."""
    fields = fields_of(form)
    by_field: dict[int, list[FormAnswer]] = {item.pk: [] for item in fields}
    for answer in (
        FormAnswer.objects.filter(response__form=form)
        .order_by("id")
        .only("field_id", "value", "correct")
    ):
        by_field.setdefault(answer.field_id, []).append(answer)
    scores = list(FormResponse.objects.filter(form=form).values_list("score", "max_score"))
    summary = FormSummary(
        responses=len(scores), questions=[_summary_of(item, by_field[item.pk]) for item in fields]
    )
    if form.kind == FormKind.QUIZ and scores:
        points = [score for score, _most in scores if score is not None]
        summary.mean_score = round(statistics.fmean(points), 2) if points else None
        summary.max_score = max((most or 0) for _score, most in scores)
    return summary


@dataclass
class ResultLine:
    """One question of a member's result: their answer and, in a quiz, whether it was right."""

    field: FormField
    answer: str
    right: bool | None
    correct: str


@dataclass
class Result:
    """A member's response as they see it after sending it."""

    response: FormResponse
    lines: list[ResultLine]
    message: str


def result_of(form: Form, response: FormResponse) -> Result:
    """The member's answers, a quiz's score, which answers were right and the band's message."""
    answers = {answer.field_id: answer for answer in response.answers.all()}
    lines = []
    for item in fields_of(form):
        answer = answers.get(item.pk)
        right = None
        if form.kind == FormKind.QUIZ and item.correct is not None:
            right = bool(answer and answer.correct)
        lines.append(
            ResultLine(
                field=item,
                answer=shown_value(item, answer.value) if answer else "",
                right=right,
                correct=shown_value(item, item.correct) if right is not None else "",
            )
        )
    return Result(response=response, lines=lines, message=band_message(form, response.score))


def why_closed(form: Form) -> str | None:
    """Why the form takes no answers now (None when it does)."""
    return closed_reason(form)
