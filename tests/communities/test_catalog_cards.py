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
