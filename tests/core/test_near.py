"""Pages held in this process in front of the shared cache (core.near): the last ones taken or
kept, as many as COMMUNA_KEPT_IN_PROCESS says; a member's feed page is never held."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from communa.core import near
from communa.walls import selectors
from communa.walls.actions.posts import create_post, edit_post
from tests.factories import add_member, make_community, person
from tests.support import calls_of, client_of

pytestmark = pytest.mark.django_db


def limit(settings, count: int) -> None:
    settings.COMMUNA = {**settings.COMMUNA, "KEPT_IN_PROCESS": count}


def test_a_page_taken_from_the_shared_cache_is_held_here(settings):
    limit(settings, 2)
    cache.set("page:a", "A")
    assert near.get("page:a") == "A"
    cache.clear()  # another process's deploy, an expiry: this process still holds it
    assert near.get("page:a") == "A"
    assert near.get("page:missing") is None


def test_the_least_recently_used_page_goes_first(settings):
    limit(settings, 2)
    near.keep("page:a", "A", 60)
    near.keep("page:b", "B", 60)
    assert near.get("page:a") == "A"  # a used again: b is now the oldest
    near.keep("page:c", "C", 60)
    cache.clear()
    assert near.get("page:a") == "A"
    assert near.get("page:c") == "C"
    assert near.get("page:b") is None


def test_none_held_when_switched_off(settings):
    limit(settings, 0)
    near.keep("page:a", "A", 60)
    assert cache.get("page:a") == "A"  # kept in the shared cache all the same
    cache.clear()
    assert near.get("page:a") is None


@pytest.fixture
def cooks():
    owner = person(username="olga")
    community = make_community(owner, name="Learn to Cook", slug="cooks")
    posts = [
        create_post(actor=owner, community=community, data={"body": f"Post {index}"})
        for index in range(3)
    ]
    return community, posts, owner


def test_a_held_wall_page_is_never_stale(cooks, settings):
    settings.COMMUNA = {**django_settings.COMMUNA, "IMPRESSIONS_MODE": "buffered"}
    community, posts, owner = cooks
    reader = client_of(add_member(community))
    first = reader.get("/c/cooks/wall/", HTTP_HX_REQUEST="true").content.decode()
    assert "Post 1" in first
    assert len(near._HELD) == 1  # the reader's wall page is held here
    edit_post(actor=owner, post=posts[1], data={"body": "Post 1, edited"})
    again = reader.get("/c/cooks/wall/", HTTP_HX_REQUEST="true").content.decode()
    assert "Post 1, edited" in again


def test_a_members_feed_page_is_not_held(cooks, settings, monkeypatch):
    settings.COMMUNA = {**django_settings.COMMUNA, "IMPRESSIONS_MODE": "buffered"}
    community, _posts, _owner = cooks
    member = client_of(add_member(community))
    built = calls_of(monkeypatch, selectors, "feed_page")
    assert member.get("/feed/").status_code == 200
    assert member.get("/feed/").status_code == 200
    assert len(built) == 1  # kept in the shared cache
    assert not near._HELD
    cache.clear()
    assert member.get("/feed/").status_code == 200
    assert len(built) == 2
