"""The community home lists the engagement sections a member can open, and only those that hold
something members see."""

from __future__ import annotations

import pytest

from communa.communities.models import Privacy
from communa.engagement.models import Guide
from tests.engagement.forms_support import add_question, make_form, open_form
from tests.engagement.polls_support import make_poll
from tests.factories import add_member, make_community, person
from tests.support import client_of

pytestmark = pytest.mark.django_db


def _links(client, community) -> str:
    page = client.get(f"/c/{community.slug}/")
    assert page.status_code == 200
    return page.content.decode()


def test_the_home_links_the_sections_that_hold_something_members_see():
    # given a poll, a published guide, a draft form and an unpublished guide
    community = make_community()
    member = add_member(community)
    make_poll(community)
    make_form(community)
    Guide.objects.create(community=community, title="Knives", published=True)
    # when a member opens the home
    html = _links(client_of(member), community)
    # then polls and guides are offered; forms (only a draft) and contests (none) are not
    assert f'href="/c/{community.slug}/polls/"' in html
    assert f'href="/c/{community.slug}/guides/"' in html
    assert f'href="/c/{community.slug}/forms/"' not in html
    assert f'href="/c/{community.slug}/contests/"' not in html


def test_an_open_form_is_offered_and_a_community_without_anything_offers_nothing():
    community = make_community()
    member = add_member(community)
    assert "Take part" not in _links(client_of(member), community)
    form = make_form(community)
    add_question(form)
    open_form(form)
    assert f'href="/c/{community.slug}/forms/"' in _links(client_of(member), community)


def test_an_outsider_of_a_closed_community_is_offered_nothing():
    community = make_community(privacy=Privacy.CLOSED)
    make_poll(community)
    html = _links(client_of(person()), community)
    assert f'href="/c/{community.slug}/polls/"' not in html
