"""A repost shows its original only to those who may read the original now (API, web, feed).

A member shares a post of an open community; later the community turns closed or private, or
the original is deleted or held. Whoever may no longer read the original sees the share with a
placeholder: nothing of the original's text, author or community, and no link to it.
"""

from __future__ import annotations

import pytest
from django.test import Client

from communa.communities.actions import update_community
from communa.communities.models import Community, Privacy, WallMode
from communa.walls.actions.posts import delete_post, share_post
from communa.walls.models import Post, PostStatus
from tests.communities.test_api_support import (
    add_member,
    api_as,
    make_community,
    owner_of,
    person,
)
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

SECRET_NAME = "Knife Club Insiders"
SECRET_TEXT = "Members-only sharpening secrets"
SECRET_LINK = "https://example.org/secret-whetstones"
UNAVAILABLE = "The original post is not available."


@pytest.fixture
def club() -> Community:
    return make_community(name=SECRET_NAME, slug="knife-club")


@pytest.fixture
def original(club: Community) -> Post:
    return make_post(club, body=SECRET_TEXT, link_url=SECRET_LINK, link_title="Whetstones")


@pytest.fixture
def sharer(club: Community):
    return add_member(club, person(username="sharer"))


@pytest.fixture
def share(sharer, original: Post) -> Post:
    """The sharer's repost of the original on their profile wall, made while the club is open."""
    return share_post(actor=sharer, post=original, comment="Look at this")


def make_private(community: Community) -> None:
    update_community(
        actor=owner_of(community), community=community, changes={"privacy": Privacy.PRIVATE}
    )


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def assert_nothing_of_the_original(text: str) -> None:
    for secret in (SECRET_NAME, SECRET_TEXT, SECRET_LINK, "knife-club", "Whetstones"):
        assert secret not in text, secret


def assert_placeholder(shared_from: dict) -> None:
    assert shared_from["available"] is False
    assert shared_from["id"] is None
    assert shared_from["community"] is None
    assert shared_from["author"] is None
    assert shared_from["shown_as"] is None
    assert shared_from["body_html"] == shared_from["title"] == shared_from["link_url"] == ""
    assert shared_from["images"] == []
    assert shared_from["status"] == "unavailable"


# --- the API -------------------------------------------------------------------------------------


def test_a_share_still_shows_its_original_while_the_community_is_open(share, original):
    wall = api_as(None).get("/users/sharer/wall").json()
    shared_from = wall["items"][0]["shared_from"]
    assert shared_from["available"] is True
    assert shared_from["id"] == original.pk
    assert shared_from["community"] == {"slug": "knife-club", "name": SECRET_NAME}
    assert SECRET_TEXT in shared_from["body_html"]


@pytest.mark.parametrize("privacy", [Privacy.PRIVATE, Privacy.CLOSED])
def test_anonymous_profile_wall_hides_the_original_of_a_community_that_closed(share, club, privacy):
    # given a share made while the club was open
    # when the club turns closed or private
    update_community(actor=owner_of(club), community=club, changes={"privacy": privacy})
    # then an anonymous visitor of the sharer's profile wall sees the share, not the original
    response = api_as(None).get("/users/sharer/wall")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [share.pk]
    assert items[0]["body"] == "Look at this"
    assert_placeholder(items[0]["shared_from"])
    assert_nothing_of_the_original(response.content.decode())


def test_anonymous_post_detail_of_a_share_hides_the_original_of_a_private_community(share, club):
    make_private(club)
    response = api_as(None).get(f"/posts/{share.pk}")
    assert response.status_code == 200
    assert_placeholder(response.json()["shared_from"])
    assert_nothing_of_the_original(response.content.decode())


def test_an_outsider_signed_in_sees_the_placeholder_and_a_member_still_sees_the_original(
    share, club, original
):
    make_private(club)
    outsider = api_as(person()).get(f"/posts/{share.pk}").json()
    assert_placeholder(outsider["shared_from"])
    member = api_as(add_member(club)).get(f"/posts/{share.pk}").json()
    assert member["shared_from"]["available"] is True
    assert member["shared_from"]["id"] == original.pk


def test_a_deleted_original_shows_the_placeholder_to_everyone(share, original, club):
    delete_post(actor=owner_of(club), post=original)
    for viewer in (None, person(), owner_of(club)):
        shared_from = api_as(viewer).get(f"/posts/{share.pk}").json()["shared_from"]
        assert_placeholder(shared_from)


def test_a_held_original_shows_the_placeholder(share, original):
    Post.objects.filter(pk=original.pk).update(status=PostStatus.HELD)
    response = api_as(None).get("/users/sharer/wall")
    assert_placeholder(response.json()["items"][0]["shared_from"])
    assert_nothing_of_the_original(response.content.decode())


def test_a_wall_turned_off_hides_the_original_from_people_outside_the_team(share, club):
    update_community(actor=owner_of(club), community=club, changes={"wall_mode": WallMode.OFF})
    member = api_as(add_member(club)).get(f"/posts/{share.pk}").json()
    assert_placeholder(member["shared_from"])
    owner = api_as(owner_of(club)).get(f"/posts/{share.pk}").json()
    assert owner["shared_from"]["available"] is True


def test_a_post_that_shares_nothing_has_no_shared_from(original):
    assert api_as(None).get(f"/posts/{original.pk}").json()["shared_from"] is None


# --- the feed ------------------------------------------------------------------------------------


@pytest.fixture
def kitchen_share(club, original):
    """A share of the club's post to the open community "kitchen", whose member reads the feed."""
    kitchen = make_community(name="Kitchen", slug="kitchen")
    sharer = add_member(club, add_member(kitchen))
    return share_post(actor=sharer, post=original, to_community=kitchen), kitchen


def test_the_api_feed_hides_the_original_of_a_community_that_turned_private(kitchen_share, club):
    repost, kitchen = kitchen_share
    reader = add_member(kitchen)
    make_private(club)
    response = api_as(reader).get("/feed")
    items = {item["id"]: item for item in response.json()["items"]}
    assert_placeholder(items[repost.pk]["shared_from"])
    assert_nothing_of_the_original(response.content.decode())


def test_the_web_feed_hides_the_original_of_a_community_that_turned_private(kitchen_share, club):
    repost, kitchen = kitchen_share
    reader = add_member(kitchen)
    make_private(club)
    response = client_of(reader).get("/feed/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="post-{repost.pk}"' in page
    assert UNAVAILABLE in page
    assert_nothing_of_the_original(page)


@pytest.mark.usefixtures("kitchen_share")
def test_the_community_wall_hides_the_original_of_a_community_that_turned_private(club):
    make_private(club)
    response = api_as(None).get("/communities/kitchen/wall")
    assert_placeholder(response.json()["items"][0]["shared_from"])
    page = client_of(None).get("/c/kitchen/wall/").content.decode()
    assert UNAVAILABLE in page
    assert_nothing_of_the_original(page)


# --- the web pages -------------------------------------------------------------------------------


def test_the_profile_wall_page_shows_the_placeholder_instead_of_the_private_original(share, club):
    make_private(club)
    response = client_of(None).get("/u/sharer/wall/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Look at this" in page
    assert UNAVAILABLE in page
    assert_nothing_of_the_original(page)


def test_the_post_page_of_a_share_shows_the_placeholder_instead_of_the_private_original(
    share, club
):
    make_private(club)
    response = client_of(person()).get(f"/p/{share.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert UNAVAILABLE in page
    assert_nothing_of_the_original(page)


def test_the_post_page_still_shows_the_original_to_its_members(share, club):
    make_private(club)
    page = client_of(add_member(club)).get(f"/p/{share.pk}/").content.decode()
    assert SECRET_TEXT in page
    assert UNAVAILABLE not in page


def test_the_profile_wall_page_shows_the_placeholder_for_a_deleted_original(share, original, club):
    delete_post(actor=owner_of(club), post=original)
    page = client_of(None).get("/u/sharer/wall/").content.decode()
    assert UNAVAILABLE in page
    assert_nothing_of_the_original(page)
