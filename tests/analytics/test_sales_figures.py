"""R9.9: clicks, impressions, CTR, conversions, conversion rate, revenue and AOV per campaign and
per post over a period, through the API, the page and its CSV (docs/metrics.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from communa.analytics.models import Conversion, Event, EventKind
from communa.analytics.periods import period_of
from communa.analytics.sales.queries import campaigns_of, sales_by_campaign
from communa.communities.models import Community, Privacy, Role
from communa.walls.models import LinkTags, Post
from communa.walls.tracking import tags_of
from tests.analytics.support import rolled_up
from tests.factories import add_member, make_community, owner_of, person
from tests.support import api_as, client_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def events(post: Post, kind: str, count: int, at: datetime | None = None) -> None:
    Event.objects.bulk_create(
        Event(kind=kind, community_id=post.community_id, post=post, at=at or timezone.now())
        for _ in range(count)
    )


def sale(community: Community, order: str, amount: str, currency: str, campaign: str, post=None):
    Conversion.objects.create(
        community=community,
        order_id=order,
        amount=Decimal(amount),
        currency=currency,
        utm_source="communa",
        utm_campaign=campaign,
        utm_content=f"post-{post.pk}" if post else "",
        post=post,
        occurred_at=timezone.now(),
    )


@pytest.fixture
def shop_community() -> Community:
    community = make_community()
    spring = make_post(community, body="Spring sale", link_url="https://shop.example/spring")
    LinkTags.objects.create(post=spring, utm_campaign="spring")
    plain = make_post(community, body="No link here")
    events(spring, EventKind.IMPRESSION, 200)
    events(spring, EventKind.LINK_CLICK, 10)
    events(plain, EventKind.IMPRESSION, 999)  # carries no tracked link: not in any CTR
    events(spring, EventKind.LINK_CLICK, 7, at=timezone.now() - timedelta(days=60))  # before
    sale(community, "1", "30.00", "EUR", "spring", spring)
    sale(community, "2", "50.00", "EUR", "spring", spring)
    sale(community, "3", "20.00", "USD", "spring")
    rolled_up()  # what the worker does: the day cells the figures read
    return community


def test_a_campaign_has_its_clicks_impressions_ctr_conversions_and_money_per_currency(
    shop_community,
):
    period = period_of(shop_community, period="30")
    [row] = sales_by_campaign(shop_community, period)
    assert (row.name, row.clicks, row.impressions, row.conversions) == ("spring", 10, 200, 3)
    assert row.ctr == Decimal("5.00")
    assert row.conversion_rate == Decimal("30.00")
    assert row.revenue == {"EUR": Decimal("80.00"), "USD": Decimal("20.00")}
    assert row.average_order_value == {"EUR": Decimal("40.00"), "USD": Decimal("20.00")}


def test_the_api_gives_the_same_figures_per_campaign_and_per_post(shop_community):
    api = api_as(owner_of(shop_community))
    campaigns = api.get(f"/communities/{shop_community.slug}/stats/sales/campaigns?period=30")
    posts = api.get(f"/communities/{shop_community.slug}/stats/sales/posts?period=30")
    assert campaigns.status_code == 200, campaigns.content
    [row] = campaigns.json()["rows"]
    assert row["ctr"] == "5.00"
    assert row["money"][0] == {
        "currency": "EUR",
        "revenue": "80.00",
        "orders": 2,
        "average_order_value": "40.00",
    }
    [by_post] = [r for r in posts.json()["rows"] if r["clicks"]]
    assert (by_post["clicks"], by_post["conversions"]) == (10, 2)


def test_the_campaign_of_many_posts_is_the_one_their_links_carry(shop_community):
    posts = list(Post.objects.filter(community=shop_community).select_related("rubric"))
    assert campaigns_of(posts) == {post.pk: tags_of(post)["utm_campaign"] for post in posts}


def test_the_page_lists_campaigns_and_its_csv_has_one_line_per_currency(shop_community):
    client = client_of(owner_of(shop_community))
    page = client.get(f"/c/{shop_community.slug}/statistics/sales/?sort=-ctr")
    download = client.get(f"/c/{shop_community.slug}/statistics/sales/?format=csv")
    assert page.status_code == 200
    assert 'aria-sort="descending"' in page.content.decode("utf-8-sig")
    assert download["Content-Type"].startswith("text/csv")
    lines = download.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("campaign,name,clicks,impressions,ctr_percent")
    assert lines[1:] == [
        "spring,spring,10,200,5.00,3,30.00,EUR,80.00,2,40.00",
        "spring,spring,10,200,5.00,3,30.00,USD,20.00,1,20.00",
    ]


def test_a_campaign_name_that_looks_like_a_formula_is_defused_in_the_csv(shop_community):
    sale(shop_community, "9", "1.00", "EUR", "=HYPERLINK(1)")
    client = client_of(owner_of(shop_community))
    text = client.get(f"/c/{shop_community.slug}/statistics/sales/?format=csv").content.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK(1)" in text


def test_figures_of_a_private_community_stay_hidden_from_members_and_outsiders():
    community = make_community(privacy=Privacy.PRIVATE)
    member = add_member(community)
    outsider = person()
    path = f"/communities/{community.slug}/stats/sales/campaigns"
    assert api_as(outsider).get(path).status_code == 404
    refused = api_as(member).get(path)
    assert refused.status_code == 403
    assert "rows" not in refused.json()
    assert client_of(outsider).get(f"/c/{community.slug}/statistics/sales/").status_code == 404


def test_an_analyst_reads_the_figures(shop_community):
    analyst = add_member(shop_community, role=Role.ANALYST)
    path = f"/communities/{shop_community.slug}/stats/sales/campaigns"
    assert api_as(analyst).get(path).status_code == 200


def test_a_period_beyond_the_limit_is_a_422_naming_the_field(shop_community):
    api = api_as(owner_of(shop_community))
    response = api.get(
        f"/communities/{shop_community.slug}/stats/sales/campaigns"
        "?period=custom&start=2020-01-01&end=2026-01-01"
    )
    assert response.status_code == 422
    assert "end" in response.json()["error"]["fields"]


def test_the_campaign_table_reads_the_same_number_of_queries_for_more_campaigns(
    shop_community, django_assert_max_num_queries
):
    api = api_as(owner_of(shop_community))
    path = f"/communities/{shop_community.slug}/stats/sales/campaigns?period=30"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        api.get(path)
    for n in range(5):
        post = make_post(shop_community, body=f"more {n}", link_url=f"https://shop.example/{n}")
        LinkTags.objects.create(post=post, utm_campaign=f"c{n}")
        events(post, EventKind.LINK_CLICK, 2)
        sale(shop_community, f"x{n}", "1.00", "EUR", f"c{n}")
    rolled_up()
    with CaptureQueriesContext(connection) as many:
        response = api.get(path)
    assert len(response.json()["rows"]) == 6
    assert len(many) == len(few)


def test_at_day_edges_the_period_follows_the_community_clock():
    community = make_community(time_zone="Asia/Tokyo")
    post = make_post(community, link_url="https://shop.example/x")
    today_tokyo = timezone.now().astimezone(period_of(community).zone).date()
    midnight = datetime.combine(today_tokyo, datetime.min.time(), tzinfo=period_of(community).zone)
    events(post, EventKind.LINK_CLICK, 1, at=midnight)  # today
    events(post, EventKind.LINK_CLICK, 1, at=midnight - timedelta(microseconds=1))  # yesterday
    period = period_of(community, period="custom", start=today_tokyo, end=today_tokyo)
    rolled_up()
    [row] = sales_by_campaign(community, period)
    assert row.clicks == 1
    assert midnight.astimezone(UTC).hour == 15
