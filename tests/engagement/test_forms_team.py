"""R6.4: the team reads responses (a keyset page), downloads them as CSV, reads per-question
summaries and decides applications; members see their application's status."""

from __future__ import annotations

import csv
import io

import pytest

from communa.communities.models import Role
from communa.core.errors import Conflict, PermissionRefused
from communa.engagement.actions import form_answers as answering
from communa.engagement.actions import forms as actions
from communa.engagement.selectors.forms import form_summary
from tests.engagement.forms_support import add_question, make_form, open_form
from tests.factories import add_member, make_community, owner_of, person
from tests.support import api_as, client_of

pytestmark = pytest.mark.django_db


def survey():
    community = make_community()
    form = make_form(community)
    colour = add_question(form, "multiple_choice", "Colours", choices=["Red", "Blue", "Green"])
    level = add_question(form, "scale", "Level", min_value=1, max_value=5)
    note = add_question(form, "long_text", "Note")
    open_form(form)
    answers = [
        (["Red"], 1, '=HYPERLINK("http://evil")'),
        (["Red", "Blue"], 4, "Sharp knives"),
        (["Blue"], 4, ""),
    ]
    members = []
    for picked, value, text in answers:
        member = add_member(community, person())
        members.append(member)
        given = {str(colour.pk): picked, str(level.pk): value}
        if text:
            given[str(note.pk)] = text
        answering.submit_response(actor=member, form=form, answers=given)
    return community, form, (colour, level, note), members


def test_the_summary_counts_options_and_gives_the_mean_median_and_spread():
    _community, form, (colour, level, note), _members = survey()
    summary = form_summary(form)
    assert summary.responses == 3
    by_field = {item.field.pk: item for item in summary.questions}
    colours = by_field[colour.pk]
    assert [(bar.label, bar.count, bar.percent) for bar in colours.bars] == [
        ("Red", 2, 67),
        ("Blue", 2, 67),
        ("Green", 0, 0),
    ]
    levels = by_field[level.pk]
    assert (levels.mean, levels.median) == (3.0, 4.0)
    assert [bar.count for bar in levels.bars] == [1, 0, 0, 2, 0]
    assert by_field[note.pk].texts == ["Sharp knives", '=HYPERLINK("http://evil")']


def test_the_csv_has_one_row_per_response_and_formulas_made_inert():
    community, form, (_colour, _level, _note), members = survey()
    download = client_of(owner_of(community)).get(
        f"/c/{community.slug}/manage/forms/{form.pk}/responses.csv"
    )
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "response",
        "submitted_at",
        "respondent",
        "status",
        "score",
        "Colours",
        "Level",
        "Note",
    ]
    assert len(rows) == 4
    assert rows[1][2] == members[0].username
    assert rows[1][5:] == ["Red", "1", '\'=HYPERLINK("http://evil")']
    assert rows[2][5] == "Red; Blue"


def test_the_api_pages_responses_by_keyset():
    community, form, _fields, _members = survey()
    api = api_as(owner_of(community))
    first = api.get(f"/forms/{form.pk}/responses?limit=2").json()
    assert len(first["items"]) == 2
    rest = api.get(f"/forms/{form.pk}/responses?limit=2&cursor={first['next_cursor']}").json()
    assert len(rest["items"]) == 1
    assert rest["next_cursor"] is None
    ids = [item["id"] for item in first["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True)


def test_the_responses_page_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    community, form, _fields, _members = survey()
    client = client_of(owner_of(community))
    url = f"/c/{community.slug}/manage/forms/{form.pk}/responses/"
    client.get(url)
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200
    assert "Sharp knives" in page.content.decode()


def test_an_anonymous_form_hides_who_answered_from_the_team():
    community = make_community()
    form = make_form(community, anonymous=True)
    question = add_question(form)
    open_form(form)
    member = add_member(community, person("secret-agent"))
    answering.submit_response(actor=member, form=form, answers={str(question.pk): "hi"})
    listed = api_as(owner_of(community)).get(f"/forms/{form.pk}/responses").json()["items"]
    assert listed[0]["respondent"] is None
    page = client_of(owner_of(community)).get(
        f"/c/{community.slug}/manage/forms/{form.pk}/responses/"
    )
    assert "secret-agent" not in page.content.decode()


def test_the_team_accepts_an_application_and_the_applicant_sees_it():
    community = make_community()
    form = make_form(community, kind="application")
    question = add_question(form, "long_text", "Why you?", required=True)
    open_form(form)
    applicant = add_member(community)
    response = answering.submit_response(
        actor=applicant, form=form, answers={str(question.pk): "I cook."}
    )
    editor = add_member(community, role=Role.EDITOR)
    decided = api_as(editor).post(
        f"/forms/{form.pk}/responses/{response.pk}/decision", {"status": "accepted"}
    )
    assert decided.status_code == 200, decided.content
    mine = api_as(applicant).get(f"/forms/{form.pk}/responses/mine").json()
    assert mine["status"] == "accepted"
    page = client_of(applicant).get(f"/c/{community.slug}/forms/{form.pk}/").content.decode()
    assert "Accepted" in page


def test_only_applications_are_decided():
    community, form, _fields, members = survey()
    response = answering.my_response(form, members[0])
    with pytest.raises(Conflict):
        actions.decide_response(actor=owner_of(community), response=response, status="accepted")


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR, Role.ANALYST])
def test_people_who_do_not_run_engagement_see_no_responses(role):
    community, form, _fields, _members = survey()
    someone = add_member(community, role=role)
    assert api_as(someone).get(f"/forms/{form.pk}/responses").status_code == 403
    assert api_as(someone).get(f"/forms/{form.pk}/summary").status_code == 403
    page = client_of(someone).get(f"/c/{community.slug}/manage/forms/{form.pk}/responses.csv")
    assert page.status_code == 403
    with pytest.raises(PermissionRefused):
        actions.update_form(actor=someone, form=form, data={"state": "closed"})


def test_the_team_builds_a_form_on_the_web():
    community = make_community()
    client = client_of(owner_of(community))
    made = client.post(
        f"/c/{community.slug}/manage/forms/",
        {"kind": "questionnaire", "title": "Menu", "state": "draft", "answer_mode": "once"},
    )
    assert made.status_code == 302
    builder = made["Location"]
    added = client.post(
        builder,
        {"add_field": "1", "kind": "single_choice", "label": "Soup?", "choices": "Yes\nNo"},
    )
    assert added.status_code == 302
    refused = client.post(
        builder, {"add_field": "1", "kind": "single_choice", "label": "Bad", "choices": "Only"}
    )
    assert refused.status_code == 422
    assert refused.context["field_form"].errors["choices"]
    page = client.get(builder)
    assert "Soup?" in page.content.decode()
    manage = client.get(f"/c/{community.slug}/manage/").content.decode()
    assert f"/c/{community.slug}/manage/forms/" in manage


def test_the_summary_page_draws_bars_with_text_equivalents():
    community, form, _fields, _members = survey()
    page = client_of(owner_of(community)).get(
        f"/c/{community.slug}/manage/forms/{form.pk}/summary/"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in text
    assert "2 (67 %)" in text


def test_the_team_lists_applications_of_one_status():
    community = make_community()
    form = make_form(community, kind="application")
    question = add_question(form, "short_text", "Name")
    open_form(form)
    responses = [
        answering.submit_response(
            actor=add_member(community), form=form, answers={str(question.pk): "me"}
        )
        for _ in range(3)
    ]
    owner = owner_of(community)
    actions.decide_response(actor=owner, response=responses[1], status="accepted")
    listed = api_as(owner).get(f"/forms/{form.pk}/responses?status=accepted").json()["items"]
    assert [item["id"] for item in listed] == [responses[1].pk]
    page = client_of(owner).get(
        f"/c/{community.slug}/manage/forms/{form.pk}/responses/?status=submitted"
    )
    assert [row[0].pk for row in page.context["rows"]] == [responses[2].pk, responses[0].pk]
