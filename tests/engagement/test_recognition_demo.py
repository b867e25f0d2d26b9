"""R6.3: the demo's recognition: Learn to Cook's rules, last month's leaders with the member of
the month, rule badges and a badge given by hand; loading twice changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from communa.communities.models import Community
from communa.demo.communities import BRAND
from communa.demo.context import DemoContext
from communa.demo.engagement_recognition import HAND_GIVEN, RULES, load_recognition
from communa.engagement.models import BadgeKind, BadgeRule, MemberBadge, MonthlyLeaders
from communa.engagement.selectors.recognition import last_finished_month, month_bounds
from tests.engagement.recognition_kit import post_by
from tests.factories import add_member, make_community, person

pytestmark = pytest.mark.django_db


def test_the_demo_brand_gets_last_month_leaders_titles_and_badges():
    # given the brand community with two members who posted last month
    community = make_community(slug=BRAND)
    Community.objects.filter(pk=community.pk).update(created_at=datetime(2020, 1, 1, tzinfo=UTC))
    ctx = DemoContext(now=timezone.now())
    month = last_finished_month(community, ctx.now)
    start, _end = month_bounds(community, month)
    ann, bob = add_member(community, person("ann")), add_member(community, person("bob"))
    post_by(community, ann, at=start + timedelta(days=2))
    post_by(community, ann, at=start + timedelta(days=3))
    post_by(community, bob, at=start + timedelta(days=4))

    load_recognition(ctx)
    load_recognition(ctx)

    assert MonthlyLeaders.objects.filter(community=community, month=month).count() == 1
    assert BadgeRule.objects.filter(community=community).count() == len(RULES)
    title = MemberBadge.objects.get(community=community, kind=BadgeKind.TITLE)
    assert title.user == ann
    assert MemberBadge.objects.filter(user=ann, label="Top contributor").count() == 1
    assert MemberBadge.objects.filter(user=bob, label="First post").count() == 1
    hand = MemberBadge.objects.get(community=community, label=HAND_GIVEN)
    assert (hand.user, hand.awarded_by_id is not None) == (bob, True)


def test_without_the_brand_community_the_demo_skips_recognition():
    load_recognition(DemoContext())

    assert not MonthlyLeaders.objects.exists()
