"""A community's home kept whole for visitors (communities.views.home, core.fragments).

Every visitor gets the same home: it is kept under a key naming all it shows (the community's
row, its menu, what walls and engagement show on its cover, the address, the language), with a
placeholder for the CSRF token. These tests compare the kept page with the page rendered afresh
after each thing a writer can change, and check who never gets a kept page.
"""

from __future__ import annotations

import importlib

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import Client

from communa.communities.actions import join_community, save_wiki_page, update_community
from communa.communities.models import Community, Kind
from communa.walls.actions.posts import create_post, pin_post, unpin_post
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

pytestmark = pytest.mark.django_db

# The module (the package `communa.communities.views` names its `home` view `home`).
home_views = importlib.import_module("communa.communities.views.home")


@pytest.fixture
def cooks():
    owner = person(username="olga", display_name="Olga")
    community = make_community(owner, name="Learn to Cook", slug="cooks", description="Bread.")
    return community, owner


@pytest.fixture
def rendered(monkeypatch):
    return record_kept_renders(monkeypatch, home_views)


def test_visitors_share_one_kept_home_each_with_their_own_token(cooks, rendered):
    first, second = Client(), Client()
    page = page_text(first, "/c/cooks/")
    again = page_text(second, "/c/cooks/")
    assert len(rendered) == 1
    assert rendered[0]
    assert without_tokens(again) == without_tokens(page)
    assert "Learn to Cook" in again
    assert "csrf-token-placeholder" not in again
    tokens = {match[1] for match in TOKENS.findall(again)}
    assert len(tokens) == 1  # the body's htmx header and the language switcher's form
    # The token in the kept page is this visitor's: their form is accepted.
    second_token = tokens.pop()
    response = second.post(
        "/language/", {"language": "ru", "next": "/c/cooks/", "csrfmiddlewaretoken": second_token}
    )
    assert response.status_code == 302
    first_token = TOKENS.findall(page)[0][1]
    assert first_token != second_token


def test_a_kept_home_is_the_fresh_page_after_every_change_a_writer_makes(cooks, rendered, settings):
    community, owner = cooks
    visitor = Client()

    def same_as_fresh() -> str:
        kept = without_tokens(page_text(visitor, "/c/cooks/"))
        assert kept == fresh_page(settings, "/c/cooks/")
        return kept

    before = same_as_fresh()
    same_as_fresh()
    update_community(actor=owner, community=community, changes={"description": "Bread and pastry."})
    assert "Bread and pastry." in same_as_fresh()
    save_wiki_page(
        actor=owner, community=community, slug="rules", title="House rules", body="Be kind."
    )
    assert "House rules" in same_as_fresh()
    save_wiki_page(
        actor=owner, community=community, slug="rules", title="Our rules", body="Be kind."
    )
    assert "Our rules" in same_as_fresh()
    post = create_post(actor=owner, community=community, data={"title": "Start here", "body": "Hi"})
    pin_post(actor=owner, post=post)
    assert "Start here" in same_as_fresh()
    unpin_post(actor=owner, post=post)
    assert "Start here" not in same_as_fresh()
    make_poll(community)
    assert 'href="/c/cooks/polls/"' in same_as_fresh()
    join_community(actor=person(), community=Community.objects.get(pk=community.pk))
    assert "2 members" in same_as_fresh()
    assert same_as_fresh() != before
    # Each change named a new key, rendered once (the fresh pages have none); unpinning gave
    # back the page as it was before the pin, kept under that page's key.
    kept = [key for key in rendered if key]
    assert len(kept) == 7 == len(set(kept))


def test_each_language_and_address_has_its_own_kept_home(cooks, settings):
    visitor = Client()
    english = page_text(visitor, "/c/cooks/")
    visitor.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ru"
    russian = page_text(visitor, "/c/cooks/")
    assert russian != english
    assert 'lang="ru"' in russian
    assert without_tokens(russian) == without_tokens(
        page_text(Client(HTTP_ACCEPT_LANGUAGE="ru"), "/c/cooks/")
    )


@pytest.mark.parametrize(
    "how",
    ["signed in", "member", "query string", "message waiting", "event", "cache off"],
)
def test_who_never_gets_a_kept_home(cooks, rendered, settings, how):
    community, _owner = cooks
    client, path = Client(), "/c/cooks/"
    if how == "signed in":
        client = client_of(person())
    elif how == "member":
        client = client_of(add_member(community))
    elif how == "query string":
        path = "/c/cooks/?src=widget"
    elif how == "event":
        community.kind = Kind.EVENT
        community.save(update_fields=["kind"])
    elif how == "cache off":
        settings.COMMUNA = {**settings.COMMUNA, "CARD_CACHE_SECONDS": 0}
    if how == "message waiting":
        page_text(client, "/c/cooks/")  # kept for visitors
        carrier = HttpResponse()
        storage = CookieStorage(client.get("/").wsgi_request)
        storage.add(constants.INFO, "You have been logged out.")
        storage.update(carrier)
        client.cookies.update(carrier.cookies)
        assert "You have been logged out." in page_text(client, "/c/cooks/")
        assert len(rendered) == 2
        return
    page_text(client, path)
    page_text(client, path)
    assert len(rendered) == 2


def test_the_kept_home_names_every_template_it_is_rendered_from(cooks):
    """A deploy that changes one of them must give the kept page another key."""
    community, owner = cooks
    post = create_post(actor=owner, community=community, data={"title": "Start here", "body": "Hi"})
    pin_post(actor=owner, post=post)
    make_poll(community)
    save_wiki_page(actor=owner, community=community, slug="rules", title="Rules", body="Be kind.")
    response = Client().get("/c/cooks/")
    used = {template.name for template in response.templates}
    assert used <= set(home_views.HOME_TEMPLATES)
    assert "communities/home.html" in used
    assert "engagement/_nav.html" in used


def test_each_host_has_its_own_kept_home(cooks, rendered, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    page_text(Client(HTTP_HOST="one.example"), "/c/cooks/")
    page_text(Client(HTTP_HOST="one.example"), "/c/cooks/")
    page_text(Client(HTTP_HOST="two.example"), "/c/cooks/")
    kept = [key for key in rendered if key]
    assert len(kept) == 2
    assert kept[0] != kept[1]
