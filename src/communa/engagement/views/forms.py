"""Form pages (R6.4): members answer at /c/<slug>/forms/<id>/ and see their result; the team
builds forms, reads responses, summaries and the CSV export in the manage area."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.communities.manage import Group, ManagePage, register_page
from communa.communities.models import Community
from communa.communities.permissions import Action, Standing
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import DomainError
from communa.core.events import viewer_of
from communa.core.exports import csv_download
from communa.core.pagination import next_page_link, page_size
from communa.core.web import answers_refusals, cursor_of, show_error_on_form
from communa.engagement.actions import form_answers as answering
from communa.engagement.actions import forms as actions
from communa.engagement.models import (
    AnswerMode,
    FieldKind,
    Form,
    FormField,
    FormKind,
    FormState,
    ResponseStatus,
)
from communa.engagement.selectors import forms as selectors

MOMENT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MANAGE = "manage_forms"


class FormSettingsForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=FormKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=actions.TITLE_MAX)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=actions.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    state = forms.ChoiceField(label=gettext_lazy("State"), choices=FormState.choices)
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens at"),
        required=False,
        widget=MOMENT_WIDGET,
        help_text=gettext_lazy("Optional: an open form takes answers from then on."),
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Closes at"),
        required=False,
        widget=MOMENT_WIDGET,
        help_text=gettext_lazy("Optional: it takes none from then on."),
    )
    answer_mode = forms.ChoiceField(label=gettext_lazy("Answers"), choices=AnswerMode.choices)
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonymous responses: the team does not see who answered"),
        required=False,
    )
    bands = forms.CharField(
        label=gettext_lazy("Score bands (quizzes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            'One a line: the lowest score, a colon, the message ("3: Well done!").'
        ),
    )

    def clean_bands(self) -> list[dict[str, Any]]:
        bands = []
        for line in self.cleaned_data["bands"].splitlines():
            if not line.strip():
                continue
            low, _colon, message = line.partition(":")
            try:
                bands.append({"min": int(low.strip()), "message": message.strip()})
            except ValueError:
                raise forms.ValidationError(_("Start each line with a whole number.")) from None
        return bands

    def data_for_action(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in actions.FORM_FIELDS}


def bands_text(form: Form) -> str:
    return "\n".join(f"{band['min']}: {band['message']}" for band in form.bands or [])


class FieldForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=FieldKind.choices)
    label = forms.CharField(label=gettext_lazy("Question"), max_length=actions.LABEL_MAX)
    help_text = forms.CharField(
        label=gettext_lazy("Help text"), required=False, max_length=actions.HELP_MAX
    )
    required = forms.BooleanField(label=gettext_lazy("An answer is required"), required=False)
    choices = forms.CharField(
        label=gettext_lazy("Options (choice questions)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One option a line."),
    )
    min_length = forms.IntegerField(
        label=gettext_lazy("Shortest answer, in characters (texts)"), required=False, min_value=0
    )
    max_length = forms.IntegerField(
        label=gettext_lazy("Longest answer, in characters (texts)"), required=False, min_value=1
    )
    min_value = forms.IntegerField(
        label=gettext_lazy("Lowest value (numbers, scales)"), required=False
    )
    max_value = forms.IntegerField(
        label=gettext_lazy("Highest value (numbers, scales)"), required=False
    )
    low_label = forms.CharField(
        label=gettext_lazy("Label of the lowest value (scales)"),
        required=False,
        max_length=actions.SCALE_LABEL_MAX,
    )
    high_label = forms.CharField(
        label=gettext_lazy("Label of the highest value (scales)"),
        required=False,
        max_length=actions.SCALE_LABEL_MAX,
    )
    correct = forms.CharField(
        label=gettext_lazy("Right answer (quizzes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("The right option (one a line for several), number or text."),
    )
    points = forms.IntegerField(
        label=gettext_lazy("Points (quizzes)"),
        required=False,
        min_value=0,
        max_value=actions.POINTS_MAX,
    )

    def data_for_action(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in actions.FIELD_FIELDS}
        kind = data["kind"]
        data["choices"] = [line.strip() for line in data["choices"].splitlines() if line.strip()]
        correct = data["correct"].strip()
        if not correct:
            data["correct"] = None
        elif kind in actions.CHOICE_KINDS:
            data["correct"] = [line.strip() for line in correct.splitlines() if line.strip()]
        elif kind in actions.RANGE_KINDS:
            data["correct"] = number_from(correct)
        if data["points"] is None:
            del data["points"]
        return data


def field_initial(item: FormField) -> dict[str, Any]:
    initial = {name: getattr(item, name) for name in actions.FIELD_FIELDS}
    initial["choices"] = "\n".join(item.choices)
    correct = item.correct
    initial["correct"] = (
        "\n".join(correct)
        if isinstance(correct, list)
        else ("" if correct is None else str(correct))
    )
    return initial


def number_from(text: str) -> Any:
    """A number typed in a form, or the text itself (the action then says what is wrong)."""
    text = text.strip().replace(",", ".")
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


# Answering -------------------------------------------------------------------------------


def _name(item: FormField) -> str:
    return f"f{item.pk}"


def _label(item: FormField) -> str:
    return f"{item.label} ({_('required')})" if item.required else item.label


def answer_form(
    fields: list[FormField], data: Any = None, initial: dict[str, Any] | None = None
) -> forms.Form:
    """A form of the form's questions; every check is the action's, so both front doors refuse
    alike (only the widgets differ)."""
    made = forms.Form(data, initial=initial)
    for item in fields:
        common: dict[str, Any] = {
            "label": _label(item),
            "required": False,
            "help_text": item.help_text,
        }
        if item.kind == FieldKind.LONG_TEXT:
            made.fields[_name(item)] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4}), strip=False, **common
            )
        elif item.kind == FieldKind.SINGLE_CHOICE:
            made.fields[_name(item)] = forms.ChoiceField(
                widget=forms.RadioSelect, choices=[(c, c) for c in item.choices], **common
            )
        elif item.kind == FieldKind.MULTIPLE_CHOICE:
            made.fields[_name(item)] = forms.MultipleChoiceField(
                widget=forms.CheckboxSelectMultiple,
                choices=[(c, c) for c in item.choices],
                **common,
            )
        elif item.kind == FieldKind.SCALE:
            low, high = item.min_value or 0, item.max_value or 5
            options = []
            for value in range(low, high + 1):
                text = str(value)
                if value == low and item.low_label:
                    text = f"{value} – {item.low_label}"
                elif value == high and item.high_label:
                    text = f"{value} – {item.high_label}"
                options.append((str(value), text))
            made.fields[_name(item)] = forms.ChoiceField(
                widget=forms.RadioSelect(attrs={"class": "scale"}), choices=options, **common
            )
        elif item.kind == FieldKind.NUMBER:
            attrs = {"inputmode": "decimal"}
            made.fields[_name(item)] = forms.CharField(
                widget=forms.TextInput(attrs=attrs), **common
            )
        elif item.kind == FieldKind.DATE:
            made.fields[_name(item)] = forms.CharField(
                widget=forms.DateInput(attrs={"type": "date"}), **common
            )
        elif item.kind == FieldKind.CONSENT:
            made.fields[_name(item)] = forms.BooleanField(**common)
        else:
            made.fields[_name(item)] = forms.CharField(strip=False, **common)
    return made


def answers_from(form: forms.Form, fields: list[FormField]) -> dict[str, Any]:
    """The answers as the action takes them: numbers as numbers, options as given."""
    answers: dict[str, Any] = {}
    for item in fields:
        value = form.cleaned_data.get(_name(item))
        if item.kind == FieldKind.NUMBER:
            value = number_from(value) if value and value.strip() else None
        elif item.kind == FieldKind.SCALE:
            value = int(value) if value not in (None, "") else None
        answers[str(item.pk)] = value
    return answers


def answer_initial(response: Any, fields: list[FormField]) -> dict[str, Any]:
    answers = {answer.field_id: answer.value for answer in response.answers.all()}
    return {_name(item): answers.get(item.pk) for item in fields if item.pk in answers}


def _errors_on(form: forms.Form, exc: DomainError) -> int:
    exc.fields = {(f"f{key}" if key.isdigit() else key): value for key, value in exc.fields.items()}
    return show_error_on_form(form, exc)


def _member_form(
    request: HttpRequest, slug: str, form_id: int
) -> tuple[Community, Standing, Form, bool]:
    community, standing = community_for(request.user, slug, Action.VIEW_CONTENT)
    found = selectors.form_in(community, form_id)
    team = selectors.runs_forms(request.user, community, standing)
    selectors.require_visible(found, team=team)
    return community, standing, found, team


@login_required
@answers_refusals
def form_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's forms members may answer."""
    community, standing = community_for(request.user, slug, Action.VIEW_CONTENT)
    page = selectors.forms_page(
        community, team=False, cursor=cursor_of(request), limit=page_size(None)
    )
    return render(
        request,
        "engagement/forms/list.html",
        {
            **page_context(community, standing, "forms"),
            "forms": [(item, selectors.why_closed(item)) for item in page.items],
            "next_link": next_page_link(request, page.next_cursor),
        },
    )


@login_required
@answers_refusals
def form_page(request: HttpRequest, slug: str, form_id: int) -> HttpResponse:
    """Answer a form; after answering, one's result (a quiz's score and right answers, an
    application's status), and a new answer or a change where the form allows it."""
    community, standing, found, team = _member_form(request, slug, form_id)
    fields = selectors.fields_of(found)
    mine = answering.my_response(found, request.user)
    editing = mine is not None and found.answer_mode == AnswerMode.EDIT
    again = request.GET.get("again") == "1" and found.answer_mode == AnswerMode.AGAIN
    closed = selectors.why_closed(found)
    show_form = closed is None and (mine is None or editing or again)
    initial = answer_initial(mine, fields) if editing and mine else None
    form = answer_form(fields, request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            viewer = viewer_of(request)
            answers = answers_from(form, fields)
            try:
                if editing:
                    answering.change_response(actor=request.user, form=found, answers=answers)
                else:
                    answering.submit_response(
                        actor=request.user, form=found, answers=answers, viewer=viewer
                    )
            except DomainError as exc:
                status = _errors_on(form, exc)
                show_form = True
            else:
                messages.success(request, _("Thank you: your answer has been sent."))
                return redirect("engagement:form", community.slug, found.pk)
        else:
            status = 400
            show_form = True
    return render(
        request,
        "engagement/forms/form.html",
        {
            **page_context(community, standing, "forms"),
            "form_row": found,
            "form": form,
            "show_form": show_form,
            "closed": closed,
            "result": selectors.result_of(found, mine) if mine else None,
            "editing": editing,
            "may_answer_again": mine is not None
            and found.answer_mode == AnswerMode.AGAIN
            and closed is None,
            "team": team,
        },
        status=status,
    )


# Managing ---------------------------------------------------------------------------------


def _team_form(request: HttpRequest, slug: str, form_id: int) -> tuple[Community, Standing, Form]:
    community, standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    return community, standing, selectors.form_in(community, form_id)


@login_required
@answers_refusals
def manage_forms(request: HttpRequest, slug: str) -> HttpResponse:
    """The team's forms, drafts included, with a form to start one."""
    community, standing = community_for(request.user, slug, Action.RUN_ENGAGEMENT)
    form = FormSettingsForm(
        request.POST or None, initial={"state": FormState.DRAFT, "answer_mode": AnswerMode.ONCE}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                made = actions.create_form(
                    actor=request.user, community=community, data=form.data_for_action()
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("The form is ready: add its questions."))
                return redirect("engagement:manage_form", community.slug, made.pk)
        else:
            status = 400
    page = selectors.forms_page(
        community, team=True, cursor=cursor_of(request), limit=page_size(None)
    )
    return render(
        request,
        "engagement/forms/manage_list.html",
        {
            **page_context(community, standing, MANAGE),
            "forms": page.items,
            "next_link": next_page_link(request, page.next_cursor),
            "form": form,
        },
        status=status,
    )


@login_required
@answers_refusals
def manage_form(request: HttpRequest, slug: str, form_id: int) -> HttpResponse:
    """The builder: the form's settings, its questions with their order, a new question."""
    community, standing, found = _team_form(request, slug, form_id)
    initial = {name: getattr(found, name) for name in actions.FORM_FIELDS}
    initial["bands"] = bands_text(found)
    settings_form = FormSettingsForm(
        request.POST if "save_settings" in request.POST else None, initial=initial
    )
    field_form = FieldForm(
        request.POST if "add_field" in request.POST else None,
        initial={"kind": FieldKind.SHORT_TEXT},
    )
    status = 200
    if request.method == "POST" and "save_settings" in request.POST:
        if settings_form.is_valid():
            try:
                actions.update_form(
                    actor=request.user, form=found, data=settings_form.data_for_action()
                )
            except DomainError as exc:
                found = selectors.form_in(community, form_id)
                status = show_error_on_form(settings_form, exc)
            else:
                messages.success(request, _("The form has been saved."))
                return redirect("engagement:manage_form", community.slug, found.pk)
        else:
            status = 400
    elif request.method == "POST" and "add_field" in request.POST:
        if field_form.is_valid():
            try:
                actions.add_field(actor=request.user, form=found, data=field_form.data_for_action())
            except DomainError as exc:
                status = show_error_on_form(field_form, exc)
            else:
                messages.success(request, _("The question has been added."))
                return redirect("engagement:manage_form", community.slug, found.pk)
        else:
            status = 400
    return render(
        request,
        "engagement/forms/builder.html",
        {
            **page_context(community, standing, MANAGE),
            "form_row": found,
            "fields": selectors.fields_of(found),
            "settings_form": settings_form,
            "field_form": field_form,
            "closed": selectors.why_closed(found),
        },
        status=status,
    )


@login_required
@answers_refusals
def manage_field(request: HttpRequest, slug: str, form_id: int, field_id: int) -> HttpResponse:
    """Change one question."""
    community, standing, found = _team_form(request, slug, form_id)
    item = selectors.field_in(found, field_id)
    form = FieldForm(request.POST or None, initial=field_initial(item))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_field(actor=request.user, field=item, data=form.data_for_action())
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("The question has been saved."))
                return redirect("engagement:manage_form", community.slug, found.pk)
        else:
            status = 400
    return render(
        request,
        "engagement/forms/field.html",
        {
            **page_context(community, standing, MANAGE),
            "form_row": found,
            "item": item,
            "form": form,
        },
        status=status,
    )


@login_required
@answers_refusals
def move_field(request: HttpRequest, slug: str, form_id: int, field_id: int) -> HttpResponse:
    """Move a question up or down (POST `direction`)."""
    community, _standing, found = _team_form(request, slug, form_id)
    item = selectors.field_in(found, field_id)
    if request.method == "POST":
        actions.move_field(actor=request.user, field=item, up=request.POST.get("direction") == "up")
    return redirect("engagement:manage_form", community.slug, found.pk)


@login_required
@answers_refusals
def delete_field(request: HttpRequest, slug: str, form_id: int, field_id: int) -> HttpResponse:
    """Remove a question (POST)."""
    community, _standing, found = _team_form(request, slug, form_id)
    item = selectors.field_in(found, field_id)
    if request.method == "POST":
        actions.delete_field(actor=request.user, field=item)
        messages.success(request, _("The question has been removed."))
    return redirect("engagement:manage_form", community.slug, found.pk)


@login_required
@answers_refusals
def delete_form(request: HttpRequest, slug: str, form_id: int) -> HttpResponse:
    """Delete the form with its responses (POST)."""
    community, _standing, found = _team_form(request, slug, form_id)
    if request.method != "POST":
        return redirect("engagement:manage_form", community.slug, found.pk)
    actions.delete_form(actor=request.user, form=found)
    messages.success(request, _("The form “%(title)s” has been deleted.") % {"title": found.title})
    return redirect("engagement:manage_forms", community.slug)


@login_required
@answers_refusals
def responses(request: HttpRequest, slug: str, form_id: int) -> HttpResponse:
    """The responses in a table, newest first, a page at a time; applications are decided here."""
    community, standing, found = _team_form(request, slug, form_id)
    fields = selectors.fields_of(found)
    page = selectors.responses_page(found, cursor=cursor_of(request), limit=page_size(None))
    rows = []
    for response in page.items:
        answers = selectors.answers_by_field(response)
        cells = [
            selectors.shown_value(item, answers[item.pk].value) if item.pk in answers else ""
            for item in fields
        ]
        rows.append((response, selectors.respondent_name(found, response), cells))
    return render(
        request,
        "engagement/forms/responses.html",
        {
            **page_context(community, standing, MANAGE),
            "form_row": found,
            "fields": fields,
            "rows": rows,
            "statuses": ResponseStatus.choices,
            "next_link": next_page_link(request, page.next_cursor),
        },
    )


@login_required
@answers_refusals
def export(request: HttpRequest, slug: str, form_id: int) -> HttpResponse:
    """Every response as CSV."""
    _community, _standing, found = _team_form(request, slug, form_id)
    fields = selectors.fields_of(found)
    stamp = timezone.now().strftime("%Y-%m-%d")
    return csv_download(
        f"form-{found.pk}-{stamp}",
        selectors.export_header(found, fields),
        selectors.export_rows(found, fields),
    )


@login_required
@answers_refusals
def decide(request: HttpRequest, slug: str, form_id: int, response_id: int) -> HttpResponse:
    """Accept or reject an application (POST `status`)."""
    community, _standing, found = _team_form(request, slug, form_id)
    response = selectors.response_in(found, response_id)
    if request.method == "POST":
        actions.decide_response(
            actor=request.user, response=response, status=request.POST.get("status", "")
        )
        messages.success(request, _("The application's status has been saved."))
    return redirect("engagement:responses", community.slug, found.pk)


@login_required
@answers_refusals
def summary(request: HttpRequest, slug: str, form_id: int) -> HttpResponse:
    """Per question: counts per option with bars, a number's mean, median and spread, texts."""
    community, standing, found = _team_form(request, slug, form_id)
    return render(
        request,
        "engagement/forms/summary.html",
        {
            **page_context(community, standing, MANAGE),
            "form_row": found,
            "summary": selectors.form_summary(found),
        },
    )


def connect_forms() -> None:
    """The team's forms page in the manage area's Engagement group (called by wiring)."""
    register_page(
        ManagePage(
            Group.ENGAGEMENT,
            "engagement:manage_forms",
            gettext_lazy("Forms"),
            Action.RUN_ENGAGEMENT,
            40,
        )
    )


__all__ = [
    "connect_forms",
    "decide",
    "delete_field",
    "delete_form",
    "export",
    "form_list",
    "form_page",
    "manage_field",
    "manage_form",
    "manage_forms",
    "move_field",
    "responses",
    "summary",
]
