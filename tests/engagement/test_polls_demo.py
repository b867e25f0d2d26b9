"""The demo's polls, loaded through the actions into a small stand-in of its brand community."""

from __future__ import annotations

import pytest

from communa.communities.models import Role
from communa.demo.communities import BRAND
from communa.demo.context import DemoContext
from communa.demo.engagement_polls import load_polls
from communa.engagement.models import Ballot, Poll, PollState
from tests.factories import add_member, make_community, person
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def test_the_demo_runs_a_poll_one_under_its_latest_post_and_one_closed():
    # given the brand community with an editor, members and posts
    community = make_community(person("owner"), slug=BRAND)
    add_member(community, role=Role.EDITOR)
    for _ in range(40):
        add_member(community)
    make_post(community, body="Older")
    latest = make_post(community, body="Knife week")

    # when the demo's polls load
    load_polls(DemoContext())

    # then one is open with a deadline, one sits under the latest post, one is closed
    polls = {poll.question: poll for poll in Poll.objects.all()}
    assert len(polls) == 3
    running, under, closed = sorted(polls.values(), key=lambda poll: poll.pk)
    assert running.state == PollState.OPEN
    assert running.closes_at is not None
    assert under.post_id == latest.pk
    assert closed.state == PollState.CLOSED
    for poll in (running, under, closed):
        assert Ballot.objects.filter(poll=poll).count() > 10


def test_without_the_brand_community_nothing_loads():
    load_polls(DemoContext())
    assert not Poll.objects.exists()
