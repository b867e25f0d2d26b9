"""R6.3: the recognition pages: the leaders with a month picker and the member of the month, a
member's badges in the community, and the team's page (rules, badges by hand, computing a month
again, who is listed), every form with its CSRF token and its errors in place."""

from __future__ import annotations

from datetime import date

import pytest

from communa.engagement.models import BadgeRule, MemberBadge, MonthlyLeaders
from tests.engagement.recognition_kit import IN_MARCH, community_in, computed, post_by
from tests.factories import add_member, owner_of, person
from tests.support import client_of

pytestmark = pytest.mark.django_db


def test_the_leaders_page_shows_the_month_picked_and_its_member_of_the_month():
    # given Ann led March and Bob April
    community = community_in(slug="cooks")
    ann = add_member(community, person("ann", display_name="Ann Lee"))
    bob = add_member(community, person("bob", display_name="Bob Ray"))
    post_by(community, ann)
    post_by(community, bob, at=IN_MARCH.replace(month=4))
    computed(community)
    computed(community, date(2024, 4, 1))

    march = client_of().get("/c/cooks/leaders/?month=2024-03").content.decode()
    latest = client_of().get("/c/cooks/leaders/").content.decode()

    assert '<option value="2024-03" selected>' in march
    assert "Ann Lee" in march
    assert "Bob Ray" not in march
    assert '<option value="2024-04" selected>' in latest
    assert "Bob Ray" in latest
    assert "Ann Lee" not in latest


def test_a_member_page_lists_their_badges_in_the_community():
    community = community_in(slug="cooks")
    ann = add_member(community, person("ann", display_name="Ann Lee"))
    post_by(community, ann)
    computed(community)

    page = client_of().get("/c/cooks/members/ann/badges/")

    assert page.status_code == 200
    assert "Member of the month" in page.content.decode()
    assert client_of().get("/c/cooks/members/nobody/badges/").status_code == 404


def test_the_team_adds_a_rule_gives_a_badge_and_computes_a_month_from_its_page():
    community = community_in(slug="cooks")
    owner = owner_of(community)
    ann = add_member(community, person("ann"))
    post_by(community, ann)
    client = client_of(owner)
    page = client.get("/c/cooks/manage/recognition/")
    assert page.status_code == 200
    assert page.content.decode().count("csrfmiddlewaretoken") >= 4

    added = client.post(
        "/c/cooks/manage/recognition/rules/",
        {"label": "Top", "contribution": "rank", "threshold": "1", "scope": "month"},
    )
    given = client.post(
        "/c/cooks/manage/recognition/award/",
        {"username": "ann", "label": "Helper", "reason": "Thanks"},
    )
    done = client.post("/c/cooks/manage/recognition/compute/", {"month": "2024-03"})

    assert added.status_code == given.status_code == done.status_code == 302
    assert done["Location"] == "/c/cooks/leaders/?month=2024-03"
    assert BadgeRule.objects.filter(community=community, label="Top").exists()
    assert MonthlyLeaders.objects.filter(community=community).count() == 1
    assert sorted(MemberBadge.objects.filter(user=ann).values_list("label", flat=True)) == [
        "Helper",
        "Member of the month",
        "Top",
    ]


def test_the_team_page_shows_errors_in_place():
    community = community_in(slug="cooks")
    client = client_of(owner_of(community))

    unknown = client.post(
        "/c/cooks/manage/recognition/award/",
        {"username": "nobody", "label": "Helper", "reason": "Thanks"},
    )
    early = client.post("/c/cooks/manage/recognition/compute/", {"month": "2999-01"})

    assert unknown.status_code == 422
    assert "No member of the community has this username." in unknown.content.decode()
    assert early.status_code == 422
    assert "Leaders are computed once a month is over." in early.content.decode()


def test_the_team_takes_a_badge_back_and_turns_a_rule_off_from_its_page():
    community = community_in(slug="cooks")
    client = client_of(owner_of(community))
    ann = add_member(community, person("ann"))
    client.post(
        "/c/cooks/manage/recognition/award/", {"username": "ann", "label": "Kind", "reason": "Yes"}
    )
    client.post(
        "/c/cooks/manage/recognition/rules/",
        {"label": "Top", "contribution": "rank", "threshold": "1", "scope": "month"},
    )
    badge = MemberBadge.objects.get(user=ann)
    rule = BadgeRule.objects.get(community=community)

    client.post(f"/c/cooks/manage/recognition/badges/{badge.pk}/revoke/", {"reason": "Oops"})
    client.post(f"/c/cooks/manage/recognition/rules/{rule.pk}/", {"active": "0"})

    badge.refresh_from_db()
    rule.refresh_from_db()
    assert badge.revoked_at is not None
    assert badge.revoke_reason == "Oops"
    assert rule.active is False


def test_members_find_the_leaders_among_the_community_tabs():
    community = community_in(slug="cooks")
    member = add_member(community)

    page = client_of(member).get("/c/cooks/members/")

    assert b'href="/c/cooks/leaders/"' in page.content
