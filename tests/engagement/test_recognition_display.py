"""R6.3, ADR 0021: a member's titles and badges beside their name wherever it appears (wall
bylines, comments, discussions, the members list), never stale in the cached cards, and the
pages' query counts unchanged."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings

from communa.engagement.actions.recognition import award_badge, revoke_badge
from tests.engagement.recognition_kit import community_in, computed, post_by
from tests.factories import add_member, owner_of, person
from tests.support import client_of
from tests.walls.support import make_comment, make_post, queries_of, topic_in

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _cards_cached(settings):
    settings.COMMUNA = {**django_settings.COMMUNA, "CARD_CACHE_SECONDS": 3600}


def badges_beside(html: str, name: str) -> list[str]:
    """The badge labels shown right after this name."""
    found = re.search(
        re.escape(name) + r'(?:</a>|</strong>)?<span class="member-badges">(.*?)</span></span>',
        html,
        re.S,
    )
    if found is None:
        return []
    return re.findall(
        r'<span class="badge member-badge[^"]*"[^>]*>([^<]+)', found.group(1) + "</span>"
    )


def given(community, user, label):
    return award_badge(
        actor=owner_of(community), community=community, user=user, label=label, reason="Thanks"
    )


def test_a_badge_shows_beside_the_author_on_the_wall_and_goes_when_taken_back():
    # given Ann's post read once by a visitor (the card and the page are cached)
    community = community_in(slug="cooks")
    ann = add_member(community, person("ann", display_name="Ann Lee"))
    make_post(community, author=ann, body="Hello")
    visitor = client_of()
    assert badges_beside(visitor.get("/c/cooks/wall/").content.decode(), "Ann Lee") == []

    # when she gets a badge, the same reader sees it at once
    badge = given(community, ann, "Helper")
    assert badges_beside(visitor.get("/c/cooks/wall/").content.decode(), "Ann Lee") == ["Helper"]
    member = client_of(add_member(community))
    assert badges_beside(member.get("/c/cooks/wall/", **HTMX).content.decode(), "Ann Lee") == [
        "Helper"
    ]

    # and when the team takes it back, it is gone from the cached wall
    revoke_badge(actor=owner_of(community), badge=badge)
    assert badges_beside(visitor.get("/c/cooks/wall/").content.decode(), "Ann Lee") == []
    assert badges_beside(member.get("/c/cooks/wall/", **HTMX).content.decode(), "Ann Lee") == []


def test_the_member_of_the_month_title_shows_beside_their_name():
    community = community_in(slug="cooks")
    ann = add_member(community, person("ann", display_name="Ann Lee"))
    post_by(community, ann)
    computed(community)

    html = client_of().get("/c/cooks/wall/").content.decode()

    assert badges_beside(html, "Ann Lee") == ["Member of the month"]


def test_a_badge_shows_beside_a_commenter_and_is_not_stale():
    community = community_in(slug="cooks")
    ann = add_member(community, person("ann", display_name="Ann Lee"))
    post = make_post(community, body="Hello")
    make_comment(post, ann, "First!")
    reader = client_of(add_member(community))
    url = f"/p/{post.pk}/"
    assert badges_beside(reader.get(url).content.decode(), "Ann Lee") == []

    given(community, ann, "Helper")

    assert badges_beside(reader.get(url).content.decode(), "Ann Lee") == ["Helper"]


def test_badges_show_in_discussions_and_the_members_list():
    community = community_in(slug="cooks")
    ann = add_member(community, person("ann", display_name="Ann Lee"))
    topic = topic_in(community, author=ann, title="Knives?")
    given(community, ann, "Helper")
    reader = client_of(add_member(community))

    assert badges_beside(reader.get(f"/t/{topic.pk}/").content.decode(), "Ann Lee") == ["Helper"]
    assert badges_beside(reader.get("/c/cooks/members/").content.decode(), "Ann Lee") == ["Helper"]


def test_a_badge_of_another_community_is_not_shown():
    here, there = community_in(slug="cooks"), community_in(slug="bakers")
    ann = add_member(here, person("ann", display_name="Ann Lee"))
    add_member(there, ann)
    given(there, ann, "Baker")
    make_post(here, author=ann, body="Hello")

    assert badges_beside(client_of().get("/c/cooks/wall/").content.decode(), "Ann Lee") == []


def test_badges_cost_a_read_wall_no_query():
    # given two walls alike but for the badges of their authors, each read once
    with_badges, without = community_in(slug="cooks"), community_in(slug="plain")
    reader = person("reader")
    for community in (with_badges, without):
        add_member(community, reader)
        for index in range(3):
            author = add_member(community)
            make_post(community, author=author, body=f"Post {index}")
            if community == with_badges:
                given(community, author, "Helper")
    visitor, member = client_of(), client_of(reader)

    def cost(client, url, **extra):
        client.get(url, **extra)
        return queries_of(lambda: client.get(url, **extra))

    # then reading them again costs the same
    assert cost(visitor, "/c/cooks/wall/", **HTMX) == cost(visitor, "/c/plain/wall/", **HTMX)
    assert cost(member, "/c/cooks/wall/", **HTMX) == cost(member, "/c/plain/wall/", **HTMX)


def test_a_title_computed_after_the_wall_was_kept_shows_at_once(settings):
    settings.COMMUNA = {**settings.COMMUNA, "IMPRESSIONS_MODE": "buffered"}
    # given a visitor's wall kept whole, and a member's cards kept
    community = community_in(slug="cooks")
    ann = add_member(community, person("ann", display_name="Ann Lee"))
    post_by(community, ann)
    visitor, member = client_of(), client_of(add_member(community))
    for client in (visitor, member):
        for _ in range(2):
            assert (
                badges_beside(client.get("/c/cooks/wall/", **HTMX).content.decode(), "Ann Lee")
                == []
            )

    # when the month is computed (the worker's runner or the team)
    computed(community)

    # then the kept pages show her title
    for client in (visitor, member):
        html = client.get("/c/cooks/wall/", **HTMX).content.decode()
        assert badges_beside(html, "Ann Lee") == ["Member of the month"]
