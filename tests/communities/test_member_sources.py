"""R2.5: where members came from is statistics: the analyst sees it, the moderator does not.

The members list shows each member's join source and UTM tags to exactly the relations the
role × action table allows VIEW_STATISTICS, through the API and on the web page alike.
"""

from __future__ import annotations

import pytest
from django.test import Client

from communa.communities.models import Privacy
from communa.communities.permissions import Action, Relation, allowed
from tests.communities.test_api_support import (
    add_member,
    api_as,
    make_community,
    person,
    with_relation,
)

pytestmark = pytest.mark.django_db

SEES_SOURCES = {Relation.OWNER, Relation.ADMIN, Relation.EDITOR, Relation.ANALYST}


def community_with_a_member_from_an_ad():
    community = make_community(slug="cooks")
    add_member(
        community,
        person(username="fromad"),
        source="ad",
        utm_source="newsletter",
        utm_campaign="spring-sale",
    )
    return community


def test_the_table_gives_statistics_to_the_analyst_and_editor_but_not_the_moderator():
    # Restated from SPEC R2.3-R2.5, independent of the table.
    for privacy in Privacy.values:
        assert allowed(Action.VIEW_STATISTICS, privacy) == SEES_SOURCES


@pytest.mark.parametrize("relation", list(Relation))
def test_the_api_members_list_shows_join_sources_exactly_to_who_sees_statistics(relation):
    # given a member who came from an ad, and a viewer in this relation
    community = community_with_a_member_from_an_ad()
    viewer = with_relation(community, relation)
    # when the viewer lists the members
    response = api_as(viewer).get("/communities/cooks/members")
    # then the source shows exactly to those the table lets see statistics
    assert response.status_code == 200, response.content
    found = {m["username"]: m for m in response.json()["items"]}["fromad"]
    if relation in SEES_SOURCES:
        assert found["source"] == "ad"
        assert found["utm"] == {"utm_source": "newsletter", "utm_campaign": "spring-sale"}
    else:
        assert (found["source"], found["utm"]) == (None, None)


@pytest.mark.parametrize("relation", list(Relation))
def test_the_web_members_page_shows_join_sources_exactly_to_who_sees_statistics(relation):
    community = community_with_a_member_from_an_ad()
    viewer = with_relation(community, relation)
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    response = client.get("/c/cooks/members/")
    assert response.status_code == 200
    page = response.content.decode()
    shown = "Came from" in page and "spring-sale" in page
    assert shown == (relation in SEES_SOURCES)


@pytest.mark.parametrize("relation", list(Relation))
def test_join_source_counts_answer_exactly_who_sees_statistics(relation):
    community = community_with_a_member_from_an_ad()
    response = api_as(with_relation(community, relation)).get("/communities/cooks/members/sources")
    if relation in SEES_SOURCES:
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["members"] == 2 + (relation != Relation.OWNER)
        assert {"source": "ad", "members": 1} in body["sources"]
    else:
        assert response.status_code == (401 if relation == Relation.ANONYMOUS else 403)
