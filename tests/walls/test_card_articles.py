"""Every page with post cards shows each post as one <article> holding its card, what other apps
show under it and its footer (`post.article_html`, put together by walls.cards._article): the
wall, the feed, a person's profile wall and the post's own page."""

from __future__ import annotations

import re

import pytest

from communa.accounts.actions import update_profile
from communa.communities.actions import update_community
from communa.core.fragments import CSRF_PLACEHOLDER
from communa.walls.actions.interactions import like_post
from communa.walls.actions.posts import edit_post, pin_post, unpin_post
from communa.walls.models import Post
from tests.factories import add_member, make_community, owner_of, person
from tests.support import TOKENS, client_of, page_text, without_tokens
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


def test_a_members_feed_from_kept_articles_is_the_feed_built_afresh_after_each_change(
    wall, settings
):
    # given a member's feed, its articles kept (views not recorded: they move the counts)
    settings.COMMUNA = {**settings.COMMUNA, "RECORD_IMPRESSIONS": False}
    community, member, posts = wall
    owner = owner_of(community)
    other = add_member(community, person("lev"))
    client = client_of(member)

    def afresh() -> str:
        saved = settings.COMMUNA
        settings.COMMUNA = {**saved, "CARD_CACHE_SECONDS": 0}
        try:
            return without_tokens(page_text(client, "/feed/"))
        finally:
            settings.COMMUNA = saved

    changes = [
        lambda: None,
        lambda: like_post(actor=other, post=posts[0]),  # a count
        lambda: like_post(actor=member, post=posts[2]),  # the reader's own like
        lambda: edit_post(actor=owner, post=Post.objects.get(pk=posts[2].pk), data={"body": "New"}),
        lambda: unpin_post(
            actor=owner, post=Post.objects.get(pk=posts[1].pk)
        ),  # the article's class
        lambda: update_profile(actor=owner, user=owner, changes={"display_name": "Chef Olga"}),
        lambda: update_community(actor=owner, community=community, changes={"name": "Cooks!"}),
    ]
    for change in changes:
        page_text(client, "/feed/")  # kept as it is now
        # when something on the feed changes
        change()
        # then the feed from what was kept is the feed with nothing kept
        assert without_tokens(page_text(client, "/feed/")) == afresh()
    html = page_text(client, "/feed/")
    assert "New" in html
    assert "Chef Olga" in html
    assert "is-pinned" not in html


def test_a_kept_article_carries_each_readers_own_token(wall, settings):
    # given two members reading the same feed, the first keeping its articles
    settings.COMMUNA = {**settings.COMMUNA, "RECORD_IMPRESSIONS": False}
    community, member, _posts = wall
    other = add_member(community, person("lev"))
    first, second = client_of(member), client_of(other)
    first_page = page_text(first, "/feed/")

    # when the second reads it from what the first kept
    second_page = page_text(second, "/feed/")

    # then each page's forms carry that reader's token, never the placeholder
    assert CSRF_PLACEHOLDER not in first_page + second_page
    tokens = [set(TOKENS.findall(page)) for page in (first_page, second_page)]
    assert tokens[0]
    assert tokens[1]
    assert tokens[0] != tokens[1]
    assert without_tokens(first_page) == without_tokens(second_page)
