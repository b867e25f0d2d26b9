"""R9.7: audience health: inactive members, suspected fake accounts by three documented signals
(no profile data, no activity since joining, joined in a burst from one source), the
dead-community signal, and the paged members behind each figure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communa.analytics.metrics.health import audience_health, dead_signal, members_behind
from communa.analytics.periods import period_of
from communa.communities.models import Community, Membership, MembershipEvent, Privacy
from communa.communities.permissions import Action, Relation, allowed
from communa.walls.models import Post
from tests.analytics.support import EventKind, event_at, rolled_up
from tests.factories import add_member, make_community, owner_of, person, with_relation
from tests.support import api_as, client_of, error_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

SEES_STATISTICS = {Relation.OWNER, Relation.ADMIN, Relation.EDITOR, Relation.ANALYST}
LONG_AGO = datetime(2024, 1, 10, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _small_thresholds(settings):
    """Three joins within ten minutes are a burst; two signals make a suspect; a community of
    five members with a median of at most one engagement over its last three posts is dead."""
    settings.COMMUNA = {
        **settings.COMMUNA,
        "FAKE_BURST_JOINS": 3,
        "FAKE_BURST_MINUTES": 10,
        "FAKE_QUIET_DAYS": 7,
        "FAKE_MIN_SIGNALS": 2,
        "DEAD_MIN_MEMBERS": 5,
        "DEAD_MAX_MEDIAN": 1,
        "DEAD_POSTS": 3,
    }


def community_in(zone: str = "UTC", **data) -> Community:
    community = make_community(slug="cooks", **data)
    Community.objects.filter(pk=community.pk).update(time_zone=zone)
    community.refresh_from_db()
    return community


def joined(
    community,
    at: datetime,
    *,
    source: str = "direct",
    campaign: str = "",
    profile: bool = True,
    name: str | None = None,
):
    """A member who joined at `at` from `source`, with or without anything in their profile."""
    fields = {"display_name": "", "city": ""} if not profile else {"city": "Lyon"}
    user = person(name, **fields)
    add_member(community, user, joined_at=at, source=source, utm_campaign=campaign)
    MembershipEvent.objects.create(
        community=community,
        user=user,
        kind=MembershipEvent.Kind.JOIN,
        source=source,
        utm_campaign=campaign,
        at=at,
    )
    return user


def march(community):
    return period_of(community, start=date(2024, 3, 1), end=date(2024, 3, 31))


def listed(community, figure: str, period=None) -> set[str]:
    page = members_behind(community, period or march(community), figure, limit=100)
    return {m.user.username for m in page.items}


# --- inactive -----------------------------------------------------------------------------------


def test_a_member_is_inactive_with_no_view_and_no_action_in_the_period():
    community = community_in()
    post = make_post(community)
    reader = joined(community, LONG_AGO, name="reader")
    writer = joined(community, LONG_AGO, name="writer")
    joined(community, LONG_AGO, name="idle")
    earlier = joined(community, LONG_AGO, name="earlier")
    event_at(EventKind.IMPRESSION, datetime(2024, 3, 3, tzinfo=UTC), post=post, user=reader)
    event_at(EventKind.LIKE, datetime(2024, 2, 20, tzinfo=UTC), post=post, user=earlier)
    rolled_up()
    written = make_post(community, author=writer, body="Hello")
    Post.objects.filter(pk=written.pk).update(created_at=datetime(2024, 3, 9, tzinfo=UTC))

    health = audience_health(community, march(community))

    assert health.members == 4
    assert health.inactive == 2
    assert health.inactive_share == 50.0
    assert listed(community, "inactive") == {"idle", "earlier"}


def test_the_period_edge_is_the_community_midnight():
    community = community_in("America/New_York")  # UTC−5 in early March
    post = make_post(community)
    member = joined(community, LONG_AGO, name="night-owl")
    # 04:30 UTC on 1 March is 23:30 on 29 February in New York: before the period
    event_at(EventKind.IMPRESSION, datetime(2024, 3, 1, 4, 30, tzinfo=UTC), post=post, user=member)
    rolled_up()

    assert listed(community, "inactive") == {"night-owl"}
    february = period_of(community, start=date(2024, 2, 29), end=date(2024, 2, 29))
    assert listed(community, "inactive", february) == set()


# --- suspected fakes ----------------------------------------------------------------------------


def test_a_burst_is_enough_joins_from_one_source_and_campaign_within_the_minutes():
    community = community_in()
    start = datetime(2024, 2, 1, 12, tzinfo=UTC)
    # three from one ad campaign within ten minutes: a burst
    for n, minutes in enumerate((0, 4, 10)):
        joined(
            community, start + timedelta(minutes=minutes), source="ad", campaign="x", name=f"b{n}"
        )
    # three from the same campaign, but spread over 11 minutes: none
    later = start + timedelta(hours=5)
    for n, minutes in enumerate((0, 6, 11)):
        joined(
            community, later + timedelta(minutes=minutes), source="ad", campaign="x", name=f"s{n}"
        )
    # three within a minute, but from two campaigns: none
    other = start + timedelta(days=2)
    joined(community, other, source="ad", campaign="x", name="m0")
    joined(community, other, source="ad", campaign="y", name="m1")
    joined(community, other, source="ad", campaign="x", name="m2")

    assert listed(community, "burst") == {"b0", "b1", "b2"}


def test_joins_of_a_burst_count_though_one_of_them_left():
    community = community_in()
    start = datetime(2024, 2, 1, 12, tzinfo=UTC)
    users = [
        joined(community, start + timedelta(minutes=n), source="widget", name=f"w{n}")
        for n in range(3)
    ]
    Membership.objects.filter(user=users[0]).delete()

    assert listed(community, "burst") == {"w1", "w2"}


def test_suspects_show_two_of_the_three_signals():
    community = community_in()
    post = make_post(community)
    now = timezone.now()
    # no profile and silent since joining long ago: suspected
    joined(community, now - timedelta(days=30), profile=False, name="ghost")
    # no profile, but reads: one signal
    reader = joined(community, now - timedelta(days=29), profile=False, name="shy")
    event_at(EventKind.IMPRESSION, now - timedelta(days=2), post=post, user=reader)
    # no profile and silent, but joined two days ago: too early to call quiet
    joined(community, now - timedelta(days=2), profile=False, name="newcomer")
    # a profile, silent: one signal
    joined(community, now - timedelta(days=28), name="quiet-human")
    rolled_up()
    period = period_of(community, period="30")

    health = audience_health(community, period)

    assert listed(community, "suspected", period) == {"ghost"}
    assert health.suspected == 1
    assert health.signals == {"no_profile": 3, "quiet": 2, "burst": 0}
    assert health.suspected_share == 25.0


def test_activity_before_joining_does_not_make_a_member_active_since():
    community = community_in()
    post = make_post(community)
    now = timezone.now()
    user = joined(community, now - timedelta(days=20), profile=False, name="lurked-before")
    event_at(EventKind.IMPRESSION, now - timedelta(days=25), post=post, user=user)
    rolled_up()
    assert listed(community, "quiet") == {"lurked-before"}


# --- the dead-community signal ------------------------------------------------------------------


def test_a_large_community_whose_last_posts_get_almost_nothing_is_dead():
    community = community_in()
    members = [joined(community, LONG_AGO) for _n in range(5)]
    Community.objects.filter(pk=community.pk).update(member_count=6)
    community.refresh_from_db()
    old = make_post(community, body="Old and loved")
    for member in members:
        event_at(EventKind.LIKE, datetime(2024, 3, 1, tzinfo=UTC), post=old, user=member)
    quiet = [make_post(community, body=f"Quiet {n}") for n in range(3)]
    event_at(EventKind.LIKE, datetime(2024, 3, 2, tzinfo=UTC), post=quiet[0], user=members[0])
    event_at(EventKind.COMMENT, datetime(2024, 3, 2, tzinfo=UTC), post=quiet[0], user=members[1])
    event_at(EventKind.LIKE, datetime(2024, 3, 2, tzinfo=UTC), post=quiet[1], user=members[0])
    event_at(EventKind.UNLIKE, datetime(2024, 3, 2, tzinfo=UTC), post=quiet[1], user=members[0])
    rolled_up()

    signal = dead_signal(community)

    assert [n for _p, n in signal.latest] == [0, 0, 2]  # the old post is not among the last 3
    assert signal.median == 0.0
    assert signal.raised
    Community.objects.filter(pk=community.pk).update(member_count=4)
    community.refresh_from_db()
    assert not dead_signal(community).raised


def test_a_community_without_posts_raises_no_signal():
    community = community_in()
    Community.objects.filter(pk=community.pk).update(member_count=5000)
    community.refresh_from_db()
    signal = dead_signal(community)
    assert (signal.median, signal.raised) == (None, False)


# --- lists, pages and the API -------------------------------------------------------------------


def test_the_members_behind_a_figure_page_by_keyset_in_a_fixed_number_of_queries():
    community = community_in()
    names = {joined(community, LONG_AGO + timedelta(hours=n)).username for n in range(7)}
    period = march(community)

    seen: set[str] = set()
    cursor = None
    counts = []
    while True:
        with CaptureQueriesContext(connection) as captured:
            page = members_behind(community, period, "inactive", cursor=cursor, limit=3)
        counts.append(len(captured))
        seen |= {m.user.username for m in page.items}
        cursor = page.next_cursor
        if cursor is None:
            break

    assert seen == names
    assert counts == [1, 1, 1]


def test_the_api_gives_the_figures_and_the_members_behind_them():
    community = community_in()
    joined(community, LONG_AGO, profile=False, name="ghost")
    api = api_as(owner_of(community))

    figures = api.get("/communities/cooks/stats/audience-health?start=2024-03-01&end=2024-03-31")
    members = api.get("/communities/cooks/stats/audience-health/members?figure=suspected&limit=1")
    wrong = api.get("/communities/cooks/stats/audience-health/members?figure=bots")
    backwards = api.get("/communities/cooks/stats/audience-health?start=2024-03-31&end=2024-03-01")

    assert figures.status_code == 200, figures.content
    body = figures.json()
    assert (body["members"], body["inactive"], body["suspected"], body["quiet"]) == (1, 1, 1, 1)
    assert body["dead_community"]["raised"] is False
    assert members.status_code == 200, members.content
    (item,) = members.json()["items"]
    assert (item["username"], item["no_profile"], item["quiet"]) == ("ghost", True, True)
    assert item["profile_url"] == "/u/ghost/wall/"
    assert wrong.status_code == 422
    assert "figure" in error_of(wrong)["fields"]
    assert backwards.status_code == 422
    assert "end" in error_of(backwards)["fields"]


def test_the_page_lists_a_figure_s_members_and_reads_a_fixed_number_of_queries():
    community = community_in()
    client = client_of(owner_of(community))
    joined(community, LONG_AGO, profile=False, name="ghost")
    make_post(community)

    def queries(url: str) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    url = "/c/cooks/statistics/audience-health/?figure=inactive"
    few, html = queries(url)
    assert '<a href="/u/ghost/wall/">' in html
    for n in range(5):
        joined(community, LONG_AGO + timedelta(hours=n), profile=False)
        make_post(community, body=f"Post {n}")
    many, _html = queries(url)
    assert many == few
    data = client.get(url + "&csv=members")
    assert (
        data.content.decode("utf-8-sig")
        .splitlines()[0]
        .startswith("username,display_name,joined_at")
    )


@pytest.mark.parametrize("privacy", [Privacy.OPEN, Privacy.PRIVATE])
@pytest.mark.parametrize("relation", list(Relation))
def test_members_never_see_audience_health(relation, privacy):
    community = community_in(privacy=privacy)
    viewer = with_relation(community, relation)
    page = client_of(viewer).get("/c/cooks/statistics/audience-health/?figure=suspected")
    answer = api_as(viewer).get("/communities/cooks/stats/audience-health/members?figure=suspected")
    if relation in SEES_STATISTICS:
        assert (page.status_code, answer.status_code) == (200, 200)
    elif relation == Relation.ANONYMOUS:
        assert (page.status_code, answer.status_code) == (302, 401)
    elif relation not in allowed(Action.SEE, privacy):
        assert (page.status_code, answer.status_code) == (404, 404)
    else:
        assert (page.status_code, answer.status_code) == (403, 403)
