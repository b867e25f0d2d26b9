"""What the pages people wait on cost in queries: fixed numbers, named query by query.

A change that adds a query to one of these pages fails here and has to say why. Impressions are
recorded in buffered mode with the database buffer (one INSERT), as `communa serve` does without
Redis; the cards are cached (the second reading of a page finds them).
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from communa.walls.actions.interactions import like_post
from communa.walls.actions.posts import share_post
from communa.walls.models import Post, PostStatus
from tests.factories import add_member, make_community, person
from tests.support import client_of
from tests.walls.support import make_comment, make_post, png_file, queries_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _buffered(settings):
    settings.COMMUNA = {**django_settings.COMMUNA, "IMPRESSIONS_MODE": "buffered"}


@pytest.fixture
def plain_wall():
    """A community with six liked posts with images, no repost; its owner and a member."""
    owner = person(username="olga")
    community = make_community(owner, slug="cooks")
    member = add_member(community)
    for index in range(6):
        post = make_post(community, body=f"Post {index}", images=[png_file()], author=owner)
        like_post(actor=member, post=post)
    return community, owner, member, post


@pytest.fixture
def wall(plain_wall):
    """The same with a pinned post, a repost and a comment."""
    community, owner, member, post = plain_wall
    pinned = make_post(community, body="Read me first", author=owner)
    pinned.pinned = True
    pinned.save()
    other = make_community(owner, slug="bakers")
    share_post(
        actor=owner, post=make_post(other, body="Elsewhere", author=owner), to_community=community
    )
    make_comment(post, member, "A comment")
    return community, member


def cost(client, url: str, **extra) -> int:
    client.get(url, **extra)  # the first reading fills the card cache
    return queries_of(lambda: client.get(url, **extra))


def test_a_visitor_reads_a_wall_with_a_repost_in_6_queries(wall):
    # the community; the rows of the page and of the pinned post as plain values, in one
    # statement (a page with a repost is not reused whole); the page of posts; the pinned post; the repost's original;
    # the impressions go to the buffer in one INSERT. Not read: images, documents, rubrics,
    # suggesters; what shows under the posts (no post is marked `has_widgets`, ADR 0020); the
    # authors' badges (the cards are in the cache, under the community's `badges_version`,
    # ADR 0021).
    assert cost(client_of(), "/c/cooks/wall/", **HTMX) == 6


def test_a_visitor_reads_a_wall_without_reposts_in_3_queries(plain_wall):
    # the community (its row names the badges beside the authors' names by `badges_version`);
    # the rows of the page and of the pinned post as plain values, in one statement, which name
    # the whole fragment in the cache; the impressions (one INSERT)
    assert cost(client_of(), "/c/cooks/wall/", **HTMX) == 3
    # the API's answer names no badges: it does not read them
    assert cost(client_of(), "/api/communities/cooks/wall") == 3


def test_a_member_reads_a_wall_in_a_fixed_number_of_queries(wall):
    _community, member = wall
    # the session and the user; the member's standing with the community (one statement); the
    # rows of the page as plain values (a page with a repost is not kept whole); the page; the
    # pinned post; the repost's original; my held posts; the impressions (one INSERT). No poll,
    # no badge is read: no post is marked, the cards are in the cache.
    assert cost(client_of(member), "/c/cooks/wall/", **HTMX) == 9


def test_a_member_reads_the_feed_in_a_fixed_number_of_queries(wall):
    _community, member = wall
    # the session and the user; my communities, with my team's among them (for labels); the
    # rows as plain values (a page with a repost is not kept whole); the page (with "liked by
    # me"); the repost's original; the impressions (one INSERT). No poll, no badge is read: no
    # post is marked, the cards are in the cache.
    assert cost(client_of(member), "/feed/") == 7


def test_a_member_reads_a_feed_without_reposts_in_5_queries(plain_wall):
    _community, _owner, member, _post = plain_wall
    # the session and the user; my communities, with my team's among them; the rows as plain
    # values, which name the page every member who gets these posts gets, kept whole, with
    # which of them I like; the impressions (one INSERT)
    assert cost(client_of(member), "/feed/") == 5
    # the API's answer, kept the same way
    assert cost(client_of(member), "/api/feed") == 5


def test_the_api_feed_and_wall_cost_fixed_numbers_of_queries(wall):
    _community, member = wall
    client = client_of(member)
    # the session and the user; my communities with my team's among them; the rows as plain
    # values (a page with a repost is not kept whole); the page; the original; the impressions
    assert cost(client, "/api/feed") == 7
    # the session and the user; my standing with the community (one statement); the rows as
    # plain values (a page with a repost is not kept whole); the page; the pinned post; the
    # original; the impressions
    assert cost(client, "/api/communities/cooks/wall") == 8
    # the community; the rows as plain values, in one statement (a page with a repost is not
    # reused whole); the page; the pinned post; the original; the impressions
    assert cost(client_of(), "/api/communities/cooks/wall") == 6


def test_a_visitor_reads_a_post_page_with_its_comments_in_4_queries(plain_wall):
    _community, _owner, member, post = plain_wall
    make_comment(post, member, "A comment")
    # the post with its author and community; the page of comments; their replies; the
    # impression (one INSERT). Not read: the post's images, document and rubric (its card is in
    # the cache) nor the comments' badges (the thread is in the cache).
    assert cost(client_of(), f"/p/{post.pk}/") == 4


def test_a_member_reads_a_wall_without_reposts_in_a_fixed_number_of_queries(plain_wall):
    _community, _owner, member, _post = plain_wall
    client = client_of(member)
    # the session and the user; the member's standing with the community (one statement); the
    # rows of the page and of the pinned post as plain values, which name the posts every reader
    # outside the team gets, kept whole, with which of them the member likes and whether they
    # have a held post here, in the same statement; the impressions
    assert cost(client, "/c/cooks/wall/", **HTMX) == 5
    # the same: the kept answer, the member's likes read with its rows
    assert cost(client, "/api/communities/cooks/wall") == 5
    # a member with a held post here reads it, and why it is held (the moderation case)
    held = make_post(_community, body="Held", author=member)
    Post.objects.filter(pk=held.pk).update(status=PostStatus.HELD)
    assert cost(client, "/c/cooks/wall/", **HTMX) == 7
