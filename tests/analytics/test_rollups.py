"""Rollups: raw events summed into day cells exactly once, on the community's calendar."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.utils import timezone

from communa.analytics import rollups
from communa.analytics.metrics.audience import members_at
from communa.analytics.metrics.community import members_before, tiling
from communa.analytics.models import (
    CommunityDay,
    JoinDay,
    MemberDay,
    PostDay,
    PostFacts,
    ReachSpan,
    RollupState,
)
from communa.analytics.periods import Period
from communa.analytics.sketch import EXACT_LIMIT, ReachSketch, merged
from communa.communities.actions.membership import block_member, join_community, leave_community
from communa.communities.models import Community, MembershipEvent
from communa.core.events import EventKind, Platform
from tests.analytics.support import event_at, rolled_up
from tests.factories import make_community, person
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def _community(time_zone: str = "Europe/Berlin") -> Community:
    community = make_community(person(), privacy="open")
    Community.objects.filter(pk=community.pk).update(time_zone=time_zone)
    community.refresh_from_db()
    return community


def _cell(community, day) -> CommunityDay:
    return CommunityDay.objects.get(community=community, day=day)


def test_interactions_are_summed_per_community_post_and_member_day():
    # given
    community = _community()
    post = make_post(community)
    alice, bob = person(), person()
    for user in (alice, bob, alice):
        event_at(EventKind.IMPRESSION, NOON, post=post, user=user)
    event_at(EventKind.LIKE, NOON, post=post, user=alice)
    event_at(EventKind.LIKE, NOON, post=post, user=bob)
    event_at(EventKind.UNLIKE, NOON, post=post, user=bob)
    event_at(EventKind.COMMENT, NOON, post=post, user=bob)
    event_at(EventKind.SHARE, NOON, post=post, user=alice)
    event_at(EventKind.LINK_CLICK, NOON, post=post, viewer="vsomeone")
    # when
    read = rolled_up()
    # then
    day = NOON.date()
    cell = _cell(community, day)
    assert read >= 9
    assert (cell.impressions, cell.impressions_web, cell.likes, cell.unlikes) == (3, 3, 2, 1)
    assert (cell.comments, cell.shares, cell.link_clicks) == (1, 1, 1)
    post_cell = PostDay.objects.get(post=post, day=day)
    assert (post_cell.impressions, post_cell.likes, post_cell.unlikes) == (3, 2, 1)
    alice_day = MemberDay.objects.get(community=community, user=alice, day=day)
    bob_day = MemberDay.objects.get(community=community, user=bob, day=day)
    assert (alice_day.views, alice_day.likes, alice_day.shares) == (2, 1, 1)
    assert (bob_day.views, bob_day.likes, bob_day.comments) == (1, 0, 1)


def test_a_second_run_counts_nothing_twice_and_new_events_are_added():
    # given
    community = _community()
    post = make_post(community)
    event_at(EventKind.LIKE, NOON, post=post, user=person())
    rolled_up()
    # when
    assert rolled_up() == 0
    event_at(EventKind.LIKE, NOON, post=post, user=person())
    rolled_up()
    # then
    assert _cell(community, NOON.date()).likes == 2
    assert PostDay.objects.get(post=post).likes == 2


def test_days_are_the_community_calendar_days_across_midnight():
    # given: 21:30 and 22:30 UTC on 10 June are 23:30 on the 10th and 00:30 on the 11th in Berlin
    community = _community("Europe/Berlin")
    post = make_post(community)
    event_at(EventKind.LIKE, datetime(2026, 6, 10, 21, 30, tzinfo=UTC), post=post, user=person())
    event_at(EventKind.LIKE, datetime(2026, 6, 10, 22, 30, tzinfo=UTC), post=post, user=person())
    # when
    rolled_up()
    # then
    days = dict(
        CommunityDay.objects.filter(community=community, likes__gt=0).values_list("day", "likes")
    )
    assert days == {date(2026, 6, 10): 1, date(2026, 6, 11): 1}


def test_one_moment_is_each_communitys_own_day_to_the_microsecond():
    # given two communities whose midnights fall a microsecond apart around the same moments:
    # St. John's (UTC-2:30 in June) and Kathmandu (UTC+5:45), and viewers who each see both
    west, east = _community("America/St_Johns"), _community("Asia/Kathmandu")
    west_post, east_post = make_post(west), make_post(east)
    before_west_midnight = datetime(2026, 6, 11, 2, 29, 59, 999999, tzinfo=UTC)
    west_midnight = before_west_midnight + timedelta(microseconds=1)
    east_midnight = datetime(2026, 6, 10, 18, 15, tzinfo=UTC)
    moments = [before_west_midnight, west_midnight, east_midnight, east_midnight]
    for number, moment in enumerate(moments):
        for post in (west_post, east_post):
            event_at(EventKind.IMPRESSION, moment, post=post, viewer=f"v{number % 3}")
    # when
    rolled_up()

    # then each moment counts on its community's own calendar day, whatever the other's
    def days(community):
        cells = CommunityDay.objects.filter(community=community, impressions__gt=0)
        return dict(cells.values_list("day", "impressions"))

    assert days(west) == {date(2026, 6, 10): 3, date(2026, 6, 11): 1}
    assert days(east) == {date(2026, 6, 11): 4}
    # and a viewer seen twice in a day is one viewer of it
    assert (
        ReachSpan.objects.get(
            community=east, level=ReachSpan.Level.DAY, start=date(2026, 6, 11), platform=""
        ).viewers
        == 3
    )


def test_impressions_are_counted_by_platform_and_reach_by_distinct_viewer():
    # given
    community = _community()
    post = make_post(community)
    for viewer, platform in [
        ("va", Platform.WEB),
        ("va", Platform.WEB),
        ("vb", Platform.MOBILE_WEB),
        ("vc", Platform.API),
        ("va", Platform.MOBILE_WEB),
    ]:
        event_at(EventKind.IMPRESSION, NOON, post=post, viewer=viewer, platform=platform)
    # when
    rolled_up()
    # then
    cell = _cell(community, NOON.date())
    assert (cell.impressions_web, cell.impressions_mobile_web, cell.impressions_api) == (2, 2, 1)
    days = ReachSpan.objects.filter(community=community, level=ReachSpan.Level.DAY)
    sketches = dict(days.values_list("platform", "sketch"))
    assert ReachSketch.from_bytes(bytes(sketches["mobile_web"])).count() == 2
    assert days.get(platform="").viewers == 3
    assert merged(bytes(sketches[p]) for p in ("web", "mobile_web", "api")).count() == 3
    for level in (ReachSpan.Level.WEEK, ReachSpan.Level.MONTH):
        assert ReachSpan.objects.get(community=community, level=level, platform="").viewers == 3


def test_a_run_that_fails_midway_leaves_cells_and_watermark_as_they_were():
    # given
    community = _community()
    post = make_post(community)
    event_at(EventKind.IMPRESSION, NOON, post=post, viewer="va")
    event_at(EventKind.LIKE, NOON, post=post, user=person())
    # when: the reach sketches fail to write after the counts were added
    with (
        mock.patch.object(rollups, "_add_reach", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        rollups.roll_up_events()
    # then nothing of the batch is kept, and the next run counts it once
    assert not CommunityDay.objects.filter(community=community).exists()
    assert not RollupState.objects.filter(name=rollups.EVENTS, done_id__gt=0).exists()
    rolled_up()
    assert (_cell(community, NOON.date()).impressions, _cell(community, NOON.date()).likes) == (
        1,
        1,
    )


@pytest.mark.settling
def test_new_ids_are_read_only_after_the_settle_time(settings):
    # given
    settings.COMMUNA = {**settings.COMMUNA, "ROLLUP_SETTLE_SECONDS": 10}
    community = _community()
    post = make_post(community)
    event_at(EventKind.LIKE, NOON, post=post, user=person())
    # when: the first look only notes the newest id
    assert rollups.roll_up_events() == 0
    # then: it is read once ten seconds have passed
    later = timezone.now() + timedelta(seconds=11)
    with mock.patch("communa.analytics.rollups.timezone.now", return_value=later):
        assert rollups.roll_up_events() == 1
    assert _cell(community, NOON.date()).likes == 1


def test_a_batch_limit_splits_the_work_without_losing_or_repeating_events(settings):
    # given
    settings.COMMUNA = {**settings.COMMUNA, "ROLLUP_BATCH": 3}
    community = _community()
    post = make_post(community)
    for _ in range(10):
        event_at(EventKind.IMPRESSION, NOON, post=post, user=person())
    # when
    rolled_up()
    # then
    assert _cell(community, NOON.date()).impressions == 10


def test_joins_leaves_and_blocks_change_the_member_count_exactly():
    # given
    community = _community()
    owner = community.created_by
    alice, bob, stranger = person(), person(), person()
    join_community(actor=alice, community=community, utm={"utm_campaign": "spring"})
    join_community(actor=bob, community=community)
    leave_community(actor=bob, community=community)
    block_member(actor=owner, community=community, user=alice, reason="spam")
    block_member(actor=owner, community=community, user=stranger, reason="spam")
    # when
    rolled_up()
    # then: the block of someone who was not a member changes nothing
    today = timezone.localdate(timezone.now(), timezone=rollups.community_time_zone(community))
    cell = _cell(community, today)
    assert (cell.joins, cell.leaves, cell.blocks) == (3, 1, 2)  # the owner's join included
    assert cell.member_change == 1
    campaigns = dict(
        JoinDay.objects.filter(community=community).values_list("utm_campaign", "joins")
    )
    assert campaigns == {"": 2, "spring": 1}


def test_a_leave_within_a_day_of_a_view_is_negative_feedback_of_the_viewed_posts():
    # given
    community = _community()
    seen, old, unseen = make_post(community), make_post(community), make_post(community)
    leaver = person()
    join_community(actor=leaver, community=community)
    now = timezone.now()
    event_at(EventKind.IMPRESSION, now - timedelta(hours=2), post=seen, user=leaver)
    event_at(EventKind.IMPRESSION, now - timedelta(hours=30), post=old, user=leaver)
    leave_community(actor=leaver, community=community)
    # when
    rolled_up()
    # then
    feedback = dict(
        PostDay.objects.filter(community=community).values_list("post_id", "leaves_after_view")
    )
    assert feedback.get(seen.pk) == 1
    assert feedback.get(old.pk, 0) == 0
    assert unseen.pk not in feedback


def test_members_at_publication_are_fixed_when_a_post_is_first_rolled_up():
    # given: two members, a post, then a third member
    community = _community()
    join_community(actor=person(), community=community)
    post = make_post(community)
    later = timezone.now() + timedelta(seconds=1)
    third = person()
    join_community(actor=third, community=community)
    MembershipEvent.objects.filter(user=third).update(at=later)
    # when
    rolled_up()
    # then: the owner and the first member
    assert PostFacts.objects.get(post=post).members_at_publication == 2


def test_the_sketch_is_exact_for_small_sets_and_within_one_percent_beyond():
    # given: 60 days of viewers drawn from 300,000 people, repeats within and across days
    rng = random.Random(7)
    days, everyone = [], set()
    for _day in range(60):
        seen = {f"v{rng.randrange(300_000)}" for _ in range(rng.choice([50, 4_000, 9_000]))}
        everyone |= seen
        sketch = ReachSketch()
        sketch.add(seen)
        days.append(sketch.to_bytes())
    small = ReachSketch()
    small.add(f"v{n}" for n in range(EXACT_LIMIT))
    # when
    estimate = merged(days).count()
    # then
    assert ReachSketch.from_bytes(small.to_bytes()).count() == EXACT_LIMIT
    assert abs(estimate - len(everyone)) / len(everyone) < 0.01


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        # a week from Monday: one week
        (date(2026, 6, 1), date(2026, 6, 7), [("w", date(2026, 6, 1))]),
        # a whole month: the month
        (date(2026, 6, 1), date(2026, 6, 30), [("m", date(2026, 6, 1))]),
        # Sunday to Monday: two days
        (date(2026, 6, 7), date(2026, 6, 8), [("d", date(2026, 6, 7)), ("d", date(2026, 6, 8))]),
    ],
)
def test_a_period_is_tiled_by_months_weeks_and_days(first, last, expected):
    assert tiling(Period(first=first, last=last, zone=ZoneInfo("UTC"))) == expected


def test_a_years_tiling_covers_each_day_once_with_few_spans():
    period = Period(first=date(2025, 12, 6), last=date(2026, 12, 5), zone=ZoneInfo("UTC"))
    spans = tiling(period)
    covered = []
    for level, start in spans:
        if level == "d":
            covered.append(start)
        elif level == "w":
            covered += [start + timedelta(days=n) for n in range(7)]
        else:
            nxt = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
            covered += [start + timedelta(days=n) for n in range((nxt - start).days)]
    assert covered == period.each_day()
    assert len(spans) <= 40


def test_members_before_a_day_from_the_cells_equal_members_at_its_midnight():
    # given joins, a leave and blocks (one of someone never a member) over three Berlin days
    community = _community("Europe/Berlin")
    owner = community.created_by
    people = [person() for _ in range(4)]
    for someone in people:
        join_community(actor=someone, community=community)
    leave_community(actor=people[0], community=community)
    block_member(actor=owner, community=community, user=people[1], reason="spam")
    block_member(actor=owner, community=community, user=person(), reason="spam")
    moments = [datetime(2026, 3, d, h, tzinfo=UTC) for d, h in [(1, 9), (1, 23), (2, 8), (3, 7)]]
    events = MembershipEvent.objects.filter(community=community).order_by("pk")
    for n, event in enumerate(events):
        MembershipEvent.objects.filter(pk=event.pk).update(
            at=moments[min(n, 3)] + timedelta(minutes=n)
        )
    # when
    rolled_up()
    # then
    zone = ZoneInfo("Europe/Berlin")
    for day in (date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)):
        midnight = datetime.combine(day, datetime.min.time(), tzinfo=zone)
        assert members_before(community, day) == members_at(community.pk, midnight), day
    assert members_before(community, date(2026, 3, 4)) == 3  # owner and two of the four


def test_the_roll_up_command_rolls_everything_up_now(capsys):
    # given
    community = _community()
    post = make_post(community)
    event_at(EventKind.LIKE, NOON, post=post, user=person())
    # when
    call_command("roll_up", no_settle=True)
    # then
    assert _cell(community, NOON.date()).likes == 1
    assert "Rolled up" in capsys.readouterr().out
