"""A wall kept once for every reader outside the community's team (walls.kept_walls.VisitorWall).

Such readers see the same posts with the same cards; only their likes and their form token are
their own. The page and the API's answer are kept with no post liked, and each request presses
the like buttons (or sets "liked") of the posts this reader likes. Impressions are buffered here,
as `communa serve` records them, so that reading a page does not change its rows.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from communa.core import near
from communa.walls import selectors
from communa.walls.actions.interactions import like_post, unlike_post
from communa.walls.actions.posts import create_post
from communa.walls.models import Post
from tests.factories import add_member, make_community, person
from tests.support import calls_of, client_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PLACEHOLDER = "csrf-token-placeholder"


@pytest.fixture(autouse=True)
def _buffered(settings):
    settings.COMMUNA = {**django_settings.COMMUNA, "IMPRESSIONS_MODE": "buffered"}


@pytest.fixture
def group():
    owner = person(username="olga", display_name="Olga")
    community = make_community(owner, name="Learn to Cook", slug="cooks")
    posts = [
        create_post(actor=owner, community=community, data={"body": f"Post {index}"})
        for index in range(3)
    ]
    return community, posts, owner


def wall_of(client) -> str:
    response = client.get("/c/cooks/wall/", **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def pressed(html: str) -> set[int]:
    """The posts whose like button the page shows pressed."""
    forms = re.findall(r'action="/p/(\d+)/like/".*?aria-pressed="(true|false)"', html, re.S)
    return {int(pk) for pk, state in forms if state == "true"}


def tokens_in(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


@pytest.fixture
def built(monkeypatch):
    """How many times a wall page's posts were read and rendered (not taken as kept)."""
    return calls_of(monkeypatch, selectors, "wall_page")


def test_readers_share_one_kept_wall_each_with_their_likes_and_their_token(group, built):
    community, (first, second, third), _owner = group
    liker, other = add_member(community), add_member(community)
    like_post(actor=liker, post=second)
    other_client, liker_client = client_of(other), client_of(liker)
    other_client.handler.enforce_csrf_checks = True
    liker_client.handler.enforce_csrf_checks = True

    # given the wall kept while a member who likes nothing read it
    wall_of(other_client)
    assert pressed(wall_of(other_client)) == set()

    # when a member who likes one post reads it
    before = len(built)
    html = wall_of(liker_client)

    # then it comes from the kept page, only their post is pressed, and the forms carry their
    # own token
    assert len(built) == before
    assert pressed(html) == {second.pk}
    assert PLACEHOLDER not in html
    token = re.search(
        rf'action="/p/{first.pk}/like/".*?name="csrfmiddlewaretoken" value="([^"]+)"', html, re.S
    )[1]
    assert not tokens_in(html) & tokens_in(wall_of(other_client))
    response = liker_client.post(
        f"/p/{first.pk}/like/", {"action": "like", "csrfmiddlewaretoken": token}
    )
    assert response.status_code in (200, 302)
    assert Post.objects.get(pk=first.pk).like_count == 1

    # and each reader then sees their own likes
    assert pressed(wall_of(liker_client)) == {first.pk, second.pk}
    assert pressed(wall_of(other_client)) == set()
    assert third.pk not in pressed(wall_of(liker_client))


def test_a_reader_who_likes_keeps_the_wall_as_everyone_else_sees_it(group, built):
    community, (_first, second, _third), _owner = group
    liker, other = add_member(community), add_member(community)
    like_post(actor=liker, post=second)

    # given the wall kept while a member who likes a post read it
    cache.clear()
    near.forget()  # and what this process holds in front of it
    assert pressed(wall_of(client_of(liker))) == {second.pk}

    # when another member reads it
    before = len(built)
    html = wall_of(client_of(other))

    # then it comes from the kept page with nothing pressed, and the liker still sees their like
    assert len(built) == before
    assert pressed(html) == set()
    assert pressed(wall_of(client_of(liker))) == {second.pk}


def test_a_kept_wall_follows_a_readers_like_and_unlike(group):
    community, (first, _second, _third), _owner = group
    member = add_member(community)
    client = client_of(member)
    wall_of(client)

    like_post(actor=member, post=first)
    html = wall_of(client)
    assert pressed(html) == {first.pk}
    assert re.search(rf'action="/p/{first.pk}/like/".*?class="like-count"[^>]*>1<', html, re.S)

    unlike_post(actor=member, post=first)
    html = wall_of(client)
    assert pressed(html) == set()
    assert re.search(rf'action="/p/{first.pk}/like/".*?class="like-count"[^>]*>0<', html, re.S)


def test_a_readers_kept_wall_is_the_wall_built_for_them(group, settings):
    community, (first, _second, third), _owner = group
    member = add_member(community)
    like_post(actor=member, post=third)
    client = client_of(member)
    wall_of(client)
    kept = wall_of(client)

    settings.COMMUNA = {**settings.COMMUNA, "CARD_CACHE_SECONDS": 0}
    built = wall_of(client)

    def same_token(html: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)

    assert same_token(kept) == same_token(built)
    assert pressed(kept) == {third.pk}
    assert "Post 0" in kept
    assert first.pk not in pressed(kept)


def test_a_readers_later_page_comes_kept_with_their_likes(group, settings):
    community, posts, _owner = group
    settings.COMMUNA = {**settings.COMMUNA, "PAGE_SIZE": 2}
    member = add_member(community)
    oldest = posts[0]
    like_post(actor=member, post=oldest)
    client = client_of(member)
    first_page = wall_of(client)
    more = re.search(r'hx-get="([^"]+)"', first_page)
    assert more is not None
    url = more[1].replace("&amp;", "&")
    later = client.get(url, **HTMX).content.decode()
    again = client.get(url, **HTMX).content.decode()
    someone_else = client_of(add_member(community)).get(url, **HTMX).content.decode()

    assert pressed(later) == pressed(again) == {oldest.pk}
    assert "Post 0" in again
    assert "No posts yet" not in again
    assert pressed(someone_else) == set()


def test_the_api_gives_each_reader_their_likes_from_one_kept_answer(group, built):
    community, (first, second, _third), _owner = group
    liker, other = add_member(community), add_member(community)
    like_post(actor=liker, post=second)

    def liked(client) -> set[int]:
        answer = client.get("/api/communities/cooks/wall").json()
        return {item["id"] for item in answer["items"] if item["liked"]}

    # kept by a visitor
    assert liked(client_of()) == set()
    assert liked(client_of(liker)) == {second.pk}
    assert liked(client_of(other)) == set()

    # kept by a reader who likes a post
    cache.clear()
    near.forget()  # and what this process holds in front of it
    assert liked(client_of(liker)) == {second.pk}
    before = len(built)
    assert liked(client_of()) == set()
    assert liked(client_of(other)) == set()
    assert len(built) == before

    like_post(actor=other, post=first)
    assert liked(client_of(other)) == {first.pk}
    assert liked(client_of(liker)) == {second.pk}


def test_the_team_never_gets_the_readers_kept_wall(group, built):
    # given the wall kept for readers
    community, _posts, owner = group
    reader = client_of(add_member(community))
    wall_of(reader)
    wall_of(reader)

    # when the owner reads it, their page is built for them (their cards show the team's labels)
    before = len(built)
    html = wall_of(client_of(owner))
    assert len(built) == before + 1
    assert PLACEHOLDER not in html
    assert len(tokens_in(html)) >= 1


@pytest.mark.parametrize("language", ["en", "ru", "vi"])
def test_a_like_button_from_its_kept_pattern_is_the_button_rendered(language):
    """The like buttons a kept wall presses for a reader are made from one rendering per state
    and language with the post's id and count put in: each is the button the template gives."""
    from django.utils import translation

    from communa.walls.kept_walls import _render_button, like_buttons

    with translation.override(language):
        for pk, count in ((1, 0), (7, 1), (123456, 98765), (2**40, 10**6)):
            assert like_buttons({"id": pk, "like_count": count}) == (
                _render_button(pk, count, liked=False),
                _render_button(pk, count, liked=True),
            )


def test_a_reader_sees_their_held_and_refused_posts_above_the_kept_wall(group, built):
    """Whether a reader has a post waiting here is read with the wall's rows: the list shows
    when they have one, from the kept page as from a built one, and goes when it is published."""
    community, _posts, _owner = group
    member = add_member(community)
    client = client_of(member)
    wall_of(client)
    assert "Waiting for a moderator" not in wall_of(client)
    mine = create_post(actor=member, community=community, data={"body": "My own words"})
    Post.objects.filter(pk=mine.pk).update(status="held")
    before = len(built)
    html = wall_of(client)
    assert len(built) == before, "the posts come kept"
    assert "Waiting for a moderator" in html
    assert "My own words" in html
    assert "Held for review" in html
    Post.objects.filter(pk=mine.pk).update(status="rejected", review_reason="Off topic")
    html = wall_of(client)
    assert "Rejected" in html
    assert "Off topic" in html
    assert "Waiting for a moderator" not in wall_of(client_of(add_member(community)))
    Post.objects.filter(pk=mine.pk).update(status="deleted")
    assert "Waiting for a moderator" not in wall_of(client)
