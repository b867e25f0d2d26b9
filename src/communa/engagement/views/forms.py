"""Form pages (R6.4): members answer at /c/<slug>/forms/<id>/ and see their result; the team
builds forms, reads responses, summaries and the CSV export in the manage area."""

from __future__ import annotations

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
    FormState,
    ResponseStatus,
)
from communa.engagement.selectors import forms as selectors
from communa.engagement.views.form_inputs import (
    FieldForm,
    FormSettingsForm,
    answer_form,
    answer_initial,
    answers_from,
    bands_text,
    field_initial,
)

MANAGE = "manage_forms"


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
            "answered": answering.answered_forms(page.items, request.user),
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
    status = request.GET.get("status", "")
    status = status if status in ResponseStatus.values else ""
    page = selectors.responses_page(
        found, cursor=cursor_of(request), limit=page_size(None), status=status or None
    )
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
            "status": status,
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
