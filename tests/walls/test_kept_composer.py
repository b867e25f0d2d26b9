"""A member's wall whose composer is kept HTML makes no composer form (walls.views.walls:
the form is made lazily, when a template or a view first uses it)."""

from __future__ import annotations

import pytest
from django.test import Client

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
