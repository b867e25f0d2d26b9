"""GET /api/me/communities: the API twin of the web's "My communities" page."""

from __future__ import annotations

import pytest
from django.test import Client

from communa.communities.actions import request_ownership_transfer
from communa.communities.models import Privacy, Role
from tests.communities.test_api_support import add_member, api_as, make_community, person
from tests.conftest import error_of
from tests.walls.support import queries_of

pytestmark = pytest.mark.django_db


def test_my_communities_lists_each_with_my_role_newest_first():
    # given a person who owns one community, moderates a private one and is a member of a third
    me = person(username="me")
    make_community(me, name="Mine", slug="mine")
    secret = make_community(name="Secret", slug="secret", privacy=Privacy.PRIVATE)
    add_member(secret, me, role=Role.MODERATOR)
    plain = make_community(name="Plain", slug="plain")
    add_member(plain, me)
    make_community(name="Not mine", slug="not-mine")
    # when they ask for their communities
    response = api_as(me).get("/me/communities")
    # then each comes with their role, the newest membership first
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(i["community"]["slug"], i["role"]) for i in body["items"]] == [
        ("plain", "member"),
        ("secret", "moderator"),
        ("mine", "owner"),
    ]
    first = body["items"][0]
    assert first["community"]["name"] == "Plain"
    assert first["community"]["member_count"] == plain.member_count + 1
    assert {"kind", "privacy", "avatar_url"} <= set(first["community"])
    assert body["next_cursor"] is None
    assert body["transfers"] == []


def test_my_communities_pages_by_keyset():
    me = person()
    for n in range(5):
        add_member(make_community(slug=f"club-{n}"), me)
    api = api_as(me)
    first = api.get("/me/communities?limit=2").json()
    assert len(first["items"]) == 2
    assert first["next_cursor"]
    seen = [i["community"]["slug"] for i in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = api.get(f"/me/communities?limit=2&cursor={cursor}").json()
        seen += [i["community"]["slug"] for i in page["items"]]
        cursor = page["next_cursor"]
    assert sorted(seen) == [f"club-{n}" for n in range(5)]
    assert len(set(seen)) == 5


def test_my_communities_shows_handovers_to_and_from_me_on_the_first_page():
    # given a handover I give and one I receive
    me = person(username="me")
    giving = make_community(me, slug="giving")
    heir = add_member(giving, person(username="heir"))
    request_ownership_transfer(actor=me, community=giving, to_user=heir)
    receiving = make_community(person(username="elder"), slug="receiving")
    add_member(receiving, me)
    request_ownership_transfer(actor=receiving.created_by, community=receiving, to_user=me)
    # when I list my communities
    body = api_as(me).get("/me/communities?limit=1").json()
    # then both handovers are there, with their communities
    found = {t["community"]["slug"]: t for t in body["transfers"]}
    assert set(found) == {"giving", "receiving"}
    assert (found["giving"]["from_username"], found["giving"]["to_username"]) == ("me", "heir")
    assert found["receiving"]["to_username"] == "me"
    assert found["receiving"]["state"] == "pending"
    # and the next page lists communities only
    later = api_as(me).get(f"/me/communities?cursor={body['next_cursor']}").json()
    assert later["transfers"] == []
    # the heir sees the handover too; a stranger does not
    assert [
        t["community"]["slug"] for t in api_as(heir).get("/me/communities").json()["transfers"]
    ] == ["giving"]
    assert api_as(person()).get("/me/communities").json()["transfers"] == []


def test_my_communities_agrees_with_the_web_page():
    me = person()
    for n in range(3):
        add_member(make_community(name=f"Group {n}", slug=f"group-{n}"), me)
    client = Client()
    client.force_login(me)
    page = client.get("/communities/mine/").content.decode()
    for item in api_as(me).get("/me/communities").json()["items"]:
        assert f'href="/c/{item["community"]["slug"]}/"' in page


def test_my_communities_needs_a_login_and_a_sane_limit():
    assert api_as(None).get("/me/communities").status_code == 401
    response = api_as(person()).get("/me/communities?limit=0")
    assert response.status_code == 422
    assert "limit" in error_of(response)["fields"]


def test_my_communities_runs_the_same_number_of_queries_for_any_page_size():
    me = person()
    api = api_as(me)
    add_member(make_community(), me)
    few = queries_of(lambda: api.get("/me/communities"))
    for _ in range(6):
        add_member(make_community(), me)
    many = queries_of(lambda: api.get("/me/communities"))
    assert few == many
