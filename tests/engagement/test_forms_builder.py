"""R6.4: the team builds forms from questions; every setting is checked and refused with the
field it concerns."""

from __future__ import annotations

import pytest

from communa.communities.models import Role
from communa.core.errors import PermissionRefused, ValidationFailed
from communa.core.models import AuditEntry
from communa.engagement.actions import forms as actions
from communa.engagement.models import FormField
from tests.engagement.forms_support import add_question, make_form, open_form
from tests.factories import add_member, make_community, owner_of
from tests.support import api_as, error_of

pytestmark = pytest.mark.django_db


def reasons(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.fields


def test_an_editor_starts_a_draft_form_and_the_audit_log_records_it():
    community = make_community()
    editor = add_member(community, role=Role.EDITOR)
    form = actions.create_form(
        actor=editor, community=community, data={"kind": "quiz", "title": "  Knife   quiz "}
    )
    assert form.title == "Knife quiz"
    assert form.state == "draft"
    assert AuditEntry.objects.filter(
        community=community, action="form.create", actor=editor
    ).exists()


def test_a_member_may_not_build_forms():
    community = make_community()
    member = add_member(community)
    with pytest.raises(PermissionRefused):
        actions.create_form(actor=member, community=community, data={"kind": "quiz", "title": "Q"})


def test_a_form_without_questions_cannot_open():
    form = make_form(make_community())
    fields = reasons(lambda: open_form(form))
    assert "state" in fields


def test_a_form_cannot_close_before_it_opens():
    form = make_form(make_community())
    fields = reasons(
        lambda: actions.update_form(
            actor=owner_of(form.community),
            form=form,
            data={"opens_at": "2026-05-02T10:00:00Z", "closes_at": "2026-05-01T10:00:00Z"},
        )
    )
    assert "closes_at" in fields


def test_an_application_cannot_be_anonymous():
    community = make_community()
    fields = reasons(lambda: make_form(community, kind="application", anonymous=True))
    assert "anonymous" in fields


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "single_choice", "choices": ["Only one"]}, "choices"),
        ({"kind": "multiple_choice", "choices": ["A", "a"]}, "choices"),
        ({"kind": "short_text", "max_length": 100000}, "max_length"),
        ({"kind": "long_text", "min_length": 50, "max_length": 10}, "min_length"),
        ({"kind": "number", "min_value": 10, "max_value": 1}, "max_value"),
        ({"kind": "scale", "min_value": 3}, "min_value"),
        ({"kind": "scale", "min_value": 0, "max_value": 11}, "max_value"),
        ({"kind": "unknown"}, "kind"),
        ({"kind": "short_text", "label": ""}, "label"),
        ({"kind": "short_text", "required": "yes"}, "required"),
        ({"kind": "short_text", "correct": "Paris"}, "correct"),
    ],
)
def test_a_question_that_breaks_a_rule_is_refused_naming_the_setting(data, field):
    form = make_form(make_community())
    fields = reasons(lambda: add_question(form, **data))
    assert field in fields


def test_a_quiz_question_needs_its_right_answer_among_its_options():
    form = make_form(make_community(), kind="quiz")
    fields = reasons(
        lambda: add_question(
            form, "single_choice", "Best steel?", choices=["VG10", "SG2"], correct="X"
        )
    )
    assert "correct" in fields


def test_a_form_holds_at_most_the_configured_number_of_questions(settings):
    settings.COMMUNA = {**settings.COMMUNA, "FORM_MAX_FIELDS": 2}
    form = make_form(make_community())
    add_question(form)
    add_question(form)
    fields = reasons(lambda: add_question(form))
    assert "form" in fields
    assert FormField.objects.filter(form=form).count() == 2


def test_a_choice_question_holds_at_most_the_configured_number_of_options(settings):
    settings.COMMUNA = {**settings.COMMUNA, "FORM_MAX_CHOICES": 3}
    form = make_form(make_community())
    fields = reasons(lambda: add_question(form, "single_choice", choices=["a", "b", "c", "d"]))
    assert "choices" in fields


def test_questions_are_reordered_and_moved():
    form = make_form(make_community())
    first, second, third = (add_question(form, label=name) for name in ("One", "Two", "Three"))
    owner = owner_of(form.community)
    actions.reorder_fields(actor=owner, form=form, order=[third.pk, first.pk, second.pk])
    actions.move_field(actor=owner, field=FormField.objects.get(pk=second.pk), up=True)
    labels = list(
        FormField.objects.filter(form=form).order_by("position").values_list("label", flat=True)
    )
    assert labels == ["Three", "Two", "One"]


def test_a_reorder_must_list_every_question_once():
    form = make_form(make_community())
    first = add_question(form)
    add_question(form)
    fields = reasons(
        lambda: actions.reorder_fields(actor=owner_of(form.community), form=form, order=[first.pk])
    )
    assert "order" in fields


def test_the_api_builds_a_quiz_and_hides_right_answers_from_members():
    community = make_community()
    owner = owner_of(community)
    member = add_member(community)
    api = api_as(owner)
    made = api.post(f"/communities/{community.slug}/forms", {"kind": "quiz", "title": "Steel"})
    assert made.status_code == 201, made.content
    form_id = made.json()["id"]
    added = api.post(
        f"/forms/{form_id}/fields",
        {
            "kind": "single_choice",
            "label": "Hardest?",
            "choices": ["VG10", "ZDP-189"],
            "correct": "ZDP-189",
        },
    )
    assert added.status_code == 201, added.content
    assert added.json()["correct"] == ["ZDP-189"]
    assert added.json()["points"] == 1
    opened = api.patch(f"/forms/{form_id}", {"state": "open"})
    assert opened.json()["accepting"] is True
    seen = api_as(member).get(f"/forms/{form_id}")
    assert seen.status_code == 200
    assert seen.json()["fields"][0]["correct"] is None


def test_the_api_refuses_a_bad_question_with_a_422_naming_it():
    community = make_community()
    form = make_form(community)
    answer = api_as(owner_of(community)).post(
        f"/forms/{form.pk}/fields",
        {"kind": "number", "label": "Age", "min_value": 9, "max_value": 1},
    )
    assert answer.status_code == 422
    assert "max_value" in error_of(answer)["fields"]


def test_members_do_not_see_draft_forms():
    community = make_community()
    form = make_form(community)
    member = add_member(community)
    assert api_as(member).get(f"/forms/{form.pk}").status_code == 404
    listed = api_as(member).get(f"/communities/{community.slug}/forms").json()["items"]
    assert listed == []


def test_a_question_given_a_right_answer_later_scores_a_point_unless_told_otherwise():
    form = make_form(make_community(), kind="quiz")
    question = add_question(form, "number", "Angle?")
    assert question.points == 0
    owner = owner_of(form.community)
    question = actions.update_field(actor=owner, field=question, data={"correct": 15})
    assert question.points == 1
    question = actions.update_field(actor=owner, field=question, data={"points": 3})
    assert question.points == 3
    question = actions.update_field(actor=owner, field=question, data={"correct": None})
    assert question.points == 0
