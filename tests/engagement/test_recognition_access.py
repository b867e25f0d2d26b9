"""R6.3: who may do what with recognition: everyone who sees the community reads the leaders and
badges; the team (RUN_ENGAGEMENT: owner, administrators, editors) runs the rest; a hidden
community is a 404; and every status is in the OpenAPI description."""

from __future__ import annotations

import pytest

from communa.communities.models import Privacy
from communa.communities.permissions import Action, Relation, allowed
from communa.engagement.actions.recognition import award_badge
from tests.engagement.recognition_kit import community_in, computed, post_by
from tests.factories import add_member, owner_of, person, with_relation
from tests.support import api_as, client_of

pytestmark = pytest.mark.django_db

RUNS = allowed(Action.RUN_ENGAGEMENT, Privacy.OPEN)


@pytest.mark.parametrize("relation", list(Relation))
def test_the_recognition_page_and_rules_follow_the_table(relation):
    community = community_in(slug="cooks")
    someone = with_relation(community, relation)

    page = client_of(someone).get("/c/cooks/manage/recognition/")
    rules = api_as(someone).post(
        "/communities/cooks/recognition/rules",
        {"label": "Top", "contribution": "rank", "threshold": 3},
    )

    if relation in RUNS:
        assert (page.status_code, rules.status_code) == (200, 201)
    elif relation == Relation.ANONYMOUS:
        assert page.status_code == 302  # to the log-in page
        assert rules.status_code == 401
    else:
        assert (page.status_code, rules.status_code) == (403, 403)


@pytest.mark.parametrize("relation", [Relation.MEMBER, Relation.MODERATOR, Relation.ANALYST])
def test_people_outside_the_engagement_team_cannot_award_revoke_or_compute(relation):
    community = community_in(slug="cooks")
    someone = with_relation(community, relation)
    ann = add_member(community, person("ann"))
    badge = award_badge(
        actor=owner_of(community), community=community, user=ann, label="Kind", reason="Yes"
    )
    api = api_as(someone)

    assert (
        api.post(
            "/communities/cooks/recognition/badges",
            {"username": "ann", "label": "X", "reason": "Y"},
        ).status_code
        == 403
    )
    assert api.post(f"/recognition/badges/{badge.pk}/revoke", {}).status_code == 403
    assert api.post("/communities/cooks/leaders/2024-03/compute").status_code == 403
    assert client_of(someone).post("/c/cooks/manage/recognition/compute/").status_code == 403


def test_everyone_who_sees_an_open_community_reads_its_leaders():
    community = community_in(slug="cooks")
    post_by(community, add_member(community, person("ann", display_name="Ann Lee")))
    computed(community)

    answer = api_as(None).get("/communities/cooks/leaders?month=2024-03")
    page = client_of().get("/c/cooks/leaders/")

    assert answer.status_code == 200
    assert answer.json()["titles"] == [{"username": "ann", "name": "Ann Lee"}]
    assert page.status_code == 200
    assert answer.json()["leaders"][0]["score"] == 3
    assert b"Ann Lee" in page.content


def test_a_private_community_hides_its_leaders_and_badges_from_outsiders():
    community = community_in(slug="club", privacy=Privacy.PRIVATE)
    ann = add_member(community, person("ann"))
    post_by(community, ann)
    computed(community)
    outsider = person("out")

    assert api_as(outsider).get("/communities/club/leaders").status_code == 404
    assert api_as(outsider).get("/communities/club/members/ann/badges").status_code == 404
    assert client_of(outsider).get("/c/club/leaders/").status_code == 404
    assert api_as(ann).get("/communities/club/leaders").status_code == 200


def test_a_month_without_leaders_or_a_malformed_month_is_refused():
    community_in(slug="cooks")

    assert api_as(None).get("/communities/cooks/leaders?month=2024-03").status_code == 404
    assert api_as(None).get("/communities/cooks/leaders?month=March").status_code == 422


def test_a_month_not_over_cannot_be_computed():
    community = community_in(slug="cooks")

    answer = api_as(owner_of(community)).post("/communities/cooks/leaders/2999-01/compute")

    assert answer.status_code == 422


def test_the_openapi_description_states_every_status():
    schema = api_as(None).get("/openapi.json").json()
    paths = schema["paths"]

    def statuses(path, method):
        return set(paths[f"/api{path}"][method]["responses"])

    assert {"200", "404", "422"} <= statuses("/communities/{slug}/leaders", "get")
    assert {"201", "401", "403", "404", "409", "422"} <= statuses(
        "/communities/{slug}/recognition/rules", "post"
    )
    assert {"204", "401", "403", "404"} <= statuses("/recognition/rules/{rule_id}", "delete")
    assert {"200", "403", "404", "409", "422"} <= statuses(
        "/communities/{slug}/recognition/core/{username}/promote", "post"
    )
    assert {"200", "409"} <= statuses("/recognition/badges/{badge_id}/revoke", "post")
