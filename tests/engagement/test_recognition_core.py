"""R6.3: the 1 % core, found by the participation ladder's definition (METRICS.md, shared with
analytics through core/participation.py), offered to the team and promoted in one click through
the team's own role action (R2.8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings

from communa.analytics.metrics.ladder import contributions_of, participation_ladder
from communa.analytics.models import Event
from communa.analytics.periods import period_of
from communa.communities.models import Membership, Role
from communa.core import hooks
from communa.core.audit import AuditEntry
from communa.core.participation import MemberContributions, core_of
from communa.engagement.selectors.recognition import core_members, walls_contributions
from communa.walls.actions.interactions import like_post
from communa.walls.actions.posts import share_post
from communa.walls.models import Comment, Like, Post, Share
from tests.analytics.support import EventKind, event_at, rolled_up
from tests.engagement.recognition_kit import community_in
from tests.factories import add_member, owner_of, person
from tests.support import api_as, client_of
from tests.walls.support import make_comment, make_post

pytestmark = pytest.mark.django_db


def yesterday_noon() -> datetime:
    """Noon of yesterday (UTC), as of when it is asked: the pages count the core up to now, so a
    moment fixed when the module was imported went out of their window when a run crossed
    midnight."""
    return (datetime.now(UTC) - timedelta(days=1)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )


def next_day() -> datetime:
    return yesterday_noon() + timedelta(days=1)


@pytest.fixture(autouse=True)
def _one_day_and_no_settling(settings):
    settings.COMMUNA = {
        **django_settings.COMMUNA,
        "RECOGNITION_CORE_DAYS": 1,
        "ROLLUP_SETTLE_SECONDS": 0,
    }


def all_at(moment: datetime) -> None:
    """Move every contribution and event written by the actions to one moment."""
    Event.objects.update(at=moment)
    Like.objects.update(created_at=moment)
    Comment.objects.update(created_at=moment)
    Share.objects.update(created_at=moment)
    Post.objects.update(created_at=moment, published_at=moment)


def busy_community(slug: str = "cooks"):
    """Members who like, comment, share and post through walls' actions: Ann (4), Bob and Cat
    tied on 2, Dan (1); the owner and an editor do most and are the team."""
    community = community_in(slug=slug)
    owner = owner_of(community)
    ann, bob, cat, dan = (add_member(community, person(n)) for n in ("ann", "bob", "cat", "dan"))
    editor = add_member(community, person("edith"), role=Role.EDITOR)
    posts = [make_post(community, author=owner, body=f"Team post {n}") for n in range(3)]
    for post in posts:
        like_post(actor=ann, post=post)
        make_comment(post, editor, "Team comment")
    make_post(community, author=ann, body="Mine")
    make_comment(posts[0], bob, "Yes")
    share_post(actor=bob, post=posts[1])
    make_comment(posts[0], cat, "Hm")
    like_post(actor=cat, post=posts[2])
    like_post(actor=dan, post=posts[0])
    all_at(yesterday_noon())
    rolled_up()
    return community


def names(found) -> list[str]:
    return sorted(item.user.username for item in found)


def test_the_core_is_the_one_the_participation_ladder_finds():
    community = busy_community()
    day = yesterday_noon().date()

    ladder = participation_ladder(community, period_of(community, start=day, end=day))
    offered = core_members(community, now=next_day())

    assert names(ladder.core) == ["ann"]
    assert names(offered) == names(ladder.core)
    assert [c.contributions for c in offered] == [m.contributions for m in ladder.core]


def test_without_analytics_the_core_is_read_from_walls_rows_by_the_same_definition():
    community = busy_community()
    day = yesterday_noon().date()
    ladder = participation_ladder(community, period_of(community, start=day, end=day))

    rows = walls_contributions(community, day, day)
    core, _target = core_of(rows, len(rows))

    assert sorted(r.user_id for r in core) == sorted(m.user.pk for m in ladder.core)
    analytics_rows = contributions_of(community, period_of(community, start=day, end=day))
    assert {r.user_id: r.total for r in rows} == {m.user_id: m.total for m in analytics_rows}


def test_ties_at_the_last_core_place_are_all_offered():
    community = community_in()
    post = make_post(community)
    bob, cat = add_member(community, person("bob")), add_member(community, person("cat"))
    for someone in (bob, cat):
        event_at(EventKind.COMMENT, yesterday_noon(), post=post, user=someone)
    rolled_up()

    assert names(core_members(community, now=next_day())) == ["bob", "cat"]


def test_the_owner_promotes_a_core_member_to_moderator_in_one_click():
    community = busy_community()
    owner = owner_of(community)
    ann = Membership.objects.get(community=community, user__username="ann").user

    answer = api_as(owner).post(
        "/communities/cooks/recognition/core/ann/promote", {"role": "moderator"}
    )
    again = api_as(owner).post(
        "/communities/cooks/recognition/core/ann/promote", {"role": "editor"}
    )

    assert answer.status_code == 200
    assert answer.json() == {
        "member": {"username": "ann", "name": ann.shown_name},
        "role": "moderator",
    }
    assert Membership.objects.get(community=community, user=ann).role == Role.MODERATOR
    assert AuditEntry.objects.filter(action="team.role", actor=owner).count() == 1
    assert again.status_code == 409


def test_an_editor_sees_the_core_but_cannot_promote():
    community = busy_community()
    editor = Membership.objects.get(community=community, role=Role.EDITOR).user

    listed = api_as(editor).get("/communities/cooks/recognition/core")
    refused = api_as(editor).post(
        "/communities/cooks/recognition/core/ann/promote", {"role": "moderator"}
    )
    page = client_of(editor).get("/c/cooks/manage/recognition/core/")

    assert [m["member"]["username"] for m in listed.json()["members"]] == ["ann"]
    assert refused.status_code == 403
    assert page.status_code == 200
    assert b"recognition/core/ann/promote" not in page.content


def test_only_a_team_role_below_administrator_is_offered():
    community = busy_community()

    answer = api_as(owner_of(community)).post(
        "/communities/cooks/recognition/core/ann/promote", {"role": "admin"}
    )

    assert answer.status_code == 422


def test_the_core_page_offers_promotion_to_the_owner():
    community = busy_community()

    page = client_of(owner_of(community)).get("/c/cooks/manage/recognition/core/")

    assert page.status_code == 200
    assert b"recognition/core/ann/promote" in page.content


def test_a_core_socket_without_analytics_falls_back_to_walls(monkeypatch):
    # given nothing answers the socket (analytics not installed)
    community = busy_community()
    monkeypatch.setitem(hooks._plugged, MemberContributions, MemberContributions())

    assert names(core_members(community, now=next_day())) == ["ann"]
