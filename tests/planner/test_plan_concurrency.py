"""Two editors saving plans for the same weeks at once: one wins, the other is told which plan
is in the way. PostgreSQL only, as in tests/communities/test_concurrency.py: SQLite runs one
writer at a time, which proves nothing about races."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from communa.communities.models import Role
from communa.core.errors import ValidationFailed
from communa.planner.actions.plans import create_plan
from communa.planner.actions.targets import save_mix_targets
from communa.planner.models import ContentPlan, MixTargets
from tests.factories import add_member, make_community, person
from tests.support import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races need concurrent writers; SQLite runs one writer at a time",
    ),
]


def test_overlapping_plans_saved_at_once_leave_one_plan():
    # given a community and four editors
    community = make_community(person("owner"), name="Bakers", slug="bakers")
    editors = [add_member(community, person(f"editor{i}"), role=Role.EDITOR) for i in range(4)]

    # when each saves a plan for overlapping weeks at the same moment
    results, errors = run_together(
        [
            lambda editor=editor, i=i: create_plan(
                actor=editor,
                community=community,
                data={
                    "name": f"Sale {i}",
                    "starts_on": date(2026, 11, 20 + i),
                    "ends_on": date(2026, 11, 30),
                },
            )
            for i, editor in enumerate(editors)
        ]
    )

    # then one plan was saved and the others were refused, naming the dates
    assert len(results) == 1, errors
    assert all(isinstance(error, ValidationFailed) for error in errors), errors
    assert all("starts_on" in error.fields for error in errors)
    assert ContentPlan.objects.filter(community=community).count() == 1


def test_two_default_plans_saved_at_once_leave_one():
    community = make_community(person("owner"), name="Bakers", slug="bakers")
    editors = [add_member(community, person(f"editor{i}"), role=Role.EDITOR) for i in range(3)]
    results, errors = run_together(
        [
            lambda editor=editor: create_plan(
                actor=editor, community=community, data={"name": "Usual week"}
            )
            for editor in editors
        ]
    )
    assert len(results) == 1, errors
    assert all(isinstance(error, ValidationFailed) for error in errors), errors
    assert ContentPlan.objects.filter(community=community).count() == 1


def test_first_saves_of_the_mix_targets_at_once_make_one_row():
    community = make_community(person("owner"), name="Bakers", slug="bakers")
    editors = [add_member(community, person(f"editor{i}"), role=Role.EDITOR) for i in range(3)]
    data = {"branded": 20, "functional": 40, "emotional": 40, "frequency": "media"}
    results, errors = run_together(
        [
            lambda editor=editor: save_mix_targets(actor=editor, community=community, data=data)
            for editor in editors
        ]
    )
    assert errors == []
    assert len(results) == 3
    assert MixTargets.objects.filter(community=community).count() == 1
