"""Statistics: the dashboard, engagement rates both ways, the post table, CSV and the report."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communa.analytics.ingest import record_impressions, viewer_for_user
from communa.analytics.metrics.dashboard import dashboard
from communa.analytics.metrics.posts import latest_posts, rates_of
from communa.analytics.periods import period_of
from communa.communities.actions.membership import join_community
from communa.communities.models import Community, Privacy
from communa.communities.permissions import Action, Relation, allowed
from communa.walls.actions.comments import add_comment
from communa.walls.actions.interactions import like_post, unlike_post
from communa.walls.actions.posts import delete_post, share_post
from communa.walls.models import Post
from tests.analytics.support import rolled_up
from tests.factories import make_community, owner_of, person, with_relation
from tests.support import api_as, client_of, error_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

SEES_STATISTICS = {Relation.OWNER, Relation.ADMIN, Relation.EDITOR, Relation.ANALYST}


def _members(community: Community, count: int) -> list:
    people = [person() for _ in range(count)]
    for someone in people:
        join_community(actor=someone, community=community)
    return people


def _seen_by(post: Post, people: list) -> None:
    for someone in people:
        record_impressions(viewer_for_user(someone), [post])


def _cooks() -> tuple[Community, list]:
    """A community of the owner and 7 members, with one post seen by 4 of them, liked by 2,
    commented by 1 and shared by 1."""
    community = make_community(person(), slug="cooks", privacy=Privacy.OPEN)
    people = _members(community, 7)
    post = make_post(community)
    _seen_by(post, people[:4])
    like_post(actor=people[0], post=post)
    like_post(actor=people[1], post=post)
    add_comment(actor=people[2], post=post, body="Tasty")
    share_post(actor=people[3], post=post)
    return community, people


def test_a_posts_rates_divide_its_engagements_by_its_reach_and_its_members_at_publication():
    # given
    community, _people = _cooks()
    rolled_up()
    # when
    (row,) = latest_posts(community)
    # then: 2 likes + 1 comment + 1 share, seen by 4, 8 members when it was published
    assert (row.engagements, row.reach, row.members_at_publication) == (4, 4, 8)
    assert row.er_reach == pytest.approx(1.0)
    assert row.er_members == pytest.approx(0.5)
    assert row.love_rate == pytest.approx(2 / 8)
    assert row.talk_rate == pytest.approx(1 / 8)
    assert row.amplification_rate == pytest.approx(1 / 8)
    assert row.virality_rate == pytest.approx(1 / 4)


def test_members_who_join_later_do_not_change_an_old_posts_rate():
    # given
    community, _people = _cooks()
    rolled_up()
    # when five more join after the post
    _members(community, 5)
    rolled_up()
    # then
    (row,) = latest_posts(community)
    assert row.members_at_publication == 8
    assert row.er_members == pytest.approx(0.5)


def test_the_period_shows_the_mean_of_post_rates_and_the_pooled_rate_apart():
    # given: a post with ER by reach 4/4 and one with 1/10
    community, people = _cooks()
    quiet = make_post(community)
    extra = _members(community, 3)
    _seen_by(quiet, people + extra)
    like_post(actor=people[5], post=quiet)
    rolled_up()
    # when
    rates = rates_of(latest_posts(community))
    # then
    assert rates.er_reach_mean == pytest.approx((1.0 + 0.1) / 2)
    assert rates.er_reach_pooled == pytest.approx(5 / 14)


def test_an_unlike_takes_the_like_back_everywhere():
    # given
    community, people = _cooks()
    unlike_post(actor=people[1], post=Post.objects.get(community=community))
    rolled_up()
    # when
    found = dashboard(community, period_of(community, period="7"))
    (row,) = latest_posts(community)
    # then
    assert row.likes == 1
    likes = next(item for item in found.actions if item.key == "likes")
    assert likes.value == 1
    assert sum(day["engagements"] for day in found.daily) == 3


def test_er_day_divides_a_days_engagements_by_that_days_members():
    # given
    community, _people = _cooks()
    rolled_up()
    # when
    found = dashboard(community, period_of(community, period="7"))
    # then: today 4 engagements and 8 members; the days before had no members
    today = found.daily[-1]
    assert (today["engagements"], today["members"]) == (4, 8)
    assert today["er_day"] == pytest.approx(0.5)
    assert found.daily[0]["er_day"] is None
    assert found.er_day_average == pytest.approx(4 / 8)


def test_growth_counts_joins_and_leaves_of_the_period_and_the_period_before_is_apart():
    # given
    community, _people = _cooks()
    rolled_up()
    # when
    found = dashboard(community, period_of(community, period="30"))
    # then
    assert (found.growth.joins, found.growth.net, found.growth.members_at_end) == (8, 8, 8)
    assert found.growth.members_at_start == 0
    assert found.growth.rate is None
    members = next(item for item in found.headline if item.key == "members")
    assert (members.value, members.previous) == (8, 0)


def test_a_deleted_post_leaves_the_post_table():
    # given
    community, _people = _cooks()
    extra = make_post(community)
    delete_post(actor=owner_of(community), post=extra)
    rolled_up()
    # when
    rows = latest_posts(community)
    # then
    assert [row.post_id for row in rows] == [
        Post.objects.filter(community=community).exclude(pk=extra.pk).get().pk
    ]


@pytest.mark.parametrize("privacy", [Privacy.OPEN, Privacy.PRIVATE])
@pytest.mark.parametrize("relation", list(Relation))
def test_the_dashboard_api_answers_exactly_who_sees_statistics(relation, privacy):
    community = make_community(person(), slug="cooks", privacy=privacy)
    response = api_as(with_relation(community, relation)).get("/communities/cooks/stats/dashboard")
    assert allowed(Action.VIEW_STATISTICS, privacy) == SEES_STATISTICS
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


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=custom&start=2026-03-10&end=2026-03-01", "end"),
        ("period=custom&start=2016-01-01&end=2026-01-01", "end"),
        ("period=custom&start=2026-01-01", "end"),
        ("period=14", "period"),
        ("start=2026-02-30&end=2026-03-01", "start"),
    ],
)
def test_a_bad_period_is_refused_naming_the_field(query, field):
    community = make_community(person(), slug="cooks")
    response = api_as(owner_of(community)).get(f"/communities/cooks/stats/dashboard?{query}")
    assert response.status_code == 422
    assert field in error_of(response)["fields"], response.content


def test_the_api_gives_the_same_figures_as_the_query_functions():
    # given
    community, _people = _cooks()
    rolled_up()
    # when
    body = api_as(owner_of(community)).get("/communities/cooks/stats/dashboard?period=7").json()
    table = api_as(owner_of(community)).get("/communities/cooks/stats/posts?sort=er_reach").json()
    # then
    assert body["period"]["days"] == 7
    assert body["rates"]["posts"] == 1
    assert body["rates"]["er_reach_mean"] == pytest.approx(1.0)
    assert body["rates"]["er_members_pooled"] == pytest.approx(0.5)
    assert body["reach"]["all"] == 4
    assert body["daily"][-1]["members"] == 8
    assert table["posts"][0]["er_members"] == pytest.approx(0.5)
    assert table["posts"][0]["engagements"] == 4


def test_a_custom_period_reads_whole_local_days():
    # given
    community, _people = _cooks()
    rolled_up()
    today = timezone.localdate()
    # when
    body = (
        api_as(owner_of(community))
        .get(f"/communities/cooks/stats/dashboard?start={today - timedelta(days=2)}&end={today}")
        .json()
    )
    # then
    assert body["period"] == {
        "period": "custom",
        "start": (today - timedelta(days=2)).isoformat(),
        "end": today.isoformat(),
        "days": 3,
        "time_zone": "UTC",
    }
    assert body["previous_period"]["end"] == (today - timedelta(days=3)).isoformat()


def test_the_dashboard_page_shows_the_figures_and_refuses_a_bad_period_beside_its_field():
    # given
    community, _people = _cooks()
    rolled_up()
    browser = client_of(owner_of(community))
    # when
    page = browser.get("/c/cooks/statistics/?period=7")
    bad = browser.get("/c/cooks/statistics/?period=custom&start=2026-03-10&end=2026-03-01")
    # then
    assert page.status_code == 200
    assert b'role="img"' in page.content
    assert b"100,00 %" in page.content or b"100.00 %" in page.content
    assert bad.status_code == 422
    assert b"The last day comes before the first day." in bad.content
    year = browser.get("/c/cooks/statistics/?period=365")
    assert b"The 365 days of this period are in the CSV download above." in year.content
    assert b"The 7 days" not in page.content


def test_the_post_table_downloads_as_csv_in_the_pages_order():
    # given
    community, _people = _cooks()
    make_post(community, body="=HYPERLINK(1)")
    rolled_up()
    # when
    response = client_of(owner_of(community)).get("/c/cooks/statistics/posts.csv?sort=reach")
    # then
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["reach"] for row in rows] == ["4", "0"]
    assert rows[1]["title"].startswith("'=")


def test_each_dashboard_table_downloads_as_csv():
    community, _people = _cooks()
    rolled_up()
    browser = client_of(owner_of(community))
    daily = browser.get("/c/cooks/statistics/daily.csv?period=7")
    rows = list(csv.DictReader(io.StringIO(daily.content.decode("utf-8-sig"))))
    assert len(rows) == 7
    assert rows[-1]["members"] == "8"
    assert browser.get("/c/cooks/statistics/nothing.csv").status_code == 422
    for table in ("headline", "actions", "platforms", "rates", "rubrics", "tones", "top"):
        answer = browser.get(f"/c/cooks/statistics/{table}.csv?period=7")
        assert answer.status_code == 200, table
        assert len(answer.content.decode("utf-8-sig").splitlines()) >= 2, table
    platforms = browser.get("/c/cooks/statistics/platforms.csv?period=7")
    rows = list(csv.DictReader(io.StringIO(platforms.content.decode("utf-8-sig"))))
    assert rows[-1] == {"platform": "all", "reach": "4", "impressions": "4"}
    audience = browser.get("/c/cooks/statistics/audience.csv")
    assert audience.status_code == 200


def test_the_report_prints_the_period_with_the_goals_progress():
    community, _people = _cooks()
    api_as(owner_of(community)).post(
        "/communities/cooks/goals",
        {
            "goal_type": "awareness",
            "metric": "members",
            "name": "Ten members",
            "target": "10",
            "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    rolled_up()
    page = client_of(owner_of(community)).get("/c/cooks/statistics/report/?period=30")
    assert page.status_code == 200
    assert b"report-cover" in page.content
    assert b"Ten members" in page.content
    assert b"80.0 %" in page.content


def test_the_pages_read_a_fixed_number_of_queries_whatever_the_posts():
    # given
    community, people = _cooks()
    rolled_up()
    browser = client_of(owner_of(community))
    browser.get("/c/cooks/statistics/posts/")
    browser.get("/c/cooks/statistics/?period=30")  # the audience is counted, then kept
    with CaptureQueriesContext(connection) as few:
        browser.get("/c/cooks/statistics/posts/")
        browser.get("/c/cooks/statistics/?period=30")
    for _n in range(6):
        _seen_by(make_post(community), people[:2])
    rolled_up()
    # when
    with CaptureQueriesContext(connection) as many:
        browser.get("/c/cooks/statistics/posts/")
        browser.get("/c/cooks/statistics/?period=30")
    # then
    assert len(many) == len(few)


def test_a_post_published_since_the_last_rollup_has_its_members_at_publication_already():
    # given a post the worker has not rolled up yet
    community, _people = _cooks()
    # when
    (row,) = latest_posts(community)
    found = dashboard(community, period_of(community, period="7"))
    # then both readings take the members from the membership history
    assert row.members_at_publication == 8
    assert found.rates.er_members_pooled == pytest.approx(0.5)
    assert found.top_posts[0].members_at_publication == 8


def test_the_post_table_shows_more_posts_like_a_chosen_one():
    # given three posts of one rubric and tone, one of another tone
    community, people = _cooks()
    first = Post.objects.get(community=community)
    Post.objects.filter(pk=first.pk).update(tone="emotional")
    alike = make_post(community, body="Alike")
    other = make_post(community, body="Other")
    Post.objects.filter(pk=alike.pk).update(tone="emotional", rubric=first.rubric)
    Post.objects.filter(pk=other.pk).update(tone="branded", rubric=first.rubric)
    _seen_by(alike, people[:2])
    like_post(actor=people[0], post=alike)
    rolled_up()
    # when
    page = client_of(owner_of(community)).get(f"/c/cooks/statistics/posts/?like={first.pk}")
    # then
    answer = api_as(owner_of(community)).get(f"/communities/cooks/stats/posts/{first.pk}/similar")
    unknown = api_as(owner_of(community)).get("/communities/cooks/stats/posts/987654/similar")
    # then the page and the API name the same post, and only it
    similar = page.content.decode().split('id="similar-heading"')[1].split("</section>")[0]
    assert "Alike" in similar
    assert "Other" not in similar
    assert [row["post_id"] for row in answer.json()["similar"]] == [alike.pk]
    assert unknown.status_code == 404
