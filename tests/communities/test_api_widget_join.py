"""The subscribe widget's join through the API: the join actions, with the source `widget`."""

from __future__ import annotations

import pytest

from communa.communities.models import (
    JoinRequest,
    JoinSource,
    Membership,
    MembershipEvent,
    Privacy,
    RequestStatus,
)
from tests.communities.test_api_support import add_member, api_as, block, make_community, person
from tests.conftest import error_of

pytestmark = pytest.mark.django_db

UTM = {"utm_source": "shop.example", "utm_medium": "widget"}


def test_joining_an_open_community_from_the_widget_records_the_widget_as_source():
    # given an open community and a visitor of a shop's site who is logged in here
    community = make_community(slug="cooks")
    visitor = person()
    # when they press the widget's button
    response = api_as(visitor).post("/communities/cooks/widget/join", {"utm": UTM})
    # then they are a member who came from the widget, with the site's UTM tags
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "joined"
    assert body["request"] is None
    assert (body["member"]["source"], body["member"]["utm"]) == ("widget", UTM)
    membership = Membership.objects.get(community=community, user=visitor)
    assert (membership.source, membership.utm_source) == (JoinSource.WIDGET, "shop.example")
    event = MembershipEvent.objects.get(community=community, user=visitor)
    assert (event.kind, event.source) == ("join", "widget")


def test_the_widget_asks_to_join_a_closed_community():
    community = make_community(slug="inner", privacy=Privacy.CLOSED)
    visitor = person()
    response = api_as(visitor).post("/communities/inner/widget/join", {"message": "Hello!"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["outcome"], body["member"]) == ("requested", None)
    assert body["request"]["source"] == "widget"
    found = JoinRequest.objects.get(community=community, user=visitor)
    assert (found.status, found.source, found.message) == (
        RequestStatus.PENDING,
        JoinSource.WIDGET,
        "Hello!",
    )
    assert not Membership.objects.filter(community=community, user=visitor).exists()


def test_the_widget_of_a_private_community_answers_like_a_missing_one():
    make_community(slug="secret", privacy=Privacy.PRIVATE)
    hidden = api_as(person()).post("/communities/secret/widget/join", {})
    missing = api_as(person()).post("/communities/nowhere/widget/join", {})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_the_widget_refuses_members_and_blocked_people_as_the_join_does():
    community = make_community(slug="cooks")
    member = add_member(community)
    assert api_as(member).post("/communities/cooks/widget/join", {}).status_code == 409
    blocked = block(community).user
    response = api_as(blocked).post("/communities/cooks/widget/join", {})
    assert response.status_code == 403
    error_of(response)


def test_the_widget_join_needs_a_login():
    make_community(slug="cooks")
    assert api_as(None).post("/communities/cooks/widget/join", {}).status_code == 401
