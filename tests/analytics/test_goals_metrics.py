"""R9.8: each goal metric on hand-made data with known answers: the community's day edges,
members at a moment, post counters (an unlike has already taken its like back), deleted posts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from communa.analytics.goals.metrics import METRICS, metric_value
from communa.analytics.models import Conversion, Event, EventKind, PostDay
from communa.analytics.periods import Period
from communa.communities.models import Community, MembershipEvent
from communa.walls.models import Post, PostStatus
from tests.analytics.support import rolled_up
from tests.factories import make_community, person
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
DAY = date(2026, 3, 10)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment on the community's (Tokyo) clock."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO)


def days(first: date, last: date) -> Period:
    return Period(first=first, last=last, zone=TOKYO)


@pytest.fixture
def community() -> Community:
    found = make_community(time_zone="Asia/Tokyo")
    # The owner joined long before the days read here.
    MembershipEvent.objects.filter(community=found).update(at=at(date(2025, 1, 1), 12))
    return found


def membership(community: Community, kind: str, moment: datetime, user=None):
    user = user or person()
    MembershipEvent.objects.create(community=community, user=user, kind=kind, at=moment)
    return user


def value(code: str, community: Community, period: Period, **kw) -> Decimal | None:
    rolled_up()  # what the worker does: day cells from the events so far
    return metric_value(METRICS[code], community, period, **kw)


def published(community: Community, moment: datetime, **counters) -> Post:
    post = make_post(community)
    Post.objects.filter(pk=post.pk).update(published_at=moment, **counters)
    return post


def test_members_at_the_end_of_each_day_follow_the_community_clock(community):
    late = membership(community, "join", at(DAY, 23, 59))
    membership(community, "join", at(DAY + timedelta(days=1), 0, 0))
    membership(community, "leave", at(DAY + timedelta(days=1), 12), user=late)
    assert value("members", community, days(DAY, DAY)) == 2  # owner + the late joiner
    daily = METRICS["members"].daily(community, days(DAY, DAY + timedelta(days=1)))
    assert daily.num == [2, 2]  # day two: one joined, one left


def test_a_block_of_someone_who_was_no_member_changes_no_level(community):
    membership(community, "block", at(DAY, 10))
    assert value("members", community, days(DAY, DAY)) == 1


def test_net_growth_is_joins_minus_leaves_minus_blocks_of_the_days(community):
    joined = membership(community, "join", at(DAY, 9))
    stays = membership(community, "join", at(DAY, 10))
    membership(community, "leave", at(DAY, 11), user=joined)
    membership(community, "block", at(DAY + timedelta(days=1), 0, 30), user=stays)  # next day
    membership(community, "block", at(DAY + timedelta(days=1), 1))  # of someone never a member
    assert value("net_growth", community, days(DAY, DAY)) == 1
    assert value("net_growth", community, days(DAY, DAY + timedelta(days=1))) == 0


def test_reach_and_impressions_add_up_the_posts_published_in_the_days_but_deleted_ones(community):
    published(community, at(DAY, 8), reach_count=100, impression_count=150)
    published(community, at(DAY, 23, 59), reach_count=40, impression_count=60)
    published(community, at(DAY + timedelta(days=1), 0, 1), reach_count=1000)
    gone = published(community, at(DAY, 9), reach_count=500, impression_count=500)
    Post.objects.filter(pk=gone.pk).update(status=PostStatus.DELETED, deleted_at=timezone.now())
    assert value("reach", community, days(DAY, DAY)) == 140
    assert value("impressions", community, days(DAY, DAY)) == 210


def test_er_by_reach_is_the_mean_of_the_posts_ers_from_their_counters(community):
    # 10 likes, one of them taken back by an unlike: the counter holds 9.
    published(community, at(DAY, 8), reach_count=100, like_count=9, comment_count=1)
    published(community, at(DAY, 9), reach_count=50, share_count=10)
    published(community, at(DAY, 10), reach_count=0, like_count=5)  # no reach: left out
    Event.objects.create(kind=EventKind.UNLIKE, community=community, at=at(DAY, 8, 30))
    assert value("er_by_reach", community, days(DAY, DAY)) == Decimal(15)  # (10 % + 20 %) / 2


def test_er_by_members_divides_by_the_members_at_each_posts_publication(community):
    membership(community, "join", at(DAY, 9))  # 2 members from 09:00
    published(community, at(DAY, 8), like_count=1)  # 1 member: 100 %
    published(community, at(DAY, 10), like_count=1)  # 2 members: 50 %
    assert value("er_by_members", community, days(DAY, DAY)) == Decimal(75)


def test_comments_add_up_the_comment_counters_of_the_posts_published(community):
    published(community, at(DAY, 8), comment_count=3)
    published(community, at(DAY, 9), comment_count=4)
    assert value("comments", community, days(DAY, DAY)) == 7


def test_link_clicks_count_the_click_events_of_the_days(community):
    post = published(community, at(DAY, 8))
    for moment in (at(DAY, 0, 0), at(DAY, 23, 59), at(DAY + timedelta(days=1), 0, 0)):
        Event.objects.create(kind=EventKind.LINK_CLICK, community=community, post=post, at=moment)
    assert value("link_clicks", community, days(DAY, DAY)) == 2


def test_participation_counts_votes_entries_and_answers_but_not_guide_steps(community):
    # given a poll under a post: its votes count for the community, never for the post
    post = published(community, at(DAY, 8))
    for kind, moment in (
        (EventKind.POLL_VOTE, at(DAY, 0, 0)),
        (EventKind.ENTRY, at(DAY, 9)),
        (EventKind.CONTEST_VOTE, at(DAY, 10)),
        (EventKind.FORM_ANSWER, at(DAY, 23, 59)),
        (EventKind.GUIDE_STEP, at(DAY, 12)),
        (EventKind.POLL_VOTE, at(DAY + timedelta(days=1), 0, 0)),
    ):
        Event.objects.create(kind=kind, community=community, post=post, at=moment)
    # then
    assert value("participation", community, days(DAY, DAY)) == 4
    assert value("participation", community, days(DAY, DAY + timedelta(days=1))) == 5
    assert value("comments", community, days(DAY, DAY)) == 0
    assert not PostDay.objects.filter(post=post).exclude(likes=0, comments=0, shares=0).exists()


def test_conversions_revenue_and_aov_never_add_two_currencies(community):
    for order, amount, currency in (
        ("1", "10.00", "EUR"),
        ("2", "30.00", "EUR"),
        ("3", "99", "USD"),
    ):
        Conversion.objects.create(
            community=community,
            order_id=order,
            amount=Decimal(amount),
            currency=currency,
            utm_source="communa",
            occurred_at=at(DAY, 12),
        )
    period = days(DAY, DAY)
    assert value("conversions", community, period) == 3
    assert value("revenue", community, period, currency="EUR") == Decimal(40)
    assert value("average_order_value", community, period, currency="EUR") == Decimal(20)


def test_conversion_rate_and_ctr_divide_by_clicks_and_by_impressions_of_link_posts(community):
    post = make_post(community, link_url="https://shop.example/")
    plain = make_post(community, body="no link")
    for _ in range(4):
        Event.objects.create(
            kind=EventKind.LINK_CLICK, community=community, post=post, at=at(DAY, 9)
        )
    for target, count in ((post, 40), (plain, 400)):
        for _ in range(count):
            Event.objects.create(
                kind=EventKind.IMPRESSION, community=community, post=target, at=at(DAY, 9)
            )
    Conversion.objects.create(
        community=community,
        order_id="1",
        amount=1,
        currency="EUR",
        utm_source="x",
        occurred_at=at(DAY, 10),
    )
    period = days(DAY, DAY)
    assert value("ctr", community, period) == Decimal(10)
    assert value("conversion_rate", community, period) == Decimal(25)


def test_active_members_count_members_who_acted_in_the_last_30_days(community):
    fan = membership(community, "join", at(DAY - timedelta(days=60), 9))
    from communa.communities.models import Membership

    Membership.objects.create(community=community, user=fan)
    Event.objects.create(
        kind=EventKind.LIKE, community=community, user=fan, at=at(DAY - timedelta(days=29), 9)
    )
    outsider = person()
    Event.objects.create(kind=EventKind.LIKE, community=community, user=outsider, at=at(DAY, 9))
    assert value("active_members", community, days(DAY, DAY)) == 1
    assert (
        value("active_members", community, days(DAY + timedelta(days=1), DAY + timedelta(days=1)))
        == 0
    )


def test_support_metrics_are_not_measured_yet(community):
    assert value("first_response_time", community, days(DAY, DAY)) is None
    assert not METRICS["answered_share"].available
