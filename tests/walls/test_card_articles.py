"""Every page with post cards shows each post as one <article> holding its card, what other apps
show under it and its footer (`post.article_html`, put together by walls.cards._article): the
wall, the feed, a person's profile wall and the post's own page."""

from __future__ import annotations

import re

import pytest

from communa.walls.actions.posts import pin_post
from tests.factories import add_member, make_community, owner_of, person
from tests.support import client_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

ARTICLE = re.compile(
    r'<article class="card post-card( is-pinned)?" id="post-(\d+)">\n(.*?)\n</article>', re.S
)


@pytest.fixture
def wall():
    community = make_community(slug="cooks")
    member = add_member(community, person("mira"))
    posts = [make_post(community, body=f"Post {n} <b>not bold</b>") for n in range(3)]
    pin_post(actor=owner_of(community), post=posts[1])
    return community, member, posts


def articles(html: str) -> dict[int, tuple[bool, str]]:
    found = {int(pk): (bool(pinned), inner) for pinned, pk, inner in ARTICLE.findall(html)}
    assert html.count("<article") == len(found)  # every article is whole, none nested
    return found


def check(found: dict[int, tuple[bool, str]], posts, *, pinned_id: int | None) -> None:
    assert set(found) == {post.pk for post in posts}
    for pk, (pinned, inner) in found.items():
        assert pinned == (pk == pinned_id)
        assert "&lt;b&gt;not bold&lt;/b&gt;" in inner  # the card, escaped
        assert f'action="/p/{pk}/like/"' in inner  # its footer, inside its article


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/c/cooks/wall/", {"HX-Request": "true"}), ("/c/cooks/wall/", {}), ("/feed/", {})],
)
def test_the_wall_and_the_feed_show_each_post_as_one_whole_article(wall, path, headers):
    _community, member, posts = wall
    response = client_of(member).get(path, headers=headers)
    assert response.status_code == 200
    check(articles(response.content.decode()), posts, pinned_id=posts[1].pk)


def test_the_post_page_shows_its_post_as_an_article_with_its_footer(wall):
    _community, member, posts = wall
    response = client_of(member).get(f"/p/{posts[0].pk}/")
    assert response.status_code == 200
    check(articles(response.content.decode()), [posts[0]], pinned_id=None)


def test_a_visitors_wall_shows_the_same_articles_each_time(wall):
    _community, _member, posts = wall
    visitor = client_of(None)
    for _ in range(2):  # built, then (its rows unchanged but for the views) built or kept
        html = visitor.get("/c/cooks/wall/", headers={"HX-Request": "true"}).content.decode()
        found = articles(html)
        assert set(found) == {post.pk for post in posts}
        assert [pk for pk, (pinned, _inner) in found.items() if pinned] == [posts[1].pk]
        assert all("&lt;b&gt;not bold&lt;/b&gt;" in inner for _pinned, inner in found.values())
