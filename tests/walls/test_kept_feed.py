"""A member's feed page kept once for every member who gets the same posts
(walls.kept_feed.ReaderFeed).

Such members see the same cards; only their likes and their form token are their own. The page
is kept with no post liked, and each request presses the like buttons of the posts this member
likes. A kept page is the page built afresh after every change a writer makes, and the pages
whose cards are not the same for every member are never kept. Impressions are buffered here, as
`communa serve` records them, so that reading a page does not change its rows.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings

from communa.accounts.models import User
from communa.communities.actions import update_community
from communa.walls import selectors
from communa.walls.actions.interactions import hide_post, like_post, unlike_post
from communa.walls.actions.posts import create_post, edit_post, share_post
from communa.walls.models import Post
from tests.engagement.polls_support import make_poll
from tests.factories import add_member, make_community, person
from tests.support import calls_of, client_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PLACEHOLDER = "csrf-token-placeholder"
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+|("X-CSRFToken": ")[^"]+')


@pytest.fixture(autouse=True)
def _buffered(settings):
    settings.COMMUNA = {**django_settings.COMMUNA, "IMPRESSIONS_MODE": "buffered"}


@pytest.fixture
def two_groups():
    """Two communities, three posts in each, and two members of both."""
    owner = person(username="olga", display_name="Olga")
    cooks = make_community(owner, name="Learn to Cook", slug="cooks")
    knives = make_community(owner, name="Knife Skills", slug="knives")
    posts = [
        create_post(actor=owner, community=group, data={"body": f"{group.slug} post {index}"})
        for index in range(3)
        for group in (cooks, knives)
    ]
    readers = [person(username=name) for name in ("mira", "nika")]
    for reader in readers:
        add_member(cooks, reader)
        add_member(knives, reader)
    return (cooks, knives), posts, owner, readers


@pytest.fixture
def built(monkeypatch):
    """How many times a feed page's posts were read and rendered (not taken as kept)."""
    return calls_of(monkeypatch, selectors, "feed_page")


def feed_of(client, path: str = "/feed/", **headers) -> str:
    response = client.get(path, **headers)
    assert response.status_code == 200
    return response.content.decode()


def fresh_feed(client, settings, path: str = "/feed/", **headers) -> str:
    """The feed as this member gets it with nothing kept."""
    saved = settings.COMMUNA
    settings.COMMUNA = {**saved, "CARD_CACHE_SECONDS": 0}
    try:
        return feed_of(client, path, **headers)
    finally:
        settings.COMMUNA = saved


def same_tokens(html: str) -> str:
    return TOKEN.sub(r"\1\2TOKEN", html)


def pressed(html: str) -> set[int]:
    """The posts whose like button the page shows pressed."""
    forms = re.findall(r'action="/p/(\d+)/like/".*?aria-pressed="(true|false)"', html, re.S)
    return {int(pk) for pk, state in forms if state == "true"}


def test_members_share_one_kept_feed_each_with_their_likes_and_their_token(two_groups, built):
    _groups, posts, _owner, (mira, nika) = two_groups
    like_post(actor=mira, post=posts[1])
    mira_client, nika_client = client_of(mira), client_of(nika)
    mira_client.handler.enforce_csrf_checks = True

    # given the feed kept while a member who likes nothing read it
    feed_of(nika_client)
    assert pressed(feed_of(nika_client)) == set()
    assert len(built) == 1

    # when a member who likes one post reads it
    html = feed_of(mira_client)

    # then it comes from the kept page, only their post is pressed, and the forms carry their
    # own token, which is accepted
    assert len(built) == 1
    assert pressed(html) == {posts[1].pk}
    assert PLACEHOLDER not in html
    assert "knives post 2" in html
    assert "cooks post 0" in html
    token = re.search(
        rf'action="/p/{posts[0].pk}/like/".*?name="csrfmiddlewaretoken" value="([^"]+)"',
        html,
        re.S,
    )[1]
    response = mira_client.post(f"/p/{posts[0].pk}/like/", {"csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302)
    assert Post.objects.get(pk=posts[0].pk).like_count == 1
    assert pressed(feed_of(mira_client)) == {posts[0].pk, posts[1].pk}
    assert pressed(feed_of(nika_client)) == set()


def test_a_kept_feed_is_the_feed_built_afresh_after_every_change(two_groups, built, settings):
    (cooks, knives), posts, owner, (mira, nika) = two_groups
    client = client_of(mira)

    def same_as_fresh() -> str:
        feed_of(client)
        before = len(built)
        kept = feed_of(client)
        assert len(built) == before, "the second read is the kept page"
        assert same_tokens(kept) == same_tokens(fresh_feed(client, settings))
        return kept

    like_post(actor=mira, post=posts[4])
    assert pressed(same_as_fresh()) == {posts[4].pk}
    like_post(actor=nika, post=posts[4])  # another member's like: the count
    assert re.search(rf'action="/p/{posts[4].pk}/like/".*?>2<', same_as_fresh(), re.S)
    unlike_post(actor=mira, post=posts[4])
    assert pressed(same_as_fresh()) == set()
    edit_post(actor=owner, post=posts[0], data={"body": "An edited post"})
    assert "An edited post" in same_as_fresh()
    update_community(actor=owner, community=knives, changes={"name": "Knife Club"})
    assert "Knife Club" in same_as_fresh()
    create_post(actor=nika, community=cooks, data={"body": "A member's post"})
    assert "A member's post" in same_as_fresh()
    User.objects.filter(pk=nika.pk).update(display_name="Nika the Cook")
    assert "Nika the Cook" in same_as_fresh()
    Post.objects.filter(pk=posts[2].pk).update(impression_count=1234, reach_count=7)
    assert re.search(rf'data-views="{posts[2].pk}">1,?234 views', same_as_fresh())
    create_post(actor=owner, community=cooks, data={"body": "The newest post"})
    assert "The newest post" in same_as_fresh()
    hide_post(actor=mira, post=posts[5])
    hidden = same_as_fresh()
    assert "knives post 2" not in hidden
    assert "knives post 2" in feed_of(client_of(nika))


def test_a_later_page_comes_kept_with_the_members_likes(two_groups, built, settings):
    _groups, posts, _owner, (mira, nika) = two_groups
    settings.COMMUNA = {**settings.COMMUNA, "PAGE_SIZE": 4}
    oldest = posts[0]
    like_post(actor=mira, post=oldest)
    client = client_of(mira)
    more = re.search(r'class="button secondary more" href="([^"]+)"', feed_of(client))
    assert more is not None
    url = more[1].replace("&amp;", "&")
    later = feed_of(client, url, **HTMX)
    again = feed_of(client, url, **HTMX)
    someone_else = feed_of(client_of(nika), url, **HTMX)

    assert pressed(later) == pressed(again) == {oldest.pk}
    assert "cooks post 0" in again
    assert "<html" not in again
    assert pressed(someone_else) == set()
    assert len(built) == 2  # the first page and the later one, each once
    assert same_tokens(again) == same_tokens(fresh_feed(client, settings, url, **HTMX))


def test_members_of_other_communities_never_get_each_others_page(two_groups, built):
    (cooks, _knives), _posts, _owner, (mira, _nika) = two_groups
    only_cooks = add_member(cooks, person(username="lena"))
    feed_of(client_of(mira))
    html = feed_of(client_of(only_cooks))
    assert len(built) == 2
    assert "cooks post 1" in html
    assert "knives post 1" not in html


@pytest.mark.parametrize("how", ["team", "repost", "poll", "cache off"])
def test_whose_feed_is_never_kept(two_groups, built, settings, how):
    (cooks, knives), posts, owner, (mira, _nika) = two_groups
    reader = mira
    if how == "team":
        reader = owner
    elif how == "repost":
        share_post(actor=owner, post=posts[0], to_community=knives)
    elif how == "poll":
        make_poll(cooks, post_id=posts[0].pk)
        assert Post.objects.filter(community=cooks, has_widgets=True).exists()
    elif how == "cache off":
        settings.COMMUNA = {**settings.COMMUNA, "CARD_CACHE_SECONDS": 0}
    client = client_of(reader)
    first, second = feed_of(client), feed_of(client)
    assert len(built) == 2
    assert same_tokens(first) == same_tokens(second)
    assert PLACEHOLDER not in second


# -- the API's feed -------------------------------------------------------------------------------


def api_feed(user, *, token: bool = False, path: str = "/feed") -> dict:
    """The member's API feed, through a session or through a personal access token."""
    from django.test import Client

    from communa.accounts.actions import create_access_token
    from tests.support import Api, api_as

    if token:
        _row, plaintext = create_access_token(actor=user, name="script")
        api = Api(Client(), token=plaintext)
    else:
        api = api_as(user)
    response = api.get(path)
    assert response.status_code == 200
    return response.json()


def liked_in(answer: dict) -> set[int]:
    return {item["id"] for item in answer["items"] if item["liked"]}


@pytest.mark.parametrize("token", [False, True], ids=["session", "token"])
def test_members_share_one_kept_api_feed_each_with_their_likes_and_counts(
    two_groups, built, settings, token
):
    (_cooks, knives), posts, owner, (mira, nika) = two_groups
    like_post(actor=mira, post=posts[1])
    Post.objects.filter(pk=posts[2].pk).update(impression_count=7, reach_count=3)

    def fresh(user) -> dict:
        saved = settings.COMMUNA
        settings.COMMUNA = {**saved, "CARD_CACHE_SECONDS": 0}
        try:
            return api_feed(user, token=token)
        finally:
            settings.COMMUNA = saved

    assert liked_in(api_feed(nika, token=token)) == set()
    kept = len(built)
    mira_answer = api_feed(mira, token=token)
    assert len(built) == kept, "the second member's answer comes kept"
    assert liked_in(mira_answer) == {posts[1].pk}
    assert mira_answer == fresh(mira)
    counts = {item["id"]: item for item in mira_answer["items"]}
    assert counts[posts[1].pk]["counts"]["likes"] == 1
    assert counts[posts[2].pk]["counts"]["views"] == 7
    # counts move without a new answer being built; an edit builds one
    like_post(actor=nika, post=posts[1])
    before = len(built)
    again = api_feed(mira, token=token)
    assert len(built) == before
    assert {item["id"]: item for item in again["items"]}[posts[1].pk]["counts"]["likes"] == 2
    assert again == fresh(mira)
    assert liked_in(api_feed(nika, token=token)) == {posts[1].pk}
    edit_post(actor=owner, post=posts[5], data={"body": "Edited for the API"})
    update_community(actor=owner, community=knives, changes={"name": "Knife Club"})
    edited = api_feed(mira, token=token)
    assert edited == fresh(mira)
    assert "Edited for the API" in str(edited)


def test_the_teams_api_feed_is_built_for_them(two_groups, built):
    _groups, _posts, owner, _readers = two_groups
    api_feed(owner)
    api_feed(owner)
    assert len(built) == 2


def test_a_kept_feed_in_other_scripts_is_the_feed_built_afresh(built, settings):
    owner = person(username="oksana", display_name="Оксана")
    group = make_community(owner, name="Кухня Львова", slug="kukhnia")
    posts = [
        create_post(actor=owner, community=group, data={"body": body})
        for body in ("Дякую за рецепт ♥", "Cảm ơn công thức, bánh mì giòn!", "Terima kasih 🍞")
    ]
    reader = person(username="taras")
    add_member(group, reader)
    like_post(actor=reader, post=posts[1])
    client = client_of(reader)
    Post.objects.filter(pk=posts[0].pk).update(impression_count=4321)

    feed_of(client)
    kept = feed_of(client)  # the page as kept: its UTF-8 bytes, the views and token put in

    assert len(built) == 1
    assert same_tokens(kept) == same_tokens(fresh_feed(client, settings))
    assert "Cảm ơn công thức, bánh mì giòn!" in kept
    assert "Кухня Львова" in kept
    assert pressed(kept) == {posts[1].pk}
    assert re.search(rf'data-views="{posts[0].pk}">4,?321 views', kept)
    assert PLACEHOLDER not in kept


def _kept_html(pks: list[int]) -> str:
    """Posts as a kept feed page holds them: like buttons and forms with the token's
    placeholder, each post's views in its footer."""
    from communa.walls.kept_walls import like_buttons

    return "".join(
        f'<article id="post-{pk}">Пост {pk} ♥'
        + like_buttons({"id": pk, "like_count": pk})[0]
        + f'<span class="count views" data-views="{pk}">0 views</span>'
        + f'<form><input type="hidden" name="csrfmiddlewaretoken" value="{PLACEHOLDER}-9f3c">'
        + "</form></article>"
        for pk in pks
    )


def test_kept_posts_are_filled_as_the_page_would_be_rendered(rf, settings):
    from communa.core.fragments import CSRF_PLACEHOLDER
    from communa.walls.kept_feed import KeptPosts
    from communa.walls.kept_walls import like_buttons
    from communa.walls.post_views import views_text

    request = rf.get("/feed/")
    html = _kept_html([7, 8, 9])
    kept = KeptPosts.of(html)
    assert (
        b"".join(piece for piece in kept.pieces if isinstance(piece, bytes)).count(b"0 views") == 0
    )

    filled = kept.filled(request, [{"id": 8, "like_count": 8}], {7: 1234, 8: 5}).decode()

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', filled)[1]
    assert CSRF_PLACEHOLDER not in token
    expected = (
        html.replace(*like_buttons({"id": 8, "like_count": 8}))
        .replace(CSRF_PLACEHOLDER, token)
        .replace('data-views="7">0 views', f'data-views="7">{views_text(1234)}')
        .replace('data-views="8">0 views', f'data-views="8">{views_text(5)}')
    )
    assert filled == expected  # post 9's views not given: as kept
    assert pressed(filled) == {8}


def test_a_like_button_not_found_as_kept_gives_no_page(rf):
    from communa.walls.kept_feed import KeptPosts

    kept = KeptPosts.of(_kept_html([7]) + _kept_html([7]))  # the same button twice
    assert kept.filled(rf.get("/feed/"), [{"id": 7, "like_count": 7}], {}) is None
    assert (
        KeptPosts.of(_kept_html([7])).filled(rf.get("/feed/"), [{"id": 8, "like_count": 8}], {})
        is None
    )
