"""R8.5: the best time to post, from when this community's own members view, like and comment.

Events are recorded through the ingest functions at chosen moments (the demo's clock stands in
for "now" while they are written), then read back as the grid, the suggestions and the sample.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from communa.analytics.best_times import compute_grid, next_free_slot, offsets_over
from communa.analytics.ingest import record_event, record_impressions, viewer_for_user
from communa.communities.actions import leave_community
from communa.communities.models import Privacy, Role
from communa.communities.permissions import Action, Relation, allowed
from communa.core.activity import (
    BestTimeGrid,
    BestTimes,
    Sample,
    Slot,
    best_times,
    next_best_time,
)
from communa.core.events import NOBODY_IN_PARTICULAR, EventKind, Viewer
from communa.demo.clock import DemoClock
from tests.factories import add_member, make_community, owner_of, person, with_relation
from tests.support import api_as, client_of, error_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

# A Saturday: the weeks before it hold every weekday.
NOW = datetime(2024, 1, 20, 0, 0, tzinfo=UTC)
TUESDAY = datetime(2024, 1, 9, tzinfo=UTC)  # weekday 1
MONDAY, WEDNESDAY = TUESDAY - timedelta(days=1), TUESDAY + timedelta(days=1)


@pytest.fixture(autouse=True)
def _small_thresholds(settings):
    """One member and one event are enough, and every answer is computed afresh, unless a test
    says otherwise; the site's clock is UTC."""
    settings.TIME_ZONE = "UTC"
    settings.COMMUNA = {
        **settings.COMMUNA,
        "BEST_TIME_WEEKS": 8,
        "BEST_TIME_MIN_MEMBERS": 1,
        "BEST_TIME_MIN_EVENTS": 1,
        "BEST_TIME_TOP": 3,
        "BEST_TIME_CACHE_SECONDS": 0,
    }


def act(kind: str, user, post, at: datetime) -> None:
    """`user` views, likes or comments `post` at the moment `at`."""
    viewer = viewer_for_user(user)
    with DemoClock(at).running():
        if kind == EventKind.IMPRESSION:
            record_impressions(viewer, [post])
        else:
            record_event(kind, viewer=viewer, post=post)


def setting_up(zone: str = ""):
    community = make_community()
    if zone:
        community.time_zone = zone  # the field the planner adds; read with getattr
    return community, make_post(community)


def cell(grid: BestTimeGrid, weekday: int, hour: int) -> int:
    return grid.scores[weekday][hour]


# --- the grid -------------------------------------------------------------------------------------


def test_the_hour_most_members_are_active_in_is_the_best_cell():
    # given three members who like posts on Tuesday evening and one who views on Monday morning
    community, post = setting_up()
    for minute in (5, 20, 40):
        act(EventKind.LIKE, add_member(community), post, TUESDAY.replace(hour=19, minute=minute))
    act(EventKind.IMPRESSION, add_member(community), post, MONDAY.replace(hour=8))

    # when the grid is read
    grid = compute_grid(community, NOW)

    # then Tuesday 19:00 leads with 100 and Monday 08:00 follows with its share
    assert grid.enough_data
    assert grid.top[0] == Slot(1, 19, 100)
    assert cell(grid, 0, 8) == 17  # 1 of 6, rounded half up
    assert [(s.weekday, s.hour) for s in grid.top] == [(1, 19), (0, 8)]
    assert grid.sample == Sample(events=4, members=4, weeks=2)
    assert grid.time_zone == "UTC"
    assert sum(map(sum, grid.scores)) == 117


def test_members_in_different_time_zones_active_at_the_same_moment_land_in_their_own_hours():
    # given a member in Hanoi (UTC+7) and one in London (UTC+0 in January)
    community, post = setting_up()
    hanoi = add_member(community, person(time_zone="Asia/Ho_Chi_Minh"))
    london = add_member(community, person(time_zone="Europe/London"))
    # who both comment at 12:30 UTC on a Tuesday
    moment = TUESDAY.replace(hour=12, minute=30)
    act(EventKind.COMMENT, hanoi, post, moment)
    act(EventKind.COMMENT, london, post, moment)

    # when the grid is read
    grid = compute_grid(community, NOW)

    # then each lands in their own evening or noon, not in one shared UTC hour
    assert cell(grid, 1, 19) == 100
    assert cell(grid, 1, 12) == 100
    assert sum(map(sum, grid.scores)) == 200


def test_a_member_without_a_time_zone_is_placed_in_the_communitys():
    # given a community in Hanoi and a member who chose no zone (or one unknown here)
    community, post = setting_up("Asia/Ho_Chi_Minh")
    act(EventKind.LIKE, add_member(community), post, TUESDAY.replace(hour=20))
    act(EventKind.LIKE, add_member(community, person(time_zone="Mars/Olympus")), post, MONDAY)

    grid = compute_grid(community, NOW)

    # then 20:00 UTC on Tuesday is 03:00 on Wednesday there; Monday 00:00 UTC is 07:00
    assert grid.time_zone == "Asia/Ho_Chi_Minh"
    assert cell(grid, 2, 3) == 100
    assert cell(grid, 0, 7) == 100


def test_summer_time_moves_the_local_hour_of_the_same_utc_hour():
    # given a member in Berlin, active at 10:30 UTC before and after the clocks went forward
    community, post = setting_up()
    berlin = add_member(community, person(time_zone="Europe/Berlin"))
    act(EventKind.LIKE, berlin, post, datetime(2024, 3, 26, 10, 30, tzinfo=UTC))  # CET, +1
    act(EventKind.LIKE, berlin, post, datetime(2024, 4, 2, 10, 30, tzinfo=UTC))  # CEST, +2

    grid = compute_grid(community, datetime(2024, 4, 6, tzinfo=UTC))

    # then both Tuesdays count, at 11:00 and at 12:00
    assert cell(grid, 1, 11) == 100
    assert cell(grid, 1, 12) == 100


def test_a_half_hour_zone_places_events_by_its_own_hours():
    community, post = setting_up()
    kolkata = add_member(community, person(time_zone="Asia/Kolkata"))  # UTC+5:30
    act(EventKind.LIKE, kolkata, post, TUESDAY.replace(hour=13, minute=40))  # 19:10 there
    act(EventKind.COMMENT, kolkata, post, TUESDAY.replace(hour=13, minute=20))  # 18:50 there

    grid = compute_grid(community, NOW)

    assert (cell(grid, 1, 19), cell(grid, 1, 18)) == (67, 100)


def test_the_offsets_of_a_zone_change_at_the_exact_second():
    berlin = ZoneInfo("Europe/Berlin")
    since = int(datetime(2024, 3, 1, tzinfo=UTC).timestamp())
    until = int(datetime(2024, 11, 1, tzinfo=UTC).timestamp())
    found = offsets_over(berlin, since, until)
    assert found.first == 3600
    assert found.changes == (
        (int(datetime(2024, 3, 31, 1, tzinfo=UTC).timestamp()), 7200),
        (int(datetime(2024, 10, 27, 1, tzinfo=UTC).timestamp()), 3600),
    )


def test_only_members_count_not_visitors_outsiders_former_members_or_the_team():
    # given a post that a member likes once at 09:00 on Monday
    community, post = setting_up()
    act(EventKind.LIKE, add_member(community), post, MONDAY.replace(hour=9))
    # and Wednesday 18:00 busy with everyone else: an anonymous visitor, a signed-in outsider,
    # someone who has left since, the owner and an editor
    evening = WEDNESDAY.replace(hour=18)
    visitor = Viewer(user_id=None, key="vsomeone", platform="web")
    with DemoClock(evening).running():
        record_impressions(visitor, [post])
        record_event(EventKind.LIKE, viewer=visitor, post=post)
        record_impressions(NOBODY_IN_PARTICULAR, [post])
    act(EventKind.COMMENT, person(), post, evening)
    leaver = add_member(community)
    act(EventKind.COMMENT, leaver, post, evening)
    leave_community(actor=leaver, community=community)
    act(EventKind.COMMENT, owner_of(community), post, evening)
    act(EventKind.COMMENT, add_member(community, role=Role.EDITOR), post, evening)

    # when the grid is read
    grid = compute_grid(community, NOW)

    # then only the member's Monday counts
    assert grid.sample == Sample(events=1, members=1, weeks=2)
    assert [(s.weekday, s.hour) for s in grid.top] == [(0, 9)]
    assert cell(grid, 2, 18) == 0


def test_only_the_chosen_kinds_count_and_only_in_this_community():
    community, post = setting_up()
    member = add_member(community)
    other, elsewhere = setting_up()
    add_member(other, member)
    act(EventKind.LIKE, member, post, MONDAY.replace(hour=9))
    for kind in (EventKind.SHARE, EventKind.HIDE, EventKind.UNLIKE, EventKind.LINK_CLICK):
        act(kind, member, post, WEDNESDAY.replace(hour=18))
    act(EventKind.COMMENT, member, elsewhere, WEDNESDAY.replace(hour=18))

    grid = compute_grid(community, NOW)

    assert grid.sample.events == 1
    assert cell(grid, 2, 18) == 0


def test_events_older_than_the_window_are_left_out(settings):
    # given a window of two weeks and events just inside and just outside it
    settings.COMMUNA = {**settings.COMMUNA, "BEST_TIME_WEEKS": 2}
    community, post = setting_up()
    member = add_member(community)
    act(EventKind.LIKE, member, post, NOW - timedelta(weeks=2, minutes=1))
    act(EventKind.LIKE, member, post, NOW - timedelta(weeks=2) + timedelta(minutes=1))
    act(EventKind.LIKE, member, post, NOW + timedelta(minutes=1))  # after "now": not yet

    grid = compute_grid(community, NOW)

    assert grid.sample == Sample(events=1, members=1, weeks=2)
    assert grid.window_weeks == 2
    assert [(s.weekday, s.hour) for s in grid.top] == [(5, 0)]


def test_a_member_counts_once_per_hour_of_a_day_with_their_strongest_action():
    # given one tireless reader: fifty views and a comment on Monday at 10:00
    community, post = setting_up()
    reader = add_member(community)
    for minute in range(50):
        act(EventKind.IMPRESSION, reader, post, MONDAY.replace(hour=10, minute=minute))
    act(EventKind.COMMENT, reader, post, MONDAY.replace(hour=10, minute=55))
    # and the same reader on another Monday, and two members liking on Wednesday at 15:00
    act(EventKind.IMPRESSION, reader, post, MONDAY.replace(hour=10) - timedelta(weeks=1))
    for _n in range(2):
        act(EventKind.LIKE, add_member(community), post, WEDNESDAY.replace(hour=15))

    grid = compute_grid(community, NOW)

    # then Monday 10:00 weighs 3 (the comment) + 1 (the other Monday): Wednesday's 2 + 2 wins
    assert cell(grid, 2, 15) == 100
    assert cell(grid, 0, 10) == 100
    assert grid.top[0] == Slot(0, 10, 100)  # a tie: the earlier cell first
    assert grid.sample == Sample(events=54, members=3, weeks=3)


def test_thin_activity_gives_no_suggestion_but_says_how_much_there_is(settings):
    # given the shipped minimum of members and events, and three members' activity
    settings.COMMUNA = {**settings.COMMUNA, "BEST_TIME_MIN_MEMBERS": 10, "BEST_TIME_MIN_EVENTS": 5}
    community, post = setting_up()
    for _n in range(3):
        act(EventKind.LIKE, add_member(community), post, MONDAY.replace(hour=9))

    grid = compute_grid(community, NOW)

    assert not grid.enough_data
    assert grid.top == ()
    assert sum(map(sum, grid.scores)) == 0
    assert grid.sample == Sample(events=3, members=3, weeks=2)
    assert grid.not_enough() == (
        "Not enough data yet: 3 events from 3 members over 2 weeks. "
        "Suggestions start at 10 active members and 5 events."
    )
    assert next_free_slot(grid, ZoneInfo("UTC"), NOW) is None


def test_a_community_without_activity_says_so():
    community, _post = setting_up()
    grid = compute_grid(community, NOW)
    assert grid.sample == Sample()
    assert "no activity of members yet" in grid.not_enough()


def test_the_grid_takes_two_statements_whatever_the_activity(django_assert_num_queries):
    community, post = setting_up()
    for index, zone in enumerate(["Asia/Ho_Chi_Minh", "Europe/Berlin", "America/New_York", ""]):
        member = add_member(community, person(time_zone=zone))
        for day in range(10):
            act(EventKind.LIKE, member, post, NOW - timedelta(days=day, hours=index + 1))
    with django_assert_num_queries(2):
        grid = compute_grid(community, NOW)
    assert grid.sample.events == 40


def test_an_answer_is_reused_within_the_hour(settings, django_assert_num_queries):
    settings.COMMUNA = {**settings.COMMUNA, "BEST_TIME_CACHE_SECONDS": 3600}
    community, post = setting_up()
    act(EventKind.LIKE, add_member(community), post, MONDAY.replace(hour=9))
    first = best_times(community, NOW)
    with django_assert_num_queries(0):
        again = best_times(community, NOW + timedelta(minutes=59))
    assert again == first
    assert best_times(community, NOW + timedelta(hours=1)).sample.events == 1


# --- the next free time -------------------------------------------------------------------------


def _grid(*cells: tuple[int, int], zone: str = "Asia/Ho_Chi_Minh") -> BestTimeGrid:
    return BestTimeGrid(
        time_zone=zone,
        window_weeks=8,
        sample=Sample(100, 10, 8),
        minimum_members=1,
        minimum_events=1,
        enough_data=True,
        top=tuple(Slot(day, hour, 100) for day, hour in cells),
    )


def test_the_next_best_time_is_the_start_of_the_next_suggested_hour_on_the_communitys_clock():
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    grid = _grid((1, 19), (3, 8))
    monday_morning = datetime(2024, 1, 8, 10, 0, tzinfo=zone)

    found = next_free_slot(grid, zone, monday_morning)

    assert found == datetime(2024, 1, 9, 19, 0, tzinfo=zone)
    assert found.tzinfo == zone
    # a moment inside a suggested hour looks for the next one
    assert next_free_slot(grid, zone, found + timedelta(minutes=1)) == datetime(
        2024, 1, 11, 8, 0, tzinfo=zone
    )


def test_the_next_best_time_skips_hours_already_taken():
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    grid = _grid((1, 19), (3, 8))
    after = datetime(2024, 1, 8, 10, 0, tzinfo=zone)
    tuesday_post = datetime(2024, 1, 9, 12, 15, tzinfo=UTC)  # 19:15 in Hanoi
    thursday_post = datetime(2024, 1, 11, 8, 59, tzinfo=zone)

    assert next_free_slot(grid, zone, after, [tuesday_post]) == datetime(
        2024, 1, 11, 8, 0, tzinfo=zone
    )
    assert next_free_slot(grid, zone, after, [tuesday_post, thursday_post]) == datetime(
        2024, 1, 16, 19, 0, tzinfo=zone
    )
    # a post at another hour of the same day takes nothing
    assert next_free_slot(grid, zone, after, [tuesday_post + timedelta(hours=1)]) == datetime(
        2024, 1, 9, 19, 0, tzinfo=zone
    )


def test_the_next_best_time_skips_an_hour_that_summer_time_leaves_out():
    zone = ZoneInfo("Europe/Berlin")
    grid = _grid((6, 2), zone="Europe/Berlin")  # Sunday 02:00
    after = datetime(2024, 3, 30, 12, 0, tzinfo=zone)
    # 31 March 2024 has no 02:00 in Berlin: the clocks go from 01:59 to 03:00
    assert next_free_slot(grid, zone, after) == datetime(2024, 4, 7, 2, 0, tzinfo=zone)


def test_the_next_best_time_through_the_kernel_socket():
    # given a member who likes posts at 19:00 on the clock of the community's Hanoi
    community, post = setting_up("Asia/Ho_Chi_Minh")
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    member = add_member(community)
    now = datetime.now(zone)
    evening = (now - timedelta(days=3)).replace(hour=19, minute=10, second=0, microsecond=0)
    act(EventKind.LIKE, member, post, evening)

    # when the scheduling form asks for the next best time from now
    found = next_best_time(community, now)

    # then it is 19:00 in Hanoi on that weekday, four days from now
    expected = (now + timedelta(days=4)).replace(hour=19, minute=0, second=0, microsecond=0)
    assert found == expected
    assert found.tzinfo == zone
    # and with a post already scheduled in that hour, the same hour a week later
    taken = [expected + timedelta(minutes=20)]
    assert next_best_time(community, now, taken) == expected + timedelta(weeks=1)


def test_without_analytics_there_is_never_enough_data():
    community = make_community()
    socket = BestTimes()
    grid = socket.grid(community, NOW)
    assert not grid.enough_data
    assert grid.top == ()
    assert socket.next_best_time(community, NOW, []) is None


# --- the page and the API -----------------------------------------------------------------------


def last_tuesday_evening() -> datetime:
    """19:10 UTC on the Tuesday a week before the last one: inside the window."""
    now = datetime.now(UTC)
    days_back = (now.weekday() - 1) % 7 + 7
    return (now - timedelta(days=days_back)).replace(hour=19, minute=10, second=0, microsecond=0)


def busy_community(**data):
    """A community whose members like posts on Tuesday evenings (UTC), within the window."""
    community = make_community(slug="cooks", **data)
    post = make_post(community)
    for _n in range(3):
        act(EventKind.LIKE, add_member(community), post, last_tuesday_evening())
    return community


def weeks_back() -> int:
    return math.ceil((datetime.now(UTC) - last_tuesday_evening()) / timedelta(weeks=1))


def weeks_text() -> str:
    """The weeks covered as the page says them: "1 week" early on a Tuesday, else "2 weeks"."""
    weeks = weeks_back()
    return f"{weeks} week" if weeks == 1 else f"{weeks} weeks"


SEES_STATISTICS = {Relation.OWNER, Relation.ADMIN, Relation.EDITOR, Relation.ANALYST}


@pytest.mark.parametrize("privacy", [Privacy.OPEN, Privacy.PRIVATE])
@pytest.mark.parametrize("relation", list(Relation))
def test_the_page_opens_exactly_for_who_sees_statistics(relation, privacy):
    # given a community and a person in this relation to it
    community = busy_community(privacy=privacy)
    viewer = with_relation(community, relation)

    # when they open the best-time page
    response = client_of(viewer).get("/c/cooks/statistics/best-time/")

    # then the statistics team gets it; others are refused the way the table hides the community
    assert allowed(Action.VIEW_STATISTICS, privacy) == SEES_STATISTICS
    if relation in SEES_STATISTICS:
        assert response.status_code == 200
    elif relation == Relation.ANONYMOUS:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif relation not in allowed(Action.SEE, privacy):
        assert response.status_code == 404
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("privacy", [Privacy.OPEN, Privacy.PRIVATE])
@pytest.mark.parametrize("relation", list(Relation))
def test_the_api_answers_exactly_who_sees_statistics(relation, privacy):
    community = busy_community(privacy=privacy)
    response = api_as(with_relation(community, relation)).get("/communities/cooks/best-times")
    if relation in SEES_STATISTICS:
        assert response.status_code == 200, response.content
    elif relation == Relation.ANONYMOUS:
        assert response.status_code == 401
    elif relation not in allowed(Action.SEE, privacy):
        assert response.status_code == 404
        error_of(response)
    else:
        assert response.status_code == 403
        error_of(response)


def test_the_api_gives_the_grid_the_suggestions_and_the_sample():
    community = busy_community()
    response = api_as(owner_of(community)).get("/communities/cooks/best-times")
    body = response.json()
    assert body["enough_data"] is True
    assert body["time_zone"] == "UTC"
    assert body["window_weeks"] == 8
    assert body["sample"] == {"events": 3, "members": 3, "weeks": weeks_back()}
    assert body["minimum"] == {"members": 1, "events": 1}
    assert body["top"] == [{"weekday": 1, "hour": 19, "score": 100}]
    assert len(body["grid"]) == 7
    assert all(len(row) == 24 for row in body["grid"])
    assert body["grid"][1][19] == 100


def test_the_api_says_when_there_is_not_enough_data(settings):
    settings.COMMUNA = {**settings.COMMUNA, "BEST_TIME_MIN_MEMBERS": 10}
    community = busy_community()
    body = api_as(owner_of(community)).get("/communities/cooks/best-times").json()
    assert body["enough_data"] is False
    assert body["top"] == []
    assert body["sample"]["members"] == 3
    assert body["minimum"]["members"] == 10


def test_the_page_shows_a_heat_map_table_with_scores_as_text_and_the_suggestions():
    community = busy_community()
    response = client_of(owner_of(community)).get("/c/cooks/statistics/best-time/")
    html = response.content.decode()
    assert response.context["best_times"].enough_data
    assert 'role="region" tabindex="0" aria-labelledby="best-times-map-heading"' in html
    assert html.count('<th scope="row">') == 7
    assert html.count('<th scope="col">') == 25
    assert '<span class="visually-hidden">Tuesday</span>' in html
    # the suggested cell shows its score and says it is suggested, besides its shade
    assert '<td class="heat-5 suggested">100<span aria-hidden="true">★</span>' in html
    assert "<strong>Tuesday, 7 p.m.–8 p.m.</strong>" in html
    assert f"3 events from 3 members over {weeks_text()}" in html


def test_the_page_starts_the_week_where_the_language_does():
    community = busy_community()
    client = client_of(owner_of(community))
    english = client.get("/c/cooks/statistics/best-time/").context["best_times"].rows()
    assert [row.weekday for row in english][:2] == [6, 0]  # Sunday first in English
    with translation.override("ru"):
        russian = best_times(community).rows()
    assert [row.weekday for row in russian][:2] == [0, 1]


def test_the_page_says_not_enough_data_with_the_sample(settings):
    settings.COMMUNA = {**settings.COMMUNA, "BEST_TIME_MIN_MEMBERS": 10}
    community = busy_community()
    html = client_of(owner_of(community)).get("/c/cooks/statistics/best-time/").content.decode()
    assert f"Not enough data yet: 3 events from 3 members over {weeks_text()}." in html
    assert "<table" not in html


def test_the_page_is_in_the_manage_areas_statistics_for_an_analyst_not_a_moderator():
    community = busy_community()
    analyst = add_member(community, role=Role.ANALYST)
    moderator = add_member(community, role=Role.MODERATOR)
    manage_page = client_of(analyst).get("/c/cooks/manage/").content.decode()
    assert 'href="/c/cooks/statistics/best-time/"' in manage_page
    manage_page = client_of(moderator).get("/c/cooks/manage/").content.decode()
    assert 'href="/c/cooks/statistics/best-time/"' not in manage_page
