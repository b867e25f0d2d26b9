"""The role × action table for forms and guides: the team (owner, administrators, editors) runs
them, members take part, everyone else is refused; lists keep a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communa.communities.models import Privacy
from communa.communities.permissions import Relation
from communa.engagement.actions import form_answers as answering
from communa.engagement.actions import guides as guide_actions
from tests.engagement.forms_support import add_question, make_form, open_form
from tests.factories import add_member, make_community, owner_of, person, with_relation
from tests.support import api_as, client_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

RUNS = {Relation.OWNER, Relation.ADMIN, Relation.EDITOR}
TAKES_PART = RUNS | {Relation.MODERATOR, Relation.ANALYST, Relation.MEMBER}


@pytest.mark.parametrize("privacy", [Privacy.OPEN, Privacy.CLOSED])
@pytest.mark.parametrize("relation", list(Relation))
def test_who_may_build_and_who_may_answer_a_form(relation, privacy):
    community = make_community(privacy=privacy)
    form = make_form(community)
    question = add_question(form)
    open_form(form)
    someone = with_relation(community, relation)
    api = api_as(someone)

    built = api.post(f"/forms/{form.pk}/fields", {"kind": "short_text", "label": "More"})
    answered = api.post(f"/forms/{form.pk}/responses", {"answers": {str(question.pk): "hi"}})

    if relation == Relation.ANONYMOUS:
        assert (built.status_code, answered.status_code) == (401, 401)
        return
    assert built.status_code == (201 if relation in RUNS else 403), built.content
    if relation in TAKES_PART:
        assert answered.status_code == 201, answered.content
    else:
        assert answered.status_code in {403, 404}, answered.content


@pytest.mark.parametrize("relation", list(Relation))
def test_who_may_mark_a_guide_step_done(relation):
    community = make_community()
    owner = owner_of(community)
    guide = guide_actions.create_guide(
        actor=owner, community=community, data={"title": "G", "published": True}
    )
    module = guide_actions.add_module(actor=owner, guide=guide, data={"title": "M"})
    step = guide_actions.add_step(
        actor=owner, module=module, data={"post": make_post(community).pk}
    )
    someone = with_relation(community, relation)

    answer = api_as(someone).post(f"/guides/{guide.pk}/steps/{step.pk}/done")

    if relation == Relation.ANONYMOUS:
        assert answer.status_code == 401
    elif relation in TAKES_PART:
        assert answer.status_code == 200, answer.content
    else:
        assert answer.status_code == 403, answer.content


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_responses_table_reads_the_same_number_of_queries_for_more_responses():
    community = make_community()
    form = make_form(community)
    question = add_question(form)
    open_form(form)
    client = client_of(owner_of(community))
    url = f"/c/{community.slug}/manage/forms/{form.pk}/responses/"

    def answer(count: int) -> None:
        for _ in range(count):
            member = add_member(community, person())
            answering.submit_response(actor=member, form=form, answers={str(question.pk): "x"})

    answer(2)
    client.get(url)
    few = queries_of(client, url)
    answer(5)
    assert queries_of(client, url) == few


def test_the_progress_table_reads_the_same_number_of_queries_for_more_members():
    community = make_community()
    owner = owner_of(community)
    guide = guide_actions.create_guide(
        actor=owner, community=community, data={"title": "G", "published": True}
    )
    module = guide_actions.add_module(actor=owner, guide=guide, data={"title": "M"})
    step = guide_actions.add_step(
        actor=owner, module=module, data={"post": make_post(community).pk}
    )
    client = client_of(owner)
    url = f"/c/{community.slug}/manage/guides/{guide.pk}/progress/"

    def follow(count: int) -> None:
        for _ in range(count):
            guide_actions.mark_step_done(actor=add_member(community, person()), step=step)

    follow(2)
    client.get(url)
    few = queries_of(client, url)
    follow(5)
    assert queries_of(client, url) == few
