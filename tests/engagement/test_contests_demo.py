"""The demo's contests: a finished repost draw anyone can verify, and a photo contest in voting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from communa.accounts.models import User
from communa.communities.models import Membership
from communa.demo import DemoContext
from communa.demo.communities import BRAND
from communa.demo.context import relaxed_limits
from communa.demo.engagement_contests import load_contests
from communa.engagement import draws
from communa.engagement.models import Contest, ContestEntry, ContestState, ContestVote
from tests.factories import add_member, make_community, person
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def test_the_demo_loads_a_verified_draw_and_a_photo_contest_in_voting():
    # given the brand community with a post and long-standing members
    ctx = DemoContext()
    community = make_community(person("brand-owner"), name="Learn to Cook", slug=BRAND)
    long_ago = ctx.now - timedelta(days=200)
    Membership.objects.filter(community=community).update(joined_at=long_ago)
    for i in range(30):
        add_member(community, person(f"cook{i}"), joined_at=long_ago)
    User.objects.update(date_joined=long_ago)
    post = make_post(community, body="Keep your knife sharp.")
    post.__class__.objects.filter(pk=post.pk).update(published_at=ctx.now - timedelta(days=40))

    # when the demo's contests load
    with relaxed_limits():
        load_contests(ctx)

    # then the draw is finished and verifiable, the photo contest open with entries and votes
    draw = Contest.objects.get(kind="draw")
    assert draw.state == ContestState.WINNERS  # one prize of two delivered
    assert draw.winners_post_id is not None
    assert len(draw.drawn_entries) == 18
    assert draw.drawn_winners == draws.pick_winners(draw.seed, draw.drawn_entries, 2)
    assert draw.commitment == draws.commitment_of(draw.seed)
    photo = Contest.objects.get(kind="photo")
    assert photo.state == ContestState.OPEN
    assert ContestEntry.objects.filter(contest=photo).count() == 5
    assert ContestVote.objects.filter(contest=photo).exists()
