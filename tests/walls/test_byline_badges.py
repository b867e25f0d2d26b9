"""Badges beside names on walls (ADR 0021) with the kernel's `MemberBadges` socket stubbed: the
cached cards and threads name the community's `badges_version`, so a warm page never asks for
badges, a page of a community where none was given never asks, and a raised version shows the
new badges at once."""

from __future__ import annotations

from collections.abc import Collection

import pytest
from django.conf import settings as django_settings

from communa.communities.actions import refresh_member_badges
from communa.core import hooks
from communa.core.badges import MemberBadges, Pair, ShownBadge
from tests.factories import add_member, make_community, person
from tests.support import client_of
from tests.walls.support import make_comment, make_post

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


class Stub(MemberBadges):
    """Gives `label` to everyone asked about; remembers each question."""

    def __init__(self) -> None:
        self.label = "Helper"
        self.asked: list[set[Pair]] = []

    def badges_of(self, pairs: Collection[Pair]) -> dict[Pair, tuple[ShownBadge, ...]]:
        self.asked.append(set(pairs))
        return {pair: (ShownBadge(label=self.label),) for pair in pairs}


@pytest.fixture
def stub(monkeypatch, settings):
    settings.COMMUNA = {
        **django_settings.COMMUNA,
        "IMPRESSIONS_MODE": "buffered",
        "CARD_CACHE_SECONDS": 3600,
    }
    found = Stub()
    monkeypatch.setitem(hooks._plugged, MemberBadges, found)
    return found


@pytest.fixture
def community():
    return make_community(person("olga", display_name="Olga"), slug="cooks")


def test_a_community_where_no_badge_was_given_is_never_asked_about(stub, community):
    post = make_post(community, body="Hello")
    make_comment(post, add_member(community), "First!")
    member = client_of(add_member(community))

    for url in ("/c/cooks/wall/", "/feed/", f"/p/{post.pk}/", "/c/cooks/members/"):
        assert member.get(url, **HTMX).status_code == 200
    client_of().get("/c/cooks/wall/", **HTMX)

    assert stub.asked == []


def test_badges_are_read_only_for_the_cards_that_are_rendered(stub, community):
    # given a community where a badge was given once
    make_post(community, body="Hello")
    refresh_member_badges(community_id=community.pk)
    member = client_of(add_member(community))

    # when a member reads the wall twice
    first = member.get("/c/cooks/wall/", **HTMX).content.decode()
    asked_first = len(stub.asked)
    member.get("/c/cooks/wall/", **HTMX)

    # then the first reading asked once, for the page, and the second (cards kept) not at all
    assert asked_first == 1
    assert len(stub.asked) == 1
    assert "Helper" in first


def test_a_raised_version_shows_the_new_badges_in_kept_cards_threads_and_walls(stub, community):
    # given pages read once with the "Helper" badge (cards, threads and a visitor's wall kept)
    refresh_member_badges(community_id=community.pk)
    post = make_post(community, body="Hello")
    make_comment(post, add_member(community), "First!")
    member, visitor = client_of(add_member(community)), client_of()
    urls = [(member, "/c/cooks/wall/"), (member, f"/p/{post.pk}/"), (visitor, "/c/cooks/wall/")]
    for client, url in urls:
        assert "Helper" in client.get(url, **HTMX).content.decode()

    # when the badges change and the app that gives them says so
    stub.label = "Mentor"
    refresh_member_badges(community_id=community.pk)

    # then every page shows the new badge at once
    for client, url in urls:
        html = client.get(url, **HTMX).content.decode()
        assert "Mentor" in html
        assert "Helper" not in html


def test_without_the_raised_version_the_kept_cards_are_reused(stub, community):
    # (the reason the app that gives badges must raise it: the key names the version only)
    refresh_member_badges(community_id=community.pk)
    make_post(community, body="Hello")
    member = client_of(add_member(community))
    assert "Helper" in member.get("/c/cooks/wall/", **HTMX).content.decode()

    stub.label = "Mentor"

    assert "Helper" in member.get("/c/cooks/wall/", **HTMX).content.decode()
