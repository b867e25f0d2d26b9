"""What a newcomer stumbled on: the event header, its dates and places, the avatar circle, the
link field where links are banned, deleting without a question, the tokens' old address."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from communa.communities.models import Community, Kind
from communa.walls.actions.boards import set_attendance
from tests.factories import add_member, make_community, owner_of
from tests.support import client_of
from tests.walls.support import event, make_post

pytestmark = pytest.mark.django_db


def test_an_event_is_called_an_event_once_and_its_date_is_written_once():
    # given an event from 18:30 to 21:00 on one day
    community = event(category="event")
    html = client_of(owner_of(community)).get(f"/c/{community.slug}/").content.decode()
    # then its header names the kind once and its box writes the date once, with two times
    assert "Event · Event" not in html
    box = re.search(r'id="event-heading".*?</section>', html, re.S).group(0)
    assert box.count("2031") == 1
    assert "–" in box


def test_an_event_with_places_shows_how_many_are_taken():
    community = event()
    Community.objects.filter(pk=community.pk).update(event_capacity=30)
    set_attendance(actor=add_member(community), community=community, status="going")
    html = client_of(owner_of(community)).get(f"/c/{community.slug}/attendance/").content.decode()
    assert "1 of 30 places taken" in html


def test_the_places_are_set_in_the_settings_and_checked():
    community = event()
    client = client_of(owner_of(community))
    form = client.get(f"/c/{community.slug}/settings/").context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data["event_starts_at"] = timezone.localtime(community.event_starts_at).strftime(
        "%Y-%m-%dT%H:%M"
    )
    data["event_ends_at"] = ""
    data["links_allowed"] = "on"
    refused = client.post(f"/c/{community.slug}/settings/", {**data, "event_capacity": "0"})
    assert refused.status_code == 400
    assert "event_capacity" in refused.context["form"].errors
    saved = client.post(f"/c/{community.slug}/settings/", {**data, "event_capacity": "40"})
    assert saved.status_code == 302
    assert Community.objects.get(pk=community.pk).event_capacity == 40


def test_a_community_without_an_avatar_shows_its_initials():
    community = make_community(name="Bếp Việt", slug="bep-viet")
    html = client_of(None).get("/c/bep-viet/").content.decode()
    assert re.search(r'class="avatar placeholder" aria-hidden="true">BV<', html)
    assert community.avatar.name == ""


def test_the_composer_has_no_link_field_where_links_are_banned():
    community = make_community(kind=Kind.GROUP, links_allowed=False)
    member = add_member(community)
    html = client_of(member).get(f"/c/{community.slug}/posts/new/").content.decode()
    assert 'name="link_url"' not in html
    assert "Links are not allowed in this community." in html
    owner_html = client_of(owner_of(community)).get(f"/c/{community.slug}/posts/new/")
    assert 'name="link_url"' in owner_html.content.decode()


def test_deleting_a_post_asks_first():
    community = make_community()
    post = make_post(community)
    html = client_of(owner_of(community)).get(f"/p/{post.pk}/").content.decode()
    question = re.search(r'<details class="confirm-delete.*?</details>', html, re.S).group(0)
    assert "<summary" in question
    assert f'action="/p/{post.pk}/delete/"' in question
    assert "Delete this post for good?" in question


def test_the_old_tokens_address_leads_to_the_settings():
    owner = owner_of(make_community())
    response = client_of(owner).get("/accounts/tokens/")
    assert response.status_code == 301
    assert response["Location"] == "/accounts/settings/tokens/"
    page = client_of(owner).get("/accounts/settings/tokens/").content.decode()
    assert 'aria-current="page">API tokens' in page
