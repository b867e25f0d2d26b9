"""The page frame kept per process (`{% remembered %}`): each reader still gets their own."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from communa.accounts.models import User
from communa.core import kept as kept_in_process
from tests.factories import person
from tests.support import client_of

pytestmark = pytest.mark.django_db


def topbar(html: str) -> str:
    return html[html.index('<header class="topbar">') : html.index("</header>")]


def without_tokens(html: str) -> str:
    """The page with its CSRF tokens blanked (Django masks the token anew for each response)."""
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "TOKEN", html)


def tokens_in(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_the_kept_frame_is_the_frame_rendered_afresh():
    # given a member's page rendered once, so that its frame is kept
    member = person("mira")
    client = client_of(member)
    first = client.get("/communities/").content.decode()

    # when it is rendered from what is kept, and again after forgetting it
    kept = client.get("/communities/").content.decode()
    kept_in_process.forget_all()
    fresh = client.get("/communities/").content.decode()

    # then the three pages are the same, but for the token each response masks anew
    assert without_tokens(first) == without_tokens(kept) == without_tokens(fresh)
    assert len(tokens_in(kept)) == 1
    assert 'action="/accounts/logout/"' in kept


def test_a_reader_never_gets_another_readers_counts_links_or_path():
    # given a staff member with unread notifications who has seen the page
    staff = person("stan", is_staff=True)
    User.objects.filter(pk=staff.pk).update(unread_notifications=3)
    staff_page = client_of(User.objects.get(pk=staff.pk)).get("/communities/").content.decode()
    assert "/admin/" in topbar(staff_page)
    assert '<span class="waiting-badge">3' in topbar(staff_page)

    # when another member, a visitor, and the staff member on another page read theirs
    other = client_of(person("olga")).get("/communities/").content.decode()
    visitor = Client().get("/communities/").content.decode()
    elsewhere = client_of(User.objects.get(pk=staff.pk)).get("/feed/").content.decode()

    # then each shows its own reader's menu and its own page's address
    assert "/admin/" not in topbar(other)
    assert "waiting-badge" not in topbar(other)
    assert 'action="/accounts/logout/"' in topbar(other)
    assert 'action="/accounts/logout/"' not in topbar(visitor)
    assert 'href="/accounts/login/"' in topbar(visitor)
    assert 'name="next" value="/feed/"' in topbar(elsewhere)
    assert 'name="next" value="/communities/"' not in topbar(elsewhere)


def test_each_reader_gets_their_own_csrf_token_and_can_log_out():
    # given two members who read the same page, the second from the kept frame
    first, second = client_of(person("ann")), client_of(person("ben"))
    first_page = first.get("/communities/").content.decode()
    second_page = second.get("/communities/").content.decode()

    # then each page carries its reader's own token, and it works for that reader
    first_tokens, second_tokens = tokens_in(first_page), tokens_in(second_page)
    assert len(first_tokens) == 1
    assert len(second_tokens) == 1
    assert first_tokens != second_tokens
    second.handler.enforce_csrf_checks = True
    [token] = second_tokens
    response = second.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_the_frame_follows_the_readers_language():
    # given the frame kept in English
    client = Client()
    client.get("/communities/")

    # when a reader switches to Russian
    client.post("/language/", {"language": "ru", "next": "/communities/"})
    html = client.get("/communities/").content.decode()

    # then the menu is in Russian
    with translation.override("ru"):
        communities = translation.gettext("Communities")
    assert communities != "Communities"
    assert communities in topbar(html)


def test_a_block_without_a_request_token_renders_as_django_renders_it():
    template = Template(
        "{% load remembered %}{% remembered %}[{% csrf_token %}]{% endremembered %}"
    )
    with_token = template.render(Context({"csrf_token": "abc"}))
    without = template.render(Context({}))
    assert with_token == '[<input type="hidden" name="csrfmiddlewaretoken" value="abc">]'
    assert without == "[]"
