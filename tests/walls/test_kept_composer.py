"""A member's wall whose composer is kept HTML makes no composer form (walls.views.walls:
the form is made lazily, when a template or a view first uses it)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from communa.communities.models import Community, Kind, WallMode
from communa.walls import forms
from tests.factories import add_member, make_community, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(monkeypatch):
    """How many composer forms were made (the real form, counted)."""
    count = []
    real = forms.PostForm.__init__

    def counted(self, *args, **kwargs):
        count.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(forms.PostForm, "__init__", counted)
    return count


def test_the_kept_composer_makes_no_form_and_the_first_one_does(made):
    owner = person("olga")
    community = make_community(owner, slug="cooks")
    member = add_member(community, person("mira"))
    client = Client()
    client.force_login(member)
    first = client.get("/c/cooks/wall/", headers={"HX-Request": "true"})
    assert first.status_code == 200
    assert len(made) == 1  # rendered once, then kept
    again = client.get("/c/cooks/wall/", headers={"HX-Request": "true"})
    assert len(made) == 1
    html = again.content.decode()
    assert 'name="body"' in html  # the kept composer is on the page
    # The team's composer (with the rubrics) is rendered in place: its form is made.
    team = Client()
    team.force_login(owner)
    assert team.get("/c/cooks/wall/", headers={"HX-Request": "true"}).status_code == 200
    assert len(made) == 2


TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+|("X-CSRFToken": ")[^"]+')


def test_the_wall_fragment_with_a_kept_composer_is_the_one_rendered_in_full(settings):
    """With its composer kept, the wall's fragment is rendered without the context processors
    (walls.views.walls._wall_response): it is the fragment rendered with them, for a member who
    posts, one who suggests and a visitor."""
    owner = person("olga")
    open_wall = make_community(owner, slug="cooks")
    # A public page whose wall only its team posts on: its members suggest.
    make_community(owner, slug="bakers", kind=Kind.PUBLIC_PAGE, wall_mode=WallMode.CLOSED)
    suggest_only = Community.objects.get(slug="bakers")
    member = person("mira")
    for community in (open_wall, suggest_only):
        add_member(community, member)
    asked = [(member, "/c/cooks/wall/"), (member, "/c/bakers/wall/"), (None, "/c/cooks/wall/")]

    def pages() -> list[str]:
        out = []
        for user, path in asked:
            client = Client()
            if user is not None:
                client.force_login(user)
            response = client.get(path, headers={"HX-Request": "true"})
            assert response.status_code == 200
            out.append(TOKEN.sub(r"\1\2TOKEN", response.content.decode()))
        return out

    kept = pages()
    assert "New post" in kept[0]
    assert "Suggest a post" in kept[1]
    assert 'name="body"' not in kept[2]
    settings.COMMUNA = {**settings.COMMUNA, "CARD_CACHE_SECONDS": 0}  # rendered in full
    assert pages() == kept
