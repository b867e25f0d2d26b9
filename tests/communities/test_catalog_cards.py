"""The search and catalog cards are rendered once and kept (core.fragments): a kept card is
never stale, because its key names everything it shows, and is never another language's."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from communa.communities.models import Community
from tests.factories import make_community

pytestmark = pytest.mark.django_db


def featured(community: Community) -> None:
    Community.objects.filter(pk=community.pk).update(featured=True)


def search(text: str, client: Client | None = None) -> str:
    response = (client or Client()).get("/communities/", {"q": text})
    assert response.status_code == 200
    return response.content.decode()


def test_a_changed_community_shows_its_new_card():
    community = make_community(name="Sourdough Circle", slug="sourdough", description="Bread")
    assert "Sourdough Circle" in search("sourdough")
    assert "Sourdough Circle" in search("sourdough")  # from the cache
    Community.objects.filter(pk=community.pk).update(
        name="Sourdough Society", member_count=1234, description="Bread and more"
    )
    page = search("sourdough")
    assert "Sourdough Society" in page
    assert "Sourdough Circle" not in page
    assert "1234" in page or "1,234" in page or "1 234" in page


def test_the_catalog_and_the_search_keep_their_own_links():
    featured(make_community(name="Knife Skills", slug="knives"))
    page = search("knife")
    assert "/c/knives/?src=search" in page
    assert "/c/knives/?src=catalog" in page


def test_a_card_is_kept_in_each_language():
    featured(make_community(name="Knife Skills", slug="knives"))
    english = search("knife")
    russian_client = Client()
    russian_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    russian = search("knife", russian_client)
    assert english != russian
    assert "member" in english
    assert "member" not in russian.split("Knife Skills", 1)[1].split("</article>", 1)[0]


def test_with_the_cache_switched_off_cards_are_rendered_each_time(settings):
    settings.COMMUNA = {**settings.COMMUNA, "CARD_CACHE_SECONDS": 0}
    community = make_community(name="Knife Skills", slug="knives")
    assert "Knife Skills" in search("knife")
    Community.objects.filter(pk=community.pk).update(name="Knife Skills Club")
    assert "Knife Skills Club" in search("knife")


def test_cards_read_narrow_show_what_the_whole_rows_show(settings):
    """The search page and its catalog read only the columns a card shows
    (`selectors.CARD_COLUMNS`): each card is the card of the whole row, and no card asks for a
    column left out (the page's queries do not grow with its cards)."""
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    settings.COMMUNA = {**settings.COMMUNA, "CARD_CACHE_SECONDS": 0}
    made = [
        make_community(name=f"Knife Skills {n}", slug=f"knives-{n}", description="Sharp " * n)
        for n in range(1, 4)
    ]
    Community.objects.filter(pk=made[0].pk).update(verified=True, avatar="avatars/k.png")
    featured(made[1])
    with CaptureQueriesContext(connection) as few:
        search("knife skills 1")
    with CaptureQueriesContext(connection) as many:
        page = search("knife")
    assert len(many) == len(few)
    statements = " ".join(query["sql"] for query in many.captured_queries)
    assert '"search_name"' in statements  # the search's own statement is there
    assert '"contacts"' not in statements  # a column no card shows is not read
    for community in Community.objects.filter(pk__in=[c.pk for c in made]):
        for src in ("search", "catalog"):
            card = render_to_string("communities/_card.html", {"community": community, "src": src})
            if src == "search" or community.featured:
                assert card in page
    assert "avatars/k.png" in page
    assert 'class="verified"' in page
