"""R1.6 / R4.1: the pinned post shows on the community's cover, to those who may see the wall."""

from __future__ import annotations

import pytest

from communa.communities.models import Privacy
from communa.walls.actions.posts import create_post, pin_post
from tests.factories import make_community, owner_of, person

pytestmark = pytest.mark.django_db


def _pinned(privacy: str = Privacy.OPEN):
    community = make_community(privacy=privacy)
    owner = owner_of(community)
    post = create_post(
        actor=owner,
        community=community,
        data={"body": "Knife care: **wash by hand**, dry at once."},
    )
    pin_post(actor=owner, post=post)
    return community, post


def test_the_cover_shows_the_pinned_post_with_a_link(client):
    community, post = _pinned()
    page = client.get(f"/c/{community.slug}/").content.decode()
    assert "Knife care: wash by hand, dry at once." in page
    assert f'href="/p/{post.pk}/"' in page


def test_the_cover_shows_no_pinned_post_when_none_is_pinned(client):
    community = make_community()
    create_post(actor=owner_of(community), community=community, data={"body": "Plain news"})
    assert "pinned-cover" not in client.get(f"/c/{community.slug}/").content.decode()


def test_outsiders_of_a_closed_community_do_not_see_the_pinned_post(client):
    community, _post = _pinned(Privacy.CLOSED)
    client.force_login(person())
    page = client.get(f"/c/{community.slug}/").content.decode()
    assert "Knife care" not in page
