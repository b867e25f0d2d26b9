"""R9.8: setting, reading and dropping goals through the API and the goals page; who may do
what; a warning when a goal will miss its deadline."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communa.analytics.models import Conversion, Goal, GoalType
from communa.analytics.periods import today_in
from communa.communities.models import Community, Privacy, Role
from communa.core.moments import community_time_zone
from tests.factories import add_member, make_community, owner_of, person
from tests.support import api_as, client_of, error_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def community() -> Community:
    found = make_community()
    Community.objects.filter(pk=found.pk).update(created_at=timezone.now() - timedelta(days=400))
    found.refresh_from_db()
    return found


def today(community: Community):
    return today_in(community_time_zone(community))


def goal_body(community: Community, **change) -> dict:
    return {
        "goal_type": "sales",
        "metric": "conversions",
        "target": "100",
        "deadline": (today(community) + timedelta(days=20)).isoformat(),
        **change,
    }


def path(community: Community, tail: str = "") -> str:
    return f"/communities/{community.slug}/goals{tail}"


def test_the_owner_sets_a_goal_and_reads_its_progress(community):
    api = api_as(owner_of(community))
    made = api.post(path(community), goal_body(community, name="Spring orders"))
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["metric"], body["target"], body["status"]) == (
        "conversions",
        "100",
        "not_enough_data",
    )
    assert body["starts_on"] == today(community).isoformat()
    assert api.get(path(community, f"/{body['id']}")).json()["name"] == "Spring orders"


def test_a_metric_not_measured_yet_is_refused_with_the_reason(community):
    response = api_as(owner_of(community)).post(
        path(community), goal_body(community, goal_type="support", metric="first_response_time")
    )
    assert response.status_code == 422
    assert "inbox" in error_of(response)["fields"]["metric"][0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"goal_type": "awareness", "metric": "conversions"}, "metric"),
        ({"metric": "revenue"}, "currency"),  # money needs its currency
        ({"metric": "conversions", "currency": "EUR"}, "currency"),
        ({"target": "0"}, "target"),
        ({"target": 1.5}, "target"),
        ({"deadline": "2000-01-01"}, "deadline"),
        ({"starts_on": "1999-01-01"}, "starts_on"),
        ({"goal_type": "fame"}, "goal_type"),
    ],
)
def test_a_goal_that_does_not_fit_is_a_422_naming_the_field(community, change, field):
    response = api_as(owner_of(community)).post(path(community), goal_body(community, **change))
    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert not Goal.objects.exists()


def test_a_revenue_goal_has_a_currency(community):
    response = api_as(owner_of(community)).post(
        path(community), goal_body(community, metric="revenue", currency="EUR", target="5000.50")
    )
    assert response.status_code == 201
    assert response.json()["currency"] == "EUR"


def test_an_analyst_reads_goals_but_only_the_settings_team_writes_them(community):
    goal = Goal.objects.create(
        community=community,
        goal_type=GoalType.SALES,
        metric="conversions",
        target=10,
        starts_on=today(community),
        deadline=today(community) + timedelta(days=5),
    )
    analyst = add_member(community, role=Role.ANALYST)
    editor = add_member(community, role=Role.EDITOR)
    admin = add_member(community, role=Role.ADMIN)
    assert api_as(analyst).get(path(community)).status_code == 200
    assert api_as(editor).post(path(community), goal_body(community)).status_code == 403
    assert api_as(editor).delete(path(community, f"/{goal.pk}")).status_code == 403
    assert api_as(admin).patch(path(community, f"/{goal.pk}"), {"target": "20"}).status_code == 200
    assert api_as(admin).delete(path(community, f"/{goal.pk}")).status_code == 204
    assert not Goal.objects.exists()


def test_goals_of_a_private_community_stay_hidden_from_outsiders_and_members():
    community = make_community(privacy=Privacy.PRIVATE)
    assert api_as(person()).get(path(community)).status_code == 404
    assert api_as(add_member(community)).get(path(community)).status_code == 403


def test_another_communitys_goal_is_not_found(community):
    other = make_community()
    goal = Goal.objects.create(
        community=other,
        goal_type=GoalType.SALES,
        metric="conversions",
        target=10,
        starts_on=today(other),
        deadline=today(other),
    )
    assert api_as(owner_of(community)).get(path(community, f"/{goal.pk}")).status_code == 404


def sales_goal(community: Community, target: int, metric: str = "conversions") -> Goal:
    start = today(community) - timedelta(days=10)
    return Goal.objects.create(
        community=community,
        goal_type=GoalType.SALES,
        metric=metric,
        target=target,
        starts_on=start,
        deadline=start + timedelta(days=30),
    )


def steady_sales(community: Community, per_day: int = 2) -> None:
    now = timezone.now()
    Conversion.objects.bulk_create(
        Conversion(
            community=community,
            order_id=f"{day}-{n}",
            amount=Decimal(10),
            currency="EUR",
            utm_source="communa",
            occurred_at=now - timedelta(days=day),
        )
        for day in range(1, 11)
        for n in range(per_day)
    )


def test_a_goal_that_will_miss_is_warned_about_on_the_page(community):
    steady_sales(community)  # 2 a day: about 62 by the deadline
    sales_goal(community, 1000)
    sales_goal(community, 50)
    listed = api_as(owner_of(community)).get(path(community)).json()["items"]
    page = client_of(owner_of(community)).get(f"/c/{community.slug}/statistics/goals/")
    assert [item["status"] for item in listed] == ["will_miss", "on_track"]
    assert listed[0]["warning"]
    assert listed[1]["forecast"]["slope_per_day"] == "2.0000"
    text = page.content.decode()
    assert page.status_code == 200
    assert "will miss their deadline" in text
    assert "<progress" in text
    assert "<svg" in text


def test_the_goals_list_reads_a_fixed_number_of_queries(community):
    steady_sales(community)
    sales_goal(community, 100)
    api = api_as(owner_of(community))
    with CaptureQueriesContext(connection) as one:
        api.get(path(community))
    for target in (10, 20, 30, 40):
        sales_goal(community, target)
        sales_goal(community, target, metric="link_clicks")
    with CaptureQueriesContext(connection) as many:
        listed = api.get(path(community)).json()["items"]
    assert len(listed) == 9
    # One more read for the one more metric (link clicks), none for more goals.
    assert len(many) == len(one) + 1


def test_the_page_sets_a_goal_for_the_settings_team(community):
    client = client_of(owner_of(community))
    response = client.post(
        f"/c/{community.slug}/statistics/goals/",
        {
            "goal_type": "awareness",
            "metric": "members",
            "target": "500",
            "deadline": (today(community) + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Goal.objects.get().metric == "members"


def test_the_catalogue_lists_every_type_with_its_metrics(community):
    found = api_as(owner_of(community)).get(f"/communities/{community.slug}/goal-metrics").json()
    assert {item["goal_type"] for item in found} == set(GoalType.values)
    support = [item for item in found if item["goal_type"] == "support"]
    assert support
    assert not any(item["available"] for item in support)
