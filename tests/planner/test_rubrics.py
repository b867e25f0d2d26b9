"""R8.1: every community starts with the eight default rubrics; editors add, rename, archive."""

from __future__ import annotations

import pytest
from django.utils import translation

from communa.communities.models import DefaultRubric, Role, Rubric
from communa.communities.rubrics import rubrics_of
from communa.core.models import AuditEntry
from tests.factories import add_member, make_community, person
from tests.support import api_as, error_of

pytestmark = pytest.mark.django_db


def test_a_new_community_has_the_eight_default_rubrics_in_order():
    community = make_community()
    codes = list(rubrics_of(community).values_list("code", flat=True))
    assert codes == list(DefaultRubric.values)


def test_default_rubric_names_follow_the_readers_language():
    rubric = rubrics_of(make_community()).get(code=DefaultRubric.NEWS)
    with translation.override("en"):
        assert rubric.label == "Industry news"
    with translation.override("ru"):
        assert rubric.label != "Industry news"


def test_an_editor_adds_a_rubric_through_the_api_and_it_is_audited():
    community = make_community()
    editor = add_member(community, role=Role.EDITOR)
    response = api_as(editor).post(
        f"/communities/{community.slug}/rubrics", {"name": "Recipes", "default_tone": "emotional"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["label"] == "Recipes"
    assert Rubric.objects.filter(community=community, name="Recipes").exists()
    assert AuditEntry.objects.filter(community=community, action="rubric.create").exists()


def test_a_member_may_not_add_rubrics():
    community = make_community()
    member = add_member(community)
    response = api_as(member).post(f"/communities/{community.slug}/rubrics", {"name": "Mine"})
    assert response.status_code == 403
    assert not Rubric.objects.filter(name="Mine").exists()


def test_a_wrong_tone_is_refused_naming_the_field():
    community = make_community()
    owner = community.memberships.get(role=Role.OWNER).user
    response = api_as(owner).post(
        f"/communities/{community.slug}/rubrics", {"name": "X", "default_tone": "angry"}
    )
    assert response.status_code == 422
    assert "default_tone" in error_of(response)["fields"]


def test_an_archived_rubric_leaves_the_list_but_can_come_back():
    community = make_community()
    owner = community.memberships.get(role=Role.OWNER).user
    rubric = rubrics_of(community).get(code=DefaultRubric.GRAPHICS)
    client = api_as(owner)
    assert client.patch(f"/rubrics/{rubric.pk}", {"archived": True}).status_code == 200
    listed = client.get(f"/communities/{community.slug}/rubrics").json()
    assert rubric.pk not in [r["id"] for r in listed]
    assert client.patch(f"/rubrics/{rubric.pk}", {"archived": False}).status_code == 200
    assert rubrics_of(community).filter(pk=rubric.pk).exists()


def test_the_rubrics_page_lets_an_editor_add_and_archive(client):
    community = make_community()
    editor = add_member(community, role=Role.EDITOR)
    client.force_login(editor)
    page = client.get(f"/c/{community.slug}/rubrics/")
    assert page.status_code == 200
    assert "Industry news" in page.content.decode()
    added = client.post(
        f"/c/{community.slug}/rubrics/", {"name": "Recipes", "default_tone": "functional"}
    )
    assert added.status_code == 302
    rubric = Rubric.objects.get(community=community, name="Recipes")
    client.post(f"/c/{community.slug}/rubrics/{rubric.pk}/", {"archived": "1"})
    rubric.refresh_from_db()
    assert rubric.archived


def test_the_rubrics_page_is_refused_to_members(client):
    community = make_community()
    client.force_login(add_member(community))
    assert client.get(f"/c/{community.slug}/rubrics/").status_code == 403
    client.force_login(person())
    assert client.get(f"/c/{community.slug}/rubrics/").status_code == 403
