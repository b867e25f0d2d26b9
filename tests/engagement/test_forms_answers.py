"""R6.4: members answer forms. Every question's answer is checked; a wrong one refuses the
whole response with a 422 naming the question, and nothing is half-written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communa.communities.models import Privacy
from communa.core.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from communa.engagement.actions import form_answers as answering
from communa.engagement.actions import forms as actions
from communa.engagement.models import FormAnswer, FormResponse
from communa.engagement.selectors.forms import result_of
from tests.engagement.forms_support import add_question, make_form, open_form
from tests.factories import add_member, block, make_community, owner_of, person
from tests.support import api_as, client_of, error_of

pytestmark = pytest.mark.django_db


def refused(form, member, answers) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        answering.submit_response(actor=member, form=form, answers=answers)
    return caught.value.fields


def one_question_form(kind: str, **data):
    community = make_community()
    form = make_form(community)
    question = add_question(form, kind, "The question", **data)
    open_form(form)
    return form, question, add_member(community)


@pytest.mark.parametrize(
    ("kind", "data", "wrong", "right", "stored"),
    [
        ("short_text", {"max_length": 5}, "too long", "  ok  ", "ok"),
        ("short_text", {"min_length": 3}, "ab", "abc", "abc"),
        ("short_text", {}, 12, "twelve", "twelve"),
        ("long_text", {"max_length": 10}, "x" * 11, "line\r\nline", "line\nline"),
        ("single_choice", {"choices": ["Red", "Blue"]}, "Green", "Blue", "Blue"),
        ("single_choice", {"choices": ["Red", "Blue"]}, ["Red"], "Red", "Red"),
        ("multiple_choice", {"choices": ["A", "B", "C"]}, ["A", "Z"], ["C", "A"], ["A", "C"]),
        ("multiple_choice", {"choices": ["A", "B"]}, "A", ["B"], ["B"]),
        ("multiple_choice", {"choices": ["A", "B"]}, ["A", "A"], ["A"], ["A"]),
        ("number", {"min_value": 1, "max_value": 10}, 11, 7, 7),
        ("number", {"min_value": 1}, "7", 2.5, 2.5),
        ("number", {}, True, -3, -3),
        ("date", {}, "31/12/2026", "2026-12-31", "2026-12-31"),
        ("scale", {"min_value": 1, "max_value": 5}, 6, 5, 5),
        ("scale", {"min_value": 0, "max_value": 10}, 2.5, 0, 0),
        ("consent", {"required": True}, "yes", True, True),
    ],
)
def test_each_kind_of_question_refuses_a_wrong_answer_and_keeps_a_right_one(
    kind, data, wrong, right, stored
):
    form, question, member = one_question_form(kind, **data)
    fields = refused(form, member, {str(question.pk): wrong})
    assert list(fields) == [str(question.pk)]
    assert not FormResponse.objects.filter(form=form).exists()
    response = answering.submit_response(actor=member, form=form, answers={str(question.pk): right})
    assert FormAnswer.objects.get(response=response).value == stored


def test_a_missing_required_answer_is_named_and_nothing_is_written():
    community = make_community()
    form = make_form(community)
    name = add_question(form, "short_text", "Name", required=True)
    level = add_question(form, "scale", "Level", required=True)
    note = add_question(form, "long_text", "Anything else?")
    open_form(form)
    member = add_member(community)
    fields = refused(form, member, {str(name.pk): "Olga", str(note.pk): "no"})
    assert list(fields) == [str(level.pk)]
    assert FormResponse.objects.count() == 0
    assert FormAnswer.objects.count() == 0


def test_a_required_consent_must_be_ticked():
    form, question, member = one_question_form("consent", required=True)
    fields = refused(form, member, {str(question.pk): False})
    assert str(question.pk) in fields


def test_an_answer_to_an_unknown_question_is_named():
    form, question, member = one_question_form("short_text")
    fields = refused(form, member, {str(question.pk): "ok", "999999": "x"})
    assert list(fields) == ["999999"]


def test_a_text_answer_is_capped_by_the_configured_limit(settings):
    settings.COMMUNA = {**settings.COMMUNA, "FORM_TEXT_MAX": 20}
    form, question, member = one_question_form("long_text")
    fields = refused(form, member, {str(question.pk): "x" * 21})
    assert str(question.pk) in fields


def test_a_closed_form_refuses_answers_with_a_conflict():
    form, question, member = one_question_form("short_text")
    actions.update_form(actor=owner_of(form.community), form=form, data={"state": "closed"})
    with pytest.raises(Conflict) as caught:
        answering.submit_response(actor=member, form=form, answers={str(question.pk): "late"})
    assert caught.value.code == "form_closed"


def test_a_form_past_its_closing_time_refuses_answers_and_one_not_yet_open_too():
    form, question, member = one_question_form("short_text")
    owner = owner_of(form.community)
    now = timezone.now()
    actions.update_form(
        actor=owner,
        form=form,
        data={"opens_at": now - timedelta(days=2), "closes_at": now - timedelta(days=1)},
    )
    with pytest.raises(Conflict):
        answering.submit_response(actor=member, form=form, answers={str(question.pk): "late"})
    actions.update_form(
        actor=owner, form=form, data={"opens_at": now + timedelta(days=1), "closes_at": None}
    )
    with pytest.raises(Conflict):
        answering.submit_response(actor=member, form=form, answers={str(question.pk): "early"})


def test_a_draft_form_is_not_found_by_members():
    community = make_community()
    form = make_form(community)
    add_question(form)
    with pytest.raises(NotFound):
        answering.submit_response(actor=add_member(community), form=form, answers={})


def test_a_member_answers_once_where_the_form_says_so_and_the_event_is_recorded():
    form, question, member = one_question_form("short_text")
    from communa.analytics.models import Event

    answering.submit_response(actor=member, form=form, answers={str(question.pk): "first"})
    with pytest.raises(Conflict) as caught:
        answering.submit_response(actor=member, form=form, answers={str(question.pk): "second"})
    assert caught.value.code == "already_answered"
    assert FormResponse.objects.filter(form=form).count() == 1
    form.refresh_from_db()
    assert form.response_count == 1
    assert Event.objects.filter(kind="form_answer", user=member).count() == 1


def test_a_member_answers_again_where_the_form_allows_it():
    community = make_community()
    form = make_form(community, answer_mode="again")
    question = add_question(form)
    open_form(form)
    member = add_member(community)
    for text in ("one", "two"):
        answering.submit_response(actor=member, form=form, answers={str(question.pk): text})
    assert FormResponse.objects.filter(form=form).count() == 2


def test_a_member_changes_their_answer_until_the_form_closes():
    community = make_community()
    form = make_form(community, answer_mode="edit")
    question = add_question(form)
    open_form(form)
    member = add_member(community)
    answering.submit_response(actor=member, form=form, answers={str(question.pk): "first"})
    changed = answering.change_response(
        actor=member, form=form, answers={str(question.pk): "second"}
    )
    assert [a.value for a in changed.answers.all()] == ["second"]
    actions.update_form(actor=owner_of(community), form=form, data={"state": "closed"})
    with pytest.raises(Conflict):
        answering.change_response(actor=member, form=form, answers={str(question.pk): "third"})


def test_an_anonymous_form_keeps_no_respondent_but_the_member_sees_their_result():
    community = make_community()
    form = make_form(community, anonymous=True)
    question = add_question(form)
    open_form(form)
    member = add_member(community)
    answering.submit_response(actor=member, form=form, answers={str(question.pk): "secret"})
    response = FormResponse.objects.get(form=form)
    assert response.respondent is None
    assert answering.my_response(form, member) == response


def test_a_quiz_scores_right_answers_and_shows_the_band_message():
    community = make_community()
    form = make_form(
        community,
        kind="quiz",
        bands=[{"min": 0, "message": "Keep practising."}, {"min": 3, "message": "Sharp!"}],
    )
    steel = add_question(
        form, "single_choice", "Hardest?", choices=["VG10", "ZDP-189"], correct="ZDP-189"
    )
    grinds = add_question(
        form,
        "multiple_choice",
        "Flat grinds?",
        choices=["Scandi", "Hollow", "Flat"],
        correct=["Scandi", "Flat"],
        points=2,
    )
    angle = add_question(form, "number", "Angle?", correct=15)
    name = add_question(form, "short_text", "Blade name?", correct="Gyuto")
    open_form(form)
    member = add_member(community)
    response = answering.submit_response(
        actor=member,
        form=form,
        answers={
            str(steel.pk): "ZDP-189",
            str(grinds.pk): ["Flat", "Scandi"],
            str(angle.pk): 20,
            str(name.pk): " gyuto ",
        },
    )
    assert (response.score, response.max_score) == (4, 5)
    result = result_of(form, response)
    assert [line.right for line in result.lines] == [True, True, False, True]
    assert result.lines[2].correct == "15"
    assert result.message == "Sharp!"


def test_an_unanswered_quiz_question_counts_as_wrong():
    community = make_community()
    form = make_form(community, kind="quiz")
    steel = add_question(
        form, "single_choice", "Hardest?", choices=["VG10", "ZDP-189"], correct="VG10"
    )
    open_form(form)
    response = answering.submit_response(actor=add_member(community), form=form, answers={})
    assert (response.score, response.max_score) == (0, 1)
    assert result_of(form, response).lines[0].right is False
    assert steel.pk


@pytest.mark.parametrize("who", ["non_member", "blocked"])
def test_outsiders_and_blocked_people_cannot_answer(who):
    community = make_community()
    form = make_form(community)
    question = add_question(form)
    open_form(form)
    someone = person()
    if who == "blocked":
        block(community, someone)
    with pytest.raises(PermissionRefused):
        answering.submit_response(actor=someone, form=form, answers={str(question.pk): "hi"})


def test_a_private_community_hides_its_forms_from_outsiders():
    community = make_community(privacy=Privacy.PRIVATE)
    form = make_form(community)
    add_question(form)
    open_form(form)
    assert api_as(person()).get(f"/forms/{form.pk}").status_code == 404


def test_the_api_refuses_a_wrong_answer_with_a_422_keyed_by_question_id():
    form, question, member = one_question_form("number", min_value=1, max_value=5, required=True)
    api = api_as(member)
    wrong = api.post(f"/forms/{form.pk}/responses", {"answers": {str(question.pk): 9}})
    assert wrong.status_code == 422
    assert list(error_of(wrong)["fields"]) == [str(question.pk)]
    missing = api.post(f"/forms/{form.pk}/responses", {"answers": {}})
    assert list(error_of(missing)["fields"]) == [str(question.pk)]
    sent = api.post(f"/forms/{form.pk}/responses", {"answers": {str(question.pk): 4}})
    assert sent.status_code == 201, sent.content
    again = api.post(f"/forms/{form.pk}/responses", {"answers": {str(question.pk): 4}})
    assert again.status_code == 409
    mine = api.get(f"/forms/{form.pk}/responses/mine").json()
    assert mine["answers"] == {str(question.pk): 4}


def test_the_api_says_a_closed_form_is_closed():
    form, question, member = one_question_form("short_text")
    actions.update_form(actor=owner_of(form.community), form=form, data={"state": "closed"})
    answer = api_as(member).post(
        f"/forms/{form.pk}/responses", {"answers": {str(question.pk): "x"}}
    )
    assert answer.status_code == 409
    assert error_of(answer)["code"] == "form_closed"


def test_anonymous_visitors_are_asked_to_log_in():
    form, question, _member = one_question_form("short_text")
    answer = api_as(None).post(f"/forms/{form.pk}/responses", {"answers": {str(question.pk): "x"}})
    assert answer.status_code == 401
    page = client_of(None).get(f"/c/{form.community.slug}/forms/{form.pk}/")
    assert page.status_code == 302


def test_the_web_page_shows_the_error_on_the_question_and_then_the_result():
    community = make_community()
    form = make_form(community, kind="quiz")
    question = add_question(
        form, "number", "Angle?", min_value=5, max_value=30, correct=15, required=True
    )
    open_form(form)
    member = add_member(community)
    client = client_of(member)
    url = f"/c/{community.slug}/forms/{form.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Angle?" in page.content.decode()
    wrong = client.post(url, {f"f{question.pk}": "40"})
    assert wrong.status_code == 422
    assert wrong.context["form"].errors[f"f{question.pk}"]
    right = client.post(url, {f"f{question.pk}": "15"})
    assert right.status_code == 302
    shown = client.get(url).content.decode()
    assert "Your score: 1 of 1" in shown
