"""Answer once holds when two submits of the same person arrive together, and a guide's step
done twice at once counts once. PostgreSQL only: SQLite runs one writer at a time."""

from __future__ import annotations

import pytest
from django.db import connection

from communa.core.errors import Conflict
from communa.engagement.actions import form_answers as answering
from communa.engagement.actions import guides as guide_actions
from communa.engagement.models import Form, FormResponse, GuideStepDone
from tests.engagement.forms_support import add_question, make_form, open_form
from tests.factories import add_member, make_community, owner_of
from tests.support import run_together
from tests.walls.support import make_post

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races need concurrent writers; SQLite runs one writer at a time",
    ),
]


def test_eight_submits_at_once_of_an_answer_once_form_count_once():
    # given an open form that takes one answer a person
    community = make_community()
    form = make_form(community)
    question = add_question(form)
    open_form(form)
    member = add_member(community)

    # when the same member sends it eight times at the same moment
    results, errors = run_together(
        [
            lambda: answering.submit_response(
                actor=member, form=form, answers={str(question.pk): "hello"}
            )
            for _ in range(8)
        ]
    )

    # then one response exists, the others were told they had answered, the count is exact
    assert len(results) == 1, errors
    assert all(isinstance(error, Conflict) for error in errors), errors
    assert FormResponse.objects.filter(form=form).count() == 1
    assert Form.objects.get(pk=form.pk).response_count == 1


def test_a_step_marked_done_eight_times_at_once_counts_once_and_finishes_the_guide():
    community = make_community()
    owner = owner_of(community)
    guide = guide_actions.create_guide(
        actor=owner, community=community, data={"title": "One step", "published": True}
    )
    module = guide_actions.add_module(actor=owner, guide=guide, data={"title": "Only"})
    step = guide_actions.add_step(
        actor=owner, module=module, data={"post": make_post(community).pk}
    )
    member = add_member(community)

    results, errors = run_together(
        [lambda: guide_actions.mark_step_done(actor=member, step=step) for _ in range(8)]
    )

    assert not errors, errors
    assert GuideStepDone.objects.filter(step=step).count() == 1
    assert all(progress.pk == results[0].pk for progress in results)
    results[0].refresh_from_db()
    assert results[0].completed_at is not None
