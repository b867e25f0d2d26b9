"""A post's page kept whole for visitors (walls.kept_walls.visitor_post_page, core.fragments).

Every visitor gets the same page of a published post in a community: it is kept under a key
naming the post's row, its author, the community's row, the comments' rows with their authors',
the address and the language, and built from the very rows that key names when it is not kept.
These tests compare the kept page with the page rendered afresh after each thing a writer can
change, and check who never gets a kept page.
"""

from __future__ import annotations

import importlib

import pytest
from django.conf import settings as django_settings
from django.test import Client

from communa.accounts.actions import update_profile
from communa.communities.actions import update_community
from communa.walls.actions.comments import delete_comment, edit_comment
from communa.walls.actions.interactions import like_comment, like_post
from communa.walls.actions.posts import edit_post, share_post
from communa.walls.kept_walls import POST_PAGE_TEMPLATES
from communa.walls.models import Post
from tests.engagement.polls_support import make_poll
from tests.factories import add_member, make_community, person
from tests.support import (
    TOKENS,
    client_of,
    fresh_page,
    page_text,
    record_kept_renders,
    without_tokens,
)
from tests.walls.support import make_comment, make_post

pytestmark = pytest.mark.django_db

posts_views = importlib.import_module("communa.walls.views.posts")


@pytest.fixture(autouse=True)
def _buffered(settings):
    settings.COMMUNA = {**django_settings.COMMUNA, "IMPRESSIONS_MODE": "buffered"}


@pytest.fixture
def cooks():
    owner = person(username="olga", display_name="Olga")
    community = make_community(owner, name="Learn to Cook", slug="cooks")
    member = add_member(community, person(username="mira", display_name="Mira"))
    post = make_post(community, body="Knife skills", author=owner, title="Knives")
    first = make_comment(post, member, "Which stone?")
    return community, owner, member, post, first


@pytest.fixture
def rendered(monkeypatch):
    return record_kept_renders(monkeypatch, posts_views)


def test_visitors_share_one_kept_page_each_with_their_token_and_impression(cooks, rendered):
    _community, _owner, _member, post, _first = cooks
    path = f"/p/{post.pk}/"
    first, second = Client(), Client()
    page = page_text(first, path)
    again = page_text(second, path)
    assert len([key for key in rendered if key]) == 1  # the second visitor's page was kept
    assert without_tokens(again) == without_tokens(page)
    assert "Which stone?" in again
    assert "csrf-token-placeholder" not in again
    assert TOKENS.findall(again)[0][1] != TOKENS.findall(page)[0][1]
    # Each visitor's view of the post counts, kept page or not.
    from communa.analytics.impressions import flush_impressions

    flush_impressions()
    post.refresh_from_db()
    assert post.impression_count == 2


def test_a_kept_page_is_the_fresh_page_after_every_change_a_writer_makes(cooks, settings):
    community, owner, member, post, first = cooks
    path = f"/p/{post.pk}/"
    visitor = Client()

    def same_as_fresh() -> str:
        kept = without_tokens(page_text(visitor, path))
        assert kept == fresh_page(settings, path)
        return kept

    same_as_fresh()
    same_as_fresh()
    reply = make_comment(post, owner, "The 1000 grit one.", parent=first)
    assert "The 1000 grit one." in same_as_fresh()
    edit_comment(actor=member, comment=first, body="Which whetstone?")
    assert "Which whetstone?" in same_as_fresh()
    like_comment(actor=owner, comment=first)
    like_post(actor=member, post=post)
    same_as_fresh()
    edit_post(actor=owner, post=Post.objects.get(pk=post.pk), data={"body": "Knife skills, part 2"})
    assert "part 2" in same_as_fresh()
    update_profile(actor=member, user=member, changes={"display_name": "Mira K."})
    assert "Mira K." in same_as_fresh()
    update_profile(actor=owner, user=owner, changes={"display_name": "Olga P."})
    assert "Olga P." in same_as_fresh()
    update_community(actor=owner, community=community, changes={"name": "Cooks"})
    assert "Cooks" in same_as_fresh()
    delete_comment(actor=owner, comment=reply)
    assert "The 1000 grit one." not in same_as_fresh()
    second = make_comment(post, member, "Thanks!")
    assert "Thanks!" in same_as_fresh()
    delete_comment(actor=member, comment=second)
    assert "Thanks!" not in same_as_fresh()


def test_a_long_thread_keeps_its_first_page_and_its_next_link(cooks, settings):
    _community, owner, member, post, _first = cooks
    settings.COMMUNA = {**settings.COMMUNA, "PAGE_SIZE": 3}
    path = f"/p/{post.pk}/"
    for index in range(3):
        make_comment(post, member if index % 2 else owner, f"Comment {index}")
    kept = without_tokens(page_text(Client(), path))
    again = without_tokens(page_text(Client(), path))
    assert kept == again == fresh_page(settings, path)
    assert 'rel="next"' in kept
    assert "Comment 2" not in kept  # on the next page


@pytest.mark.parametrize(
    "how", ["signed in", "member", "query string", "repost", "poll", "cache off"]
)
def test_who_never_gets_a_kept_post_page(cooks, rendered, settings, how):
    community, owner, member, post, _first = cooks
    client, path = Client(), f"/p/{post.pk}/"
    if how == "signed in":
        client = client_of(person())
    elif how == "member":
        client = client_of(member)
    elif how == "query string":
        path += "?utm_source=newsletter"
    elif how == "repost":
        other = make_community(owner, slug="bakers")
        shared = share_post(
            actor=owner,
            post=make_post(other, body="Elsewhere", author=owner),
            to_community=community,
        )
        path = f"/p/{shared.pk}/"
    elif how == "poll":
        make_poll(community, post_id=post.pk)
    elif how == "cache off":
        settings.COMMUNA = {**settings.COMMUNA, "CARD_CACHE_SECONDS": 0}
    for _ in range(2):
        client.get(path)
    assert rendered == [None, None]


def test_the_kept_page_names_every_template_it_is_rendered_from(cooks, settings):
    """A deploy that changes one of them must give the kept page another key."""
    _community, owner, _member, post, first = cooks
    make_comment(post, owner, "A reply", parent=first)
    settings.COMMUNA = {**settings.COMMUNA, "CARD_CACHE_SECONDS": 0}
    response = Client().get(f"/p/{post.pk}/")
    used = {template.name for template in response.templates}
    assert used <= set(POST_PAGE_TEMPLATES)
    assert {"walls/post.html", "walls/_comment.html"} <= used
