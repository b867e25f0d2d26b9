"""What other apps show under a post (ADR 0020): walls asks the kernel's `PostWidgets` socket
only about the posts marked `has_widgets`, so a page without any costs no query for them, and
the mark goes with a renewed content version so no kept page misses or keeps a widget."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.http import HttpRequest

from communa.core import hooks
from communa.core.widgets import PostWidgets
from communa.walls.actions.posts import edit_post
from communa.walls.actions.refresh import mark_post_widgets
from communa.walls.models import Post
from tests.factories import add_member, make_community, person
from tests.support import client_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


class Spy(PostWidgets):
    """Answers "Gadget" under every post it is asked about, and remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[list[int]] = []

    def below_posts(self, request: HttpRequest, posts: Sequence[Any]) -> dict[int, str]:
        self.asked.append([post.pk for post in posts])
        return {post.pk: f"<p>Gadget {post.pk}</p>" for post in posts}


@pytest.fixture
def spy(monkeypatch, settings):
    settings.COMMUNA = {**django_settings.COMMUNA, "IMPRESSIONS_MODE": "buffered"}
    found = Spy()
    monkeypatch.setitem(hooks._plugged, PostWidgets, found)
    return found


@pytest.fixture
def community():
    return make_community(person("olga"), slug="cooks")


def marked(post: Post) -> bool:
    return Post.objects.values_list("has_widgets", flat=True).get(pk=post.pk)


def test_a_page_without_marked_posts_does_not_ask_the_socket(spy, community):
    make_post(community, body="Plain")
    member = client_of(add_member(community))

    member.get("/c/cooks/wall/", **HTMX)
    member.get("/feed/")
    client_of().get("/c/cooks/wall/", **HTMX)

    assert spy.asked == []


def test_only_the_marked_posts_are_asked_about_and_show_the_answer(spy, community):
    plain = make_post(community, body="Plain")
    with_gadget = make_post(community, body="With a gadget")
    mark_post_widgets(post_id=with_gadget.pk, present=True)

    html = client_of(add_member(community)).get("/c/cooks/wall/", **HTMX).content.decode()

    assert spy.asked == [[with_gadget.pk]]
    assert f"Gadget {with_gadget.pk}" in html
    assert f"Gadget {plain.pk}" not in html


def test_marking_renews_a_visitors_kept_wall_both_ways(spy, community):
    # given a visitor's wall kept whole
    post = make_post(community, body="Knife week")
    visitor = client_of()
    first = visitor.get("/c/cooks/wall/", **HTMX).content
    assert visitor.get("/c/cooks/wall/", **HTMX).content == first
    # when the post is marked, the kept wall is made again with the answer
    mark_post_widgets(post_id=post.pk, present=True)
    assert f"Gadget {post.pk}".encode() in visitor.get("/c/cooks/wall/", **HTMX).content
    # and when the mark is taken away, the answer goes at once
    mark_post_widgets(post_id=post.pk, present=False)
    assert f"Gadget {post.pk}".encode() not in visitor.get("/c/cooks/wall/", **HTMX).content


def test_marking_raises_the_content_version(community):
    post = make_post(community, body="Knife week")
    before = Post.objects.values_list("content_version", flat=True).get(pk=post.pk)

    mark_post_widgets(post_id=post.pk, present=True)

    after = Post.objects.values_list("content_version", flat=True).get(pk=post.pk)
    assert after > before
    assert marked(post)


def test_saving_a_copy_read_before_the_mark_keeps_the_mark(community):
    # given the author's copy of the post, read before another app marked it
    owner = community.created_by
    post = make_post(community, body="Knife week", author=owner)
    stale = Post.objects.get(pk=post.pk)
    mark_post_widgets(post_id=post.pk, present=True)

    # when a whole-row save of that copy goes through (an edit, the admin)
    stale.title = "Knife week, day one"
    stale.save()
    edit_post(actor=owner, post=Post.objects.get(pk=post.pk), data={"body": "Edited"})

    # then the mark stays as the database had it
    assert marked(post)
    assert Post.objects.get(pk=post.pk).title == "Knife week, day one"
