"""Signing as the community: only its editors may; a post and a comment refuse anyone else alike.

Before, a member's post asking to be signed by the community was silently signed with their own
name, while a comment was refused: now both answer the same 403 naming `signed_as`.
"""

from __future__ import annotations

import pytest
from django.test import Client

from communa.communities.models import Kind, Role
from communa.walls.models import Comment, Post
from tests.communities.test_api_support import add_member, api_as, make_community
from tests.conftest import error_of
from tests.walls.support import make_post, row_counts

pytestmark = pytest.mark.django_db

REFUSAL = "Only the community's editors may sign as the community."


def assert_signature_refused(response) -> None:
    assert response.status_code == 403, response.content
    error = error_of(response)
    assert error["code"] == "permission_denied"
    assert error["message"] == REFUSAL
    assert error["fields"] == {"signed_as": [REFUSAL]}


def test_a_member_asking_to_sign_a_post_as_the_community_is_refused_and_nothing_is_written():
    community = make_community(slug="cooks")
    member = add_member(community)
    before = row_counts()
    response = api_as(member).post(
        "/communities/cooks/posts", {"body": "Official news", "signed_as": "community"}
    )
    assert_signature_refused(response)
    assert row_counts() == before


def test_a_post_and_a_comment_refuse_the_signature_the_same_way():
    community = make_community(slug="cooks")
    member = add_member(community)
    api = api_as(member)
    on_post = api.post("/communities/cooks/posts", {"body": "News", "signed_as": "community"})
    on_comment = api.post(
        f"/posts/{make_post(community).pk}/comments",
        {"body": "Official", "signed_as": "community"},
    )
    assert_signature_refused(on_post)
    assert_signature_refused(on_comment)
    assert on_post.json() == on_comment.json()


def test_a_member_may_not_sign_their_post_as_the_community_when_editing_it():
    community = make_community(slug="cooks")
    member = add_member(community)
    post = make_post(community, author=member, body="Mine")
    response = api_as(member).patch(f"/posts/{post.pk}", {"signed_as": "community"})
    assert_signature_refused(response)
    assert Post.objects.get(pk=post.pk).signed_as == "author"


def test_a_member_may_not_sign_a_suggestion_as_the_page():
    page = make_community(slug="page", kind=Kind.PUBLIC_PAGE)
    response = api_as(add_member(page)).post(
        "/communities/page/suggestions", {"body": "An idea", "signed_as": "community"}
    )
    assert_signature_refused(response)


def test_a_member_may_still_sign_with_their_own_name_and_an_editor_as_the_community():
    community = make_community(slug="cooks")
    mine = api_as(add_member(community)).post(
        "/communities/cooks/posts", {"body": "Mine", "signed_as": "author"}
    )
    assert mine.status_code == 201
    editor = add_member(community, role=Role.EDITOR)
    official = api_as(editor).post(
        "/communities/cooks/posts", {"body": "News", "signed_as": "community"}
    )
    assert official.status_code == 201
    assert official.json()["shown_as"]["name"] == community.name


def test_an_unknown_signature_is_a_422_naming_the_field_for_everyone():
    community = make_community(slug="cooks")
    for role in (Role.MEMBER, Role.EDITOR):
        response = api_as(add_member(community, role=role)).post(
            "/communities/cooks/posts", {"body": "Hi", "signed_as": "robot"}
        )
        assert response.status_code == 422, role
        assert "signed_as" in error_of(response)["fields"]


def test_the_comment_form_shows_the_refusal_to_a_member_who_forges_the_signature():
    community = make_community(slug="cooks")
    post = make_post(community)
    client = Client()
    client.force_login(add_member(community))
    response = client.post(
        f"/p/{post.pk}/comments/", {"body": "Official", "signed_as": "community"}
    )
    assert response.status_code == 403
    assert REFUSAL.replace("'", "&#x27;") in response.content.decode()
    assert not Comment.objects.exists()
