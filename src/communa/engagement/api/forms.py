"""The engagement API: forms (R6.4). The team (RUN_ENGAGEMENT) builds quizzes, questionnaires
and applications, reads responses, summaries and the CSV export, and decides applications;
members (TAKE_PART) answer and read their own result. Answers are keyed by question id, and so
are the `fields` of a 422 that refuses them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpResponse
from ninja import Field, Schema
from ninja.responses import Status

from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action, Standing
from communa.communities.selectors import community_for
from communa.core.errors import NotFound
from communa.core.events import viewer_of
from communa.core.exports import csv_download
from communa.core.pagination import page_size
from communa.core.schemas import Cursor, Moment, OneOf, Page, PageLimit, RowId, Strict
from communa.engagement.actions import form_answers as answering
from communa.engagement.actions import forms as actions
from communa.engagement.api.routers import router
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
from communa.engagement.selectors import forms as selectors

KindName = Annotated[str, OneOf(FormKind.values)]
StateName = Annotated[str, OneOf(FormState.values)]
ModeName = Annotated[str, OneOf(AnswerMode.values)]
FieldKindName = Annotated[str, OneOf(FieldKind.values)]
StatusName = Annotated[str, OneOf(ResponseStatus.values)]
Title = Annotated[str, Field(max_length=actions.TITLE_MAX)]
Description = Annotated[str, Field(max_length=actions.DESCRIPTION_MAX)]
Label = Annotated[str, Field(max_length=actions.LABEL_MAX)]
HelpText = Annotated[str, Field(max_length=actions.HELP_MAX)]
Whole = Annotated[int, Field(ge=-(10**9), le=10**9)]
CSV_ANSWER = {
    "responses": {
        200: {
            "description": "Every response as a CSV row (UTF-8 with a byte-order mark).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


class Band(Strict):
    min: Annotated[int, Field(ge=0, le=10**6)]
    message: Annotated[str, Field(max_length=actions.HELP_MAX)]


class BandOut(Schema):
    min: int
    message: str


class FieldOut(Schema):
    id: int
    position: int
    kind: str
    label: str
    help_text: str
    required: bool
    min_length: int | None
    max_length: int | None
    min_value: int | None
    max_value: int | None
    choices: list[str]
    low_label: str
    high_label: str
    correct: Any = Field(None, description="A quiz question's right answer: the team only.")
    points: int


class FormOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    state: str
    opens_at: datetime | None
    closes_at: datetime | None
    answer_mode: str
    anonymous: bool
    response_count: int
    accepting: bool = Field(description="Whether the form takes answers now.")
    closed_reason: str | None = Field(description="Why it takes none, in words.")


class FormDetailOut(FormOut):
    bands: list[BandOut]
    fields: list[FieldOut]


class FormIn(Strict):
    kind: KindName
    title: Title
    description: Description = ""
    state: StateName = FormState.DRAFT
    opens_at: Moment | None = None
    closes_at: Moment | None = None
    answer_mode: ModeName = AnswerMode.ONCE
    anonymous: bool = False
    bands: list[Band] = Field(default_factory=list, max_length=actions.BANDS_MAX)


class FormPatch(Strict):
    kind: KindName | None = None
    title: Title | None = None
    description: Description | None = None
    state: StateName | None = None
    opens_at: Moment | None = None
    closes_at: Moment | None = None
    answer_mode: ModeName | None = None
    anonymous: bool | None = None
    bands: list[Band] | None = Field(None, max_length=actions.BANDS_MAX)


class FieldIn(Strict):
    kind: FieldKindName
    label: Label
    help_text: HelpText = ""
    required: bool = False
    min_length: Annotated[int, Field(ge=0)] | None = None
    max_length: Annotated[int, Field(ge=1)] | None = None
    min_value: Whole | None = None
    max_value: Whole | None = None
    choices: list[str] = Field(default_factory=list)
    low_label: str = ""
    high_label: str = ""
    correct: Any = Field(
        None,
        description="A quiz question's right answer: the right option (single choice), the "
        "right options (multiple choice), the number (number, scale) or the text (short text).",
    )
    points: Annotated[int, Field(ge=0, le=actions.POINTS_MAX)] | None = None


class FieldPatch(Strict):
    kind: FieldKindName | None = None
    label: Label | None = None
    help_text: HelpText | None = None
    required: bool | None = None
    min_length: Annotated[int, Field(ge=0)] | None = None
    max_length: Annotated[int, Field(ge=1)] | None = None
    min_value: Whole | None = None
    max_value: Whole | None = None
    choices: list[str] | None = None
    low_label: str | None = None
    high_label: str | None = None
    correct: Any = None
    points: Annotated[int, Field(ge=0, le=actions.POINTS_MAX)] | None = None


class OrderIn(Strict):
    order: list[RowId] = Field(description="Every question's id, in the new order.")


class AnswersIn(Strict):
    answers: dict[str, Any] = Field(
        description="Answers keyed by question id: text, an option, a list of options, a "
        "number, an ISO date or true. A wrong one is a 422 whose `fields` name the question ids."
    )


class ResultLineOut(Schema):
    field: int
    label: str
    answer: str
    right: bool | None = Field(description="In a quiz: whether the answer was right.")
    correct: str = Field(description="In a quiz: the right answer.")


class ResponseOut(Schema):
    id: int
    form: int
    status: str = Field(
        description="`submitted`; an application's may be `accepted` or `rejected`."
    )
    score: int | None
    max_score: int | None
    submitted_at: datetime
    updated_at: datetime
    respondent: str | None = Field(description="The username; null on an anonymous form.")
    answers: dict[str, Any]


class MyResponseOut(ResponseOut):
    message: str = Field(description="A quiz's score band message.")
    results: list[ResultLineOut]


class BarOut(Schema):
    label: str
    count: int
    percent: int


class QuestionSummaryOut(Schema):
    field: int
    label: str
    kind: str
    answered: int
    bars: list[BarOut]
    mean: float | None
    median: float | None
    texts: list[str]
    right: int | None


class SummaryOut(Schema):
    responses: int
    mean_score: float | None
    max_score: int | None
    questions: list[QuestionSummaryOut]


class DecisionIn(Strict):
    status: StatusName


def field_out(item: FormField, *, team: bool) -> dict[str, Any]:
    """A question as the API shows it; the right answer only to the team."""
    return {
        "id": item.pk,
        "position": item.position,
        "kind": item.kind,
        "label": item.label,
        "help_text": item.help_text,
        "required": item.required,
        "min_length": item.min_length,
        "max_length": item.max_length,
        "min_value": item.min_value,
        "max_value": item.max_value,
        "choices": list(item.choices),
        "low_label": item.low_label,
        "high_label": item.high_label,
        "correct": item.correct if team else None,
        "points": item.points,
    }


def form_out(form: Form) -> dict[str, Any]:
    reason = selectors.why_closed(form)
    return {
        "id": form.pk,
        "kind": form.kind,
        "title": form.title,
        "description": form.description,
        "state": form.state,
        "opens_at": form.opens_at,
        "closes_at": form.closes_at,
        "answer_mode": form.answer_mode,
        "anonymous": form.anonymous,
        "response_count": form.response_count,
        "accepting": reason is None,
        "closed_reason": reason,
    }


def _detail(form: Form, *, team: bool) -> dict[str, Any]:
    return {
        **form_out(form),
        "bands": form.bands or [],
        "fields": [field_out(item, team=team) for item in selectors.fields_of(form)],
    }


def response_out(form: Form, response: FormResponse) -> dict[str, Any]:
    return {
        "id": response.pk,
        "form": form.pk,
        "status": response.status,
        "score": response.score,
        "max_score": response.max_score,
        "submitted_at": response.submitted_at,
        "updated_at": response.updated_at,
        "respondent": selectors.respondent_name(form, response) or None,
        "answers": {str(answer.field_id): answer.value for answer in response.answers.all()},
    }


def _mine(form: Form, response: FormResponse) -> dict[str, Any]:
    result = selectors.result_of(form, response)
    return {
        **response_out(form, response),
        "message": result.message,
        "results": [
            {
                "field": line.field.pk,
                "label": line.field.label,
                "answer": line.answer,
                "right": line.right,
                "correct": line.correct,
            }
            for line in result.lines
        ],
    }


def _seen(request: AuthedRequest, form_id: int) -> tuple[Form, Standing, bool]:
    """The form if the person may see it (its community's content; a draft only the team)."""
    form = selectors.form_by_id(form_id)
    community, standing = community_for(request.auth, form.community.slug, Action.VIEW_CONTENT)
    team = selectors.runs_forms(request.auth, community, standing)
    selectors.require_visible(form, team=team)
    return form, standing, team


def _run(request: AuthedRequest, form_id: int) -> Form:
    """The form, 404 unless its community is visible, 403 unless the person runs engagement."""
    form = selectors.form_by_id(form_id)
    community_for(request.auth, form.community.slug, Action.RUN_ENGAGEMENT)
    return form


def _given(payload: Strict) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True)


@router.get("/communities/{slug}/forms", response=Page[FormOut])
def list_forms(
    request: AuthedRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """The community's forms, newest first; drafts only for the team."""
    community, standing = community_for(request.auth, slug, Action.VIEW_CONTENT)
    team = selectors.runs_forms(request.auth, community, standing)
    page = selectors.forms_page(community, team=team, cursor=cursor, limit=page_size(limit))
    return {"items": [form_out(form) for form in page.items], "next_cursor": page.next_cursor}


@router.post("/communities/{slug}/forms", response={201: FormDetailOut})
def create_form(request: AuthedRequest, slug: str, payload: FormIn) -> Status:
    """Start a quiz, questionnaire or application (a draft until opened)."""
    community, _standing = community_for(request.auth, slug, Action.RUN_ENGAGEMENT)
    form = actions.create_form(actor=request.auth, community=community, data=_given(payload))
    return Status(201, _detail(form, team=True))


@router.get("/forms/{form_id}", response=FormDetailOut)
def get_form(request: AuthedRequest, form_id: RowId) -> dict[str, Any]:
    """A form with its questions; the right answers only for the team."""
    form, _standing, team = _seen(request, form_id)
    return _detail(form, team=team)


@router.patch("/forms/{form_id}", response=FormDetailOut)
def update_form(request: AuthedRequest, form_id: RowId, payload: FormPatch) -> dict[str, Any]:
    """Change a form; `state` opens (it needs a question) or closes it."""
    form = actions.update_form(
        actor=request.auth, form=_run(request, form_id), data=_given(payload)
    )
    return _detail(form, team=True)


@router.delete("/forms/{form_id}", response={204: None})
def delete_form(request: AuthedRequest, form_id: RowId) -> Status:
    """Delete a form with its questions and responses."""
    actions.delete_form(actor=request.auth, form=_run(request, form_id))
    return Status(204, None)


@router.post("/forms/{form_id}/fields", response={201: FieldOut})
def add_field(request: AuthedRequest, form_id: RowId, payload: FieldIn) -> Status:
    """Add a question at the end of the form."""
    item = actions.add_field(actor=request.auth, form=_run(request, form_id), data=_given(payload))
    return Status(201, field_out(item, team=True))


@router.put("/forms/{form_id}/fields/order", response=list[FieldOut])
def reorder_fields(
    request: AuthedRequest, form_id: RowId, payload: OrderIn
) -> list[dict[str, Any]]:
    """Put the questions in a new order: every question's id once."""
    found = actions.reorder_fields(
        actor=request.auth, form=_run(request, form_id), order=payload.order
    )
    return [field_out(item, team=True) for item in found]


@router.patch("/forms/{form_id}/fields/{field_id}", response=FieldOut)
def update_field(
    request: AuthedRequest, form_id: RowId, field_id: RowId, payload: FieldPatch
) -> dict[str, Any]:
    """Change a question; only the keys given change."""
    item = selectors.field_in(_run(request, form_id), field_id)
    item = actions.update_field(actor=request.auth, field=item, data=_given(payload))
    return field_out(item, team=True)


@router.delete("/forms/{form_id}/fields/{field_id}", response={204: None})
def delete_field(request: AuthedRequest, form_id: RowId, field_id: RowId) -> Status:
    """Remove a question and the answers given to it."""
    item = selectors.field_in(_run(request, form_id), field_id)
    actions.delete_field(actor=request.auth, field=item)
    return Status(204, None)


@router.post("/forms/{form_id}/responses", response={201: MyResponseOut})
def submit_response(request: AuthedRequest, form_id: RowId, payload: AnswersIn) -> Status:
    """Answer the form. A missing, wrong-typed, out-of-range or unknown answer is a 422 naming
    the question id; a closed form and a second answer where one is allowed are 409s."""
    form, _standing, _team = _seen(request, form_id)
    response = answering.submit_response(
        actor=request.auth, form=form, answers=payload.answers, viewer=viewer_of(request, api=True)
    )
    return Status(201, _mine(form, response))


@router.get("/forms/{form_id}/responses/mine", response=MyResponseOut)
def my_response(request: AuthedRequest, form_id: RowId) -> dict[str, Any]:
    """One's latest response with its result (score, right answers) and status; 404 if none."""
    form, _standing, _team = _seen(request, form_id)
    response = answering.my_response(form, request.auth)
    if response is None:
        raise NotFound
    return _mine(form, response)


@router.put("/forms/{form_id}/responses/mine", response=MyResponseOut)
def change_response(request: AuthedRequest, form_id: RowId, payload: AnswersIn) -> dict[str, Any]:
    """Change one's answer where the form allows it, until it closes (409 otherwise)."""
    form, _standing, _team = _seen(request, form_id)
    response = answering.change_response(actor=request.auth, form=form, answers=payload.answers)
    return _mine(form, response)


@router.get("/forms/{form_id}/responses", response=Page[ResponseOut])
def list_responses(
    request: AuthedRequest,
    form_id: RowId,
    cursor: Cursor = None,
    limit: PageLimit = None,
    status: StatusName | None = None,
) -> dict[str, Any]:
    """The responses, newest first, or only those of one `status` (the team)."""
    form = _run(request, form_id)
    page = selectors.responses_page(form, cursor=cursor, limit=page_size(limit), status=status)
    return {
        "items": [response_out(form, response) for response in page.items],
        "next_cursor": page.next_cursor,
    }


@router.get("/forms/{form_id}/responses.csv", response={200: None}, openapi_extra=CSV_ANSWER)
def export_responses(request: AuthedRequest, form_id: RowId) -> HttpResponse:
    """Every response as CSV: one row each, one column per question (the team)."""
    form = _run(request, form_id)
    fields = selectors.fields_of(form)
    return csv_download(
        f"form-{form.pk}-responses",
        selectors.export_header(form, fields),
        selectors.export_rows(form, fields),
    )


@router.get("/forms/{form_id}/summary", response=SummaryOut)
def form_summary(request: AuthedRequest, form_id: RowId) -> dict[str, Any]:
    """Per question: counts per option, mean, median and distribution, texts; a quiz's mean."""
    summary = selectors.form_summary(_run(request, form_id))
    return {
        "responses": summary.responses,
        "mean_score": summary.mean_score,
        "max_score": summary.max_score,
        "questions": [
            {
                "field": item.field.pk,
                "label": item.field.label,
                "kind": item.field.kind,
                "answered": item.answered,
                "bars": [vars(bar) for bar in item.bars],
                "mean": item.mean,
                "median": item.median,
                "texts": item.texts,
                "right": item.right,
            }
            for item in summary.questions
        ],
    }


@router.post("/forms/{form_id}/responses/{response_id}/decision", response=ResponseOut)
def decide_response(
    request: AuthedRequest, form_id: RowId, response_id: RowId, payload: DecisionIn
) -> dict[str, Any]:
    """Accept or reject an application (409 on other kinds of form)."""
    form = _run(request, form_id)
    response = actions.decide_response(
        actor=request.auth, response=selectors.response_in(form, response_id), status=payload.status
    )
    return response_out(form, response)
