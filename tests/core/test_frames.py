"""A page's frame kept in this process around its content (core.frames.render_framed).

Each framed template is rendered for readers who differ in all the frame shows of them (staff or
not, unread notifications or none, the language, the address) and compared with the page
rendered in full; the frame is rendered once for each set of those values; a waiting message,
a value that is not plain, text not marked safe and an empty content are rendered in full.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.test.signals import template_rendered
from django.utils.safestring import mark_safe

from communa.accounts.models import User
from communa.core import frames
from communa.core.frames import render_framed
from communa.walls.actions.posts import create_post
from communa.walls.models import Like
from tests.factories import add_member, make_community, person
from tests.support import client_of

pytestmark = pytest.mark.django_db

POSTS = mark_safe('<div class="post">posts</div>')
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+|("X-CSRFToken": ")[^"]+')


def same_tokens(html: str) -> str:
    return TOKEN.sub(r"\1\2TOKEN", html)


@pytest.fixture(autouse=True)
def _buffered(settings):
    """Impressions buffered, as `communa serve` records them: reading a page changes no row."""
    settings.COMMUNA = {**settings.COMMUNA, "IMPRESSIONS_MODE": "buffered"}


@pytest.fixture
def renders():
    """The names of the templates rendered (Django's test signal), in order."""
    seen: list[str] = []

    def note(sender, template, context, **kwargs):
        seen.append(template.name)

    template_rendered.connect(note)
    yield seen
    template_rendered.disconnect(note)


@pytest.fixture
def readers():
    """Three members of a community with posts: one on the staff, one with unread
    notifications, one with neither."""
    owner = person(username="olga")
    cooks = make_community(owner, name="Learn to Cook", slug="cooks")
    for index in range(3):
        create_post(actor=owner, community=cooks, data={"body": f"Post {index}"})
    staff, plain, quiet = (person(username=name) for name in ("mira", "nika", "lena"))
    for reader in (staff, plain, quiet):
        add_member(cooks, reader)
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    User.objects.filter(pk=plain.pk).update(unread_notifications=3)
    staff.refresh_from_db()
    plain.refresh_from_db()
    return staff, plain, quiet


def page(client, path: str, **headers) -> str:
    response = client.get(path, **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_framed_feed_is_the_page_rendered_in_full_for_each_reader(readers, settings):
    staff, plain, quiet = readers
    asked = [
        (quiet, "/feed/", {}),
        (plain, "/feed/", {}),
        (staff, "/feed/", {}),
        (quiet, "/feed/", {"HTTP_ACCEPT_LANGUAGE": "ru"}),
        (quiet, "/feed/?from=menu", {}),
        (quiet, "/feed/", {}),
    ]
    framed = [page(client_of(user), path, **headers) for user, path, headers in asked]
    settings.COMMUNA = {**settings.COMMUNA, "CARD_CACHE_SECONDS": 0}  # nothing kept
    full = [page(client_of(user), path, **headers) for user, path, headers in asked]
    for kept, fresh in zip(framed, full, strict=True):
        assert same_tokens(kept) == same_tokens(fresh)
    # What the frame shows of each reader is their own.
    assert 'class="waiting-badge">3' in framed[1]
    assert "waiting-badge" not in framed[0] + framed[2]
    assert "/admin/" in framed[2]
    assert "/admin/" not in framed[0] + framed[1]
    assert '<html lang="ru">' in framed[3]
    assert '<html lang="en">' in framed[0]
    assert 'name="next" value="/feed/?from=menu"' in framed[4]
    # Each response carries one token of its own, in the frame's forms and the posts' alike.
    first, again = (
        {match.group(0).rsplit('"', 1)[1] for match in TOKEN.finditer(html)}
        for html in (framed[0], framed[5])
    )
    assert len(first) == 1
    assert len(again) == 1
    assert first != again


def test_the_frame_is_rendered_once_for_the_same_values_and_a_like_with_its_token_counts(
    readers, renders
):
    staff, plain, _quiet = readers
    client = client_of(plain)
    page(client, "/feed/")
    assert renders.count("walls/feed.html") == 1
    html = page(client, "/feed/")
    assert renders.count("walls/feed.html") == 1  # the kept frame
    page(client_of(staff), "/feed/")  # other values: a frame of its own
    assert renders.count("walls/feed.html") == 2
    # The token the kept frame was given is this reader's: a form posted with it is accepted.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(plain)
    checked.cookies["csrftoken"] = client.cookies["csrftoken"].value
    post_id = int(re.search(r'action="/p/(\d+)/like/"', html).group(1))
    refused = checked.post(f"/p/{post_id}/like/", {"csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403
    answer = checked.post(f"/p/{post_id}/like/", {"csrfmiddlewaretoken": token.group(1)})
    assert answer.status_code == 302
    assert Like.objects.filter(user=plain, post_id=post_id).exists()


def request_for(user):
    request = RequestFactory().get("/feed/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_waiting_message_is_shown_once_and_nothing_is_kept_with_it(readers):
    _staff, plain, _quiet = readers
    template = "walls/feed.html"
    request = request_for(plain)
    request._messages.add(constants.SUCCESS, "Welcome back, Nika.")
    response = render_framed(request, template, {"posts_html": POSTS}, slot="posts_html")
    html = response.content.decode()
    assert "Welcome back, Nika." in html
    assert '<div class="post">posts</div>' in html
    assert len(frames._FRAMES) == 0
    again = render_framed(request_for(plain), template, {"posts_html": POSTS}, slot="posts_html")
    assert "Welcome back" not in again.content.decode()
    assert len(frames._FRAMES) == 1


def test_pages_the_frame_cannot_name_are_rendered_in_full(readers, renders):
    _staff, plain, _quiet = readers
    template = "walls/feed.html"
    # Nothing to show: the page's other branch.
    empty = render_framed(request_for(plain), template, {"posts_html": ""}, slot="posts_html")
    assert "Find communities to join" in empty.content.decode()
    # A value that is not plain (its text could change without the key changing).
    odd = {"posts_html": POSTS, "more": object()}
    render_framed(request_for(plain), template, odd, slot="posts_html")
    # Text that is not marked safe: the template escapes it.
    text = render_framed(request_for(plain), template, {"posts_html": "<b>"}, slot="posts_html")
    assert "&lt;b&gt;" in text.content.decode()
    assert len(frames._FRAMES) == 0
    assert renders.count(template) == 3  # each rendered in full


def test_content_kept_as_bytes_is_framed_as_its_text_would_be(readers):
    _staff, plain, _quiet = readers
    template = "walls/feed.html"
    text = mark_safe('<div class="post">Дякую ♥ Cảm ơn</div>')
    as_text = render_framed(request_for(plain), template, {"posts_html": text}, slot="posts_html")
    as_bytes = render_framed(
        request_for(plain), template, {"posts_html": text.encode()}, slot="posts_html"
    )
    assert same_tokens(as_bytes.content.decode()) == same_tokens(as_text.content.decode())
    assert '<div class="post">Дякую ♥ Cảm ơn</div>' in as_bytes.content.decode()
    # With a message waiting the page is rendered in full, with the bytes' text in it.
    request = request_for(plain)
    request._messages.add(constants.SUCCESS, "Welcome back, Nika.")
    full = render_framed(request, template, {"posts_html": text.encode()}, slot="posts_html")
    assert "Welcome back, Nika." in full.content.decode()
    assert '<div class="post">Дякую ♥ Cảm ơn</div>' in full.content.decode()
