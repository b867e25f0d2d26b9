"""The demo's forms and guide are written through the actions on the brand community."""

from __future__ import annotations

import pytest

from communa.demo import DemoContext
from communa.demo.communities import BRAND
from communa.demo.engagement_forms import load_forms
from communa.engagement.models import Form, FormResponse, GuideProgress
from tests.factories import add_member, make_community, person
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def test_the_demo_makes_a_quiz_an_application_and_a_guide_with_members_answers():
    community = make_community(person("chef"), name="Learn to Cook", slug=BRAND)
    for number in range(14):
        add_member(community, person(f"cook{number}"))
    for number in range(9):
        make_post(community, body=f"Lesson {number}")

    load_forms(DemoContext(seed=7))

    quiz = Form.objects.get(community=community, kind="quiz")
    assert quiz.state == "open"
    assert FormResponse.objects.filter(form=quiz).count() == 8
    assert FormResponse.objects.filter(form=quiz, score=5).exists()
    application = Form.objects.get(community=community, kind="application")
    statuses = set(FormResponse.objects.filter(form=application).values_list("status", flat=True))
    assert statuses == {"accepted", "rejected", "submitted"}
    survey = Form.objects.get(community=community, kind="questionnaire")
    assert FormResponse.objects.filter(form=survey).count() == 12
    assert GuideProgress.objects.filter(guide__community=community).count() == 10
