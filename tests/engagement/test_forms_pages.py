"""The forms' web pages: members' list and closed forms, the builder's edit and move."""

from __future__ import annotations

import pytest

from communa.engagement.actions import form_answers as answering
from communa.engagement.actions import forms as actions
from communa.engagement.models import FormField
from tests.engagement.forms_support import add_question, make_form, open_form
from tests.factories import add_member, make_community, owner_of
from tests.support import api_as, client_of

pytestmark = pytest.mark.django_db


def test_members_see_open_forms_and_why_a_closed_one_takes_no_answers():
    community = make_community()
    form = make_form(community, title="Menu survey")
    add_question(form)
    open_form(form)
    actions.update_form(actor=owner_of(community), form=form, data={"state": "closed"})
    client = client_of(add_member(community))
    assert "Menu survey" in client.get(f"/c/{community.slug}/forms/").content.decode()
    page = client.get(f"/c/{community.slug}/forms/{form.pk}/").content.decode()
    assert "This form is closed" in page


def test_the_team_edits_and_moves_a_question_on_the_web():
    community = make_community()
    form = make_form(community)
    first = add_question(form, label="First")
    second = add_question(form, label="Second")
    client = client_of(owner_of(community))
    base = f"/c/{community.slug}/manage/forms/{form.pk}/fields/"
    assert client.get(f"{base}{first.pk}/").status_code == 200
    saved = client.post(
        f"{base}{first.pk}/", {"kind": "long_text", "label": "First, longer", "max_length": "900"}
    )
    assert saved.status_code == 302
    first.refresh_from_db()
    assert (first.kind, first.label, first.max_length) == ("long_text", "First, longer", 900)
    client.post(f"{base}{second.pk}/move/", {"direction": "up"})
    order = list(
        FormField.objects.filter(form=form).order_by("position").values_list("pk", flat=True)
    )
    assert order == [second.pk, first.pk]
    client.post(f"{base}{second.pk}/delete/")
    assert list(FormField.objects.filter(form=form).values_list("pk", flat=True)) == [first.pk]


def test_a_member_changes_their_answer_through_the_api_where_the_form_allows_it():
    community = make_community()
    form = make_form(community, answer_mode="edit")
    question = add_question(form, "single_choice", "Soup?", choices=["Yes", "No"])
    open_form(form)
    api = api_as(add_member(community))
    api.post(f"/forms/{form.pk}/responses", {"answers": {str(question.pk): "Yes"}})
    changed = api.call(
        "put", f"/forms/{form.pk}/responses/mine", {"answers": {str(question.pk): "No"}}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["answers"] == {str(question.pk): "No"}


def test_the_api_reorders_questions():
    community = make_community()
    form = make_form(community)
    first, second = add_question(form, label="A"), add_question(form, label="B")
    answer = api_as(owner_of(community)).call(
        "put", f"/forms/{form.pk}/fields/order", {"order": [second.pk, first.pk]}
    )
    assert answer.status_code == 200, answer.content
    assert [item["label"] for item in answer.json()] == ["B", "A"]


def test_the_answer_page_offers_a_change_with_the_answer_filled_in():
    community = make_community()
    form = make_form(community, answer_mode="edit")
    question = add_question(form, "short_text", "Dish")
    open_form(form)
    client = client_of(add_member(community))
    url = f"/c/{community.slug}/forms/{form.pk}/"
    assert client.post(url, {f"f{question.pk}": "Ramen"}).status_code == 302
    page = client.get(url)
    assert page.context["editing"] is True
    assert 'value="Ramen"' in page.content.decode()
    assert client.post(url, {f"f{question.pk}": "Pho"}).status_code == 302
    assert FormField.objects.get(pk=question.pk).answers.get().value == "Pho"


def test_the_team_deletes_a_form_on_the_web():
    community = make_community()
    form = make_form(community)
    client = client_of(owner_of(community))
    gone = client.post(f"/c/{community.slug}/manage/forms/{form.pk}/delete/")
    assert gone.status_code == 302
    assert client.get(f"/c/{community.slug}/manage/forms/{form.pk}/").status_code == 404


def every_kind_quiz(community):
    form = make_form(community, kind="quiz")
    add_question(form, "short_text", "Name", correct="Ann", required=True)
    add_question(form, "long_text", "Story", help_text="Tell us")
    add_question(form, "single_choice", "Steel", choices=["VG10", "SG2"], correct="SG2")
    add_question(form, "multiple_choice", "Knives", choices=["Gyuto", "Nakiri"], correct=["Gyuto"])
    add_question(form, "number", "Angle", min_value=5, max_value=30, correct=15)
    add_question(form, "date", "Day")
    add_question(
        form, "scale", "Skill", min_value=0, max_value=10, low_label="New", high_label="Pro"
    )
    add_question(form, "consent", "Photos are fine", required=True)
    return open_form(form)


def test_every_kind_of_question_renders_and_is_answered_on_the_web():
    community = make_community()
    form = every_kind_quiz(community)
    fields = list(FormField.objects.filter(form=form).order_by("position"))
    client = client_of(add_member(community))
    url = f"/c/{community.slug}/forms/{form.pk}/"
    page = client.get(url).content.decode()
    for label in ("Photos are fine", "0 – New", "10 – Pro", 'type="date"', "Gyuto"):
        assert label in page
    name, story, steel, knives, angle, day, skill, consent = (f"f{f.pk}" for f in fields)
    sent = client.post(
        url,
        {
            name: "ann",
            story: "Long",
            steel: "SG2",
            knives: ["Gyuto"],
            angle: "15",
            day: "2026-04-01",
            skill: "7",
            consent: "on",
        },
    )
    assert sent.status_code == 302, sent.context["form"].errors if sent.context else sent
    result = client.get(url).content.decode()
    assert "Your score: 4 of 4" in result
    owner = client_of(owner_of(community))
    for path in ("", "responses/", "summary/", f"fields/{fields[2].pk}/"):
        answer = owner.get(f"/c/{community.slug}/manage/forms/{form.pk}/{path}")
        assert answer.status_code == 200, path


def test_the_forms_list_marks_the_forms_a_member_has_answered():
    community = make_community()
    answered, other = (
        make_form(community, title="Answered one"),
        make_form(community, title="Other"),
    )
    for form in (answered, other):
        add_question(form)
        open_form(form)
    member = add_member(community)
    question = FormField.objects.get(form=answered)
    answering.submit_response(actor=member, form=answered, answers={str(question.pk): "x"})
    page = client_of(member).get(f"/c/{community.slug}/forms/")
    assert page.context["answered"] == {answered.pk}
    assert "You have answered" in page.content.decode()


def test_the_team_is_told_a_draft_is_not_open_yet_when_trying_it():
    community = make_community()
    form = make_form(community)
    question = add_question(form)
    answer = api_as(owner_of(community)).post(
        f"/forms/{form.pk}/responses", {"answers": {str(question.pk): "x"}}
    )
    assert answer.status_code == 409
