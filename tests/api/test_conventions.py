"""One convention for the API's names (docs/api.md), with the old names kept and marked deprecated.

Post comments set the convention: `parent` and `likes`, `community` as an object with a slug and
a name. Topic comments and topics follow it now; their older names still answer, marked
deprecated in the OpenAPI description. Two routes answer an invitation: the canonical one under
the community, and a deprecated alias by id that calls the same action.
"""

from __future__ import annotations

from functools import cache

import pytest

from communa.api.api import api as communa_api
from communa.communities.models import Invitation, InvitationStatus, Membership
from communa.walls.actions import boards
from tests.communities.test_api_support import add_member, api_as, invite, owner_of
from tests.conftest import error_of
from tests.walls.support import make_comment, make_post
from tests.walls.test_boards_support import album_in, group, topic_in

pytestmark = pytest.mark.django_db


@cache
def openapi() -> dict:
    return communa_api.get_openapi_schema()


def schema_of(name: str) -> dict:
    return openapi()["components"]["schemas"][name]["properties"]


# --- comments: `parent` and `likes` everywhere ---------------------------------------------------


def test_topic_comments_use_the_names_of_post_comments_and_keep_the_old_ones():
    # given a comment with a like and a reply, on a post and in a topic
    community = group()
    member = add_member(community)
    post = make_post(community)
    on_post = make_comment(post, member)
    make_comment(post, member, "A reply", parent=on_post)
    topic = topic_in(community)
    in_topic = boards.reply_in_topic(actor=member, topic=topic, body="Hello")
    api = api_as(owner_of(community))
    assert api.post(f"/comments/{on_post.pk}/like").status_code == 201
    assert api.post(f"/comments/{in_topic.pk}/like").status_code == 201
    boards.reply_in_topic(actor=member, topic=topic, body="A reply", parent=in_topic)
    # when both are read through the API
    post_comment = api.get(f"/posts/{post.pk}/comments").json()["items"][0]
    topic_comment = api.get(f"/topics/{topic.pk}/comments").json()["items"][0]
    # then both say `likes` and `parent`, and the topic comment also keeps its old names
    assert post_comment["likes"] == topic_comment["likes"] == 1
    assert post_comment["replies"][0]["parent"] == on_post.pk
    assert topic_comment["replies"][0]["parent"] == in_topic.pk
    assert topic_comment["parent"] is None
    assert topic_comment["like_count"] == 1
    assert topic_comment["replies"][0]["parent_id"] == in_topic.pk


def test_a_topic_reply_names_its_parent_with_parent_or_the_old_parent_id():
    community = group()
    topic = topic_in(community)
    first = boards.reply_in_topic(actor=owner_of(community), topic=topic, body="First")
    api = api_as(add_member(community))
    new = api.post(f"/topics/{topic.pk}/comments", {"body": "New name", "parent": first.pk})
    old = api.post(f"/topics/{topic.pk}/comments", {"body": "Old name", "parent_id": first.pk})
    assert new.status_code == old.status_code == 201, (new.content, old.content)
    assert new.json()["parent"] == old.json()["parent"] == first.pk
    both = api.post(
        f"/topics/{topic.pk}/comments",
        {"body": "Both, the same", "parent": first.pk, "parent_id": first.pk},
    )
    assert both.status_code == 201


def test_a_topic_reply_naming_two_different_parents_is_a_422_naming_the_old_field():
    community = group()
    topic = topic_in(community)
    first = boards.reply_in_topic(actor=owner_of(community), topic=topic, body="First")
    second = boards.reply_in_topic(actor=owner_of(community), topic=topic, body="Second")
    response = api_as(owner_of(community)).post(
        f"/topics/{topic.pk}/comments",
        {"body": "Which?", "parent": first.pk, "parent_id": second.pk},
    )
    assert response.status_code == 422
    assert "parent_id" in error_of(response)["fields"]


def test_the_old_comment_names_are_marked_deprecated_in_the_openapi_description():
    reply = schema_of("ReplyOut")
    assert reply["parent_id"]["deprecated"] is True
    assert reply["like_count"]["deprecated"] is True
    assert "deprecated" not in reply["parent"]
    assert "deprecated" not in reply["likes"]
    assert schema_of("TopicCommentIn")["parent_id"]["deprecated"] is True
    assert "deprecated" not in schema_of("TopicCommentIn")["parent"]


# --- `community` is an object ---------------------------------------------------------------------


def test_a_topic_and_an_album_carry_their_community_as_an_object_and_keep_the_slug():
    community = group(name="Knife Club", slug="knife-club")
    topic = topic_in(community)
    album = album_in(community)
    api = api_as(None)
    for found in (
        api.get(f"/topics/{topic.pk}").json(),
        api.get("/communities/knife-club/topics").json()["items"][0],
        api.get(f"/albums/{album.pk}").json(),
        api.get("/communities/knife-club/albums").json()["items"][0],
    ):
        assert found["community_ref"] == {"slug": "knife-club", "name": "Knife Club"}
        assert found["community"] == "knife-club"
    post = api.get(f"/posts/{make_post(community).pk}").json()
    assert post["community"] == {"slug": "knife-club", "name": "Knife Club"}


def test_the_slug_kept_as_community_is_marked_deprecated():
    for name in ("TopicOut", "AlbumOut"):
        fields = schema_of(name)
        assert fields["community"]["deprecated"] is True, name
        assert "community_ref" in fields["community"]["description"], name
        assert set(fields["community_ref"]) == {"$ref"}, name


# --- one canonical route to answer an invitation ------------------------------------------------


def operation(path: str) -> dict:
    return openapi()["paths"][f"/api{path}"]["post"]


def test_the_invitation_routes_by_id_are_deprecated_aliases_of_the_community_routes():
    for verb in ("accept", "decline"):
        assert operation(f"/communities/invitations/{{invitation_id}}/{verb}")["deprecated"]
        assert not operation(f"/communities/{{slug}}/invitation/{verb}").get("deprecated")


@pytest.mark.parametrize("route", ["canonical", "alias"])
def test_both_invitation_routes_accept_with_the_same_answer(route):
    community = group(slug="club")
    invitation = invite(community)
    path = (
        "/communities/club/invitation/accept"
        if route == "canonical"
        else f"/communities/invitations/{invitation.pk}/accept"
    )
    response = api_as(invitation.invitee).post(path)
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "invitation"
    assert response.json()["role"] == "member"
    assert Membership.objects.filter(community=community, user=invitation.invitee).exists()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED


@pytest.mark.parametrize("route", ["canonical", "alias"])
def test_both_invitation_routes_decline(route):
    community = group(slug="club")
    invitation = invite(community)
    path = (
        "/communities/club/invitation/decline"
        if route == "canonical"
        else f"/communities/invitations/{invitation.pk}/decline"
    )
    assert api_as(invitation.invitee).post(path).status_code == 204
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.DECLINED
    assert not Membership.objects.filter(community=community, user=invitation.invitee).exists()
