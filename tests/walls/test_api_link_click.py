"""The link click-through through the API: the same action and event as the web's /p/{id}/go/
and the link's short link; the address comes with the UTM tags of the post's links (R8.8)."""

from __future__ import annotations

import pytest

from communa.analytics.models import Event, EventKind, Platform
from communa.communities.models import Privacy
from communa.walls.models import Post
from tests.communities.test_api_support import add_member, api_as, make_community, person
from tests.conftest import error_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

LINK = "https://example.org/knife-class"


def tagged(post: Post) -> str:
    return (
        f"{LINK}?utm_source=communa&utm_medium=social&utm_campaign=interaction"
        f"&utm_content=post-{post.pk}"
    )


def test_a_click_through_the_api_counts_and_answers_the_address():
    # given a post with a link and a member who reads it through the API
    community = make_community()
    post = make_post(community, link_url=LINK)
    member = add_member(community)
    # when the member's client reports the click
    response = api_as(member).post(f"/posts/{post.pk}/click")
    # then it gets the tagged address to open, and the click is counted like one on the web
    assert response.status_code == 200, response.content
    assert response.json() == {"url": tagged(post)}
    assert Post.objects.get(pk=post.pk).link_click_count == 1
    event = Event.objects.get(kind=EventKind.LINK_CLICK, post=post)
    assert (event.user_id, event.platform) == (member.pk, Platform.API)


def test_anonymous_visitors_may_click_a_link_of_an_open_community():
    post = make_post(make_community(), link_url=LINK)
    response = api_as(None).post(f"/posts/{post.pk}/click")
    assert response.json() == {"url": tagged(post)}
    assert Event.objects.filter(kind=EventKind.LINK_CLICK, post=post, user=None).count() == 1


def test_a_post_without_a_link_is_refused_and_counts_nothing():
    post = make_post(make_community(), body="No link here")
    response = api_as(None).post(f"/posts/{post.pk}/click")
    assert response.status_code == 403
    assert error_of(response)["message"] == "This post has no link."
    assert not Event.objects.filter(kind=EventKind.LINK_CLICK).exists()


def test_a_post_one_may_not_read_answers_like_a_missing_one():
    community = make_community(privacy=Privacy.CLOSED)
    post = make_post(community, link_url=LINK)
    hidden = api_as(person()).post(f"/posts/{post.pk}/click")
    missing = api_as(person()).post("/posts/999999/click")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert Post.objects.get(pk=post.pk).link_click_count == 0
