"""A community's `badges_version` (ADR 0021): raised by the app that gives badges, only ever
growing, never brought back by saving a copy of the row read earlier."""

from __future__ import annotations

import pytest

from communa.communities.actions import refresh_member_badges, update_community
from communa.communities.models import Community
from tests.factories import make_community, person

pytestmark = pytest.mark.django_db


def version_of(community: Community) -> int:
    return Community.objects.values_list("badges_version", flat=True).get(pk=community.pk)


def test_a_new_community_shows_no_badges_until_one_is_given():
    community = make_community(person())
    assert version_of(community) == 0
    assert not Community.objects.get(pk=community.pk).shows_badges

    refresh_member_badges(community_id=community.pk)

    assert version_of(community) == 1
    assert Community.objects.get(pk=community.pk).shows_badges


def test_saving_a_copy_read_before_a_badge_changed_keeps_the_newer_version():
    # given the owner's copy of the row, read before a badge was given
    owner = person()
    community = make_community(owner, name="Cooks")
    stale = Community.objects.get(pk=community.pk)
    refresh_member_badges(community_id=community.pk)

    # when the settings are saved from that copy
    update_community(actor=owner, community=stale, changes={"name": "Good cooks"})

    # then the version stays the newer one
    assert version_of(community) == 1
    assert Community.objects.get(pk=community.pk).name == "Good cooks"
