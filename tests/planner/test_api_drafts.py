"""The planner's drafts, calendar and mix advisor through the API (R8.2–R8.4)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from communa.communities.models import Community, Kind, Role, Rubric
from communa.planner.models import ContentPlan, MixTargets, PlannedPost, PlanSlot, Promotion
from communa.walls.models import Post, PostStatus
from tests.factories import add_member, make_community, person
from tests.support import api_as, error_of

pytestmark = pytest.mark.django_db


def next_weekday(weekday: int, *, weeks_ahead: int = 1) -> date:
    today = timezone.now().date()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


@pytest.fixture
def page():
    owner = person("owner")
    community = make_community(owner, kind=Kind.PUBLIC_PAGE, name="Bakery", slug="bakery")
    Community.objects.filter(pk=community.pk).update(time_zone="Europe/Berlin")
    community.refresh_from_db()
    admin = add_member(community, person("admin"), role=Role.ADMIN)
    editor = add_member(community, person("editor"), role=Role.EDITOR)
    return community, owner, admin, editor


def test_a_wall_clock_time_is_read_in_the_community_time_zone(page):
    _community, _owner, _admin, editor = page
    day = next_weekday(2)
    answer = api_as(editor).post(
        "/communities/bakery/drafts", {"body": "Bread", "scheduled_at": f"{day}T09:00"}
    )
    assert answer.status_code == 201, answer.content
    post = Post.objects.get(pk=answer.json()["id"])
    local = post.scheduled_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    assert (local.date(), local.time()) == (day, time(9, 0))
    assert answer.json()["local_time"] == f"{day}T09:00"
    assert answer.json()["status"] == "draft"


def next_changes(zone_name: str) -> tuple[str, str, str, str]:
    """The next day and wall-clock time the clocks skip, and the next they repeat, in a zone
    (found from today on, so the test never names a day that has passed)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_name)
    gap = overlap = None
    day = timezone.now().date() + timedelta(days=1)
    for _ in range(800):
        for hour in range(24):
            local = datetime.combine(day, time(hour, 30))
            there = local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
            if gap is None and there.replace(tzinfo=None) != local:
                gap = (str(day), f"{hour:02d}:30")
            first = local.replace(tzinfo=zone, fold=0).utcoffset()
            doubled = first != local.replace(tzinfo=zone, fold=1).utcoffset()
            if overlap is None and doubled and there.replace(tzinfo=None) == local:
                overlap = (str(day), f"{hour:02d}:30")
        if gap and overlap:
            return (*gap, *overlap)
        day += timedelta(days=1)
    raise AssertionError(f"no daylight-saving change in {zone_name} within 800 days")


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_daylight_saving_gaps_and_overlaps_ask_for_a_choice(page, zone):
    gap_day, gap_time, overlap_day, overlap_time = next_changes(zone)
    community, _owner, _admin, editor = page
    Community.objects.filter(pk=community.pk).update(time_zone=zone)
    api = api_as(editor)
    # a time the clocks skip is refused, naming the real times around it
    gap = api.post(
        "/communities/bakery/drafts", {"body": "x", "scheduled_at": f"{gap_day}T{gap_time}"}
    )
    assert gap.status_code == 422
    assert "skip" in error_of(gap)["fields"]["scheduled_at"][0]
    # a time that happens twice needs `fold`
    twice = api.post(
        "/communities/bakery/drafts",
        {"body": "x", "scheduled_at": f"{overlap_day}T{overlap_time}"},
    )
    assert twice.status_code == 422
    assert "twice" in error_of(twice)["fields"]["scheduled_at"][0]
    assert not Post.objects.filter(body="x").exists()
    first = api.post(
        "/communities/bakery/drafts",
        {"body": "first", "scheduled_at": f"{overlap_day}T{overlap_time}", "fold": "first"},
    )
    second = api.post(
        "/communities/bakery/drafts",
        {"body": "second", "scheduled_at": f"{overlap_day}T{overlap_time}", "fold": "second"},
    )
    assert first.status_code == second.status_code == 201
    one, two = (Post.objects.get(body=b).scheduled_at for b in ("first", "second"))
    assert two - one == timedelta(hours=1)


def test_bad_input_names_the_field_and_writes_nothing(page):
    community, _owner, _admin, editor = page
    api = api_as(editor)
    for body, field in [
        ({"body": "x", "scheduled_at": "tomorrow at nine"}, "scheduled_at"),
        ({"body": "x", "scheduled_at": "2020-01-01T09:00"}, "scheduled_at"),
        ({"body": "x", "slot": 999999, "slot_date": "2030-01-07"}, "slot"),
        ({"body": "x", "promotion": 999999}, "promotion"),
        ({"body": "x", "promotion": 2**70}, "promotion"),
        ({"body": "x", "scheduled_at": "9999-12-31T23:59"}, "scheduled_at"),
        ({"body": "x", "scheduled_at": "0001-01-01T00:00+14:00"}, "scheduled_at"),
        ({"body": "x", "scheduled_at": "2030-01-01T25:00"}, "scheduled_at"),
        (
            {"body": "x", "scheduled_at": (timezone.now() + timedelta(days=800)).isoformat()},
            "scheduled_at",
        ),
        ({"body": "x", "fold": "third"}, "fold"),
    ]:
        answer = api.post("/communities/bakery/drafts", body)
        assert answer.status_code == 422, (body, answer.content)
        assert field in error_of(answer)["fields"], answer.json()
    assert not Post.objects.filter(community=community).exists()
    for query, field in [
        ("day=garbage", "day"),
        ("day=9999-12-31&view=month", "day"),
        ("start=0001-01-01&end=0001-01-20", "start"),
        ("start=2030-01-01&end=2020-01-01", "end"),
        (f"rubric={2**70}", "rubric"),
    ]:
        answer = api.get(f"/communities/bakery/calendar?{query}")
        assert answer.status_code == 422, (query, answer.content)
        assert field in error_of(answer)["fields"]
    assert api.get("/communities/bakery/mix?day=9999-12-31&period=month").status_code == 422
    zone = api_as(page[1]).patch("/communities/bakery", {"time_zone": "Mars/Olympus_Mons"})
    assert zone.status_code == 422
    assert "time_zone" in error_of(zone)["fields"]


def test_the_approval_round_trip_through_the_api(page):
    _community, _owner, admin, editor = page
    day = next_weekday(3)
    created = api_as(editor).post(
        "/communities/bakery/drafts", {"body": "Menu", "scheduled_at": f"{day}T10:00"}
    )
    draft = created.json()["id"]
    # an editor cannot approve; the admin cannot approve their own; the admin returns it
    assert api_as(editor).post(f"/drafts/{draft}/submit", {}).json()["status"] == "pending"
    assert api_as(editor).post(f"/drafts/{draft}/approve", {}).status_code == 403
    queue = api_as(admin).get("/communities/bakery/approvals").json()["items"]
    assert [item["id"] for item in queue] == [draft]
    assert api_as(editor).get("/communities/bakery/approvals").status_code == 403
    returned = api_as(admin).post(f"/drafts/{draft}/return", {"comment": "Prices?"})
    assert returned.json()["status"] == "draft"
    assert returned.json()["review_reason"] == "Prices?"
    # the author changes it and sends it again; the admin approves
    api_as(editor).patch(f"/drafts/{draft}", {"body": "Menu: soup 5 €"})
    api_as(editor).post(f"/drafts/{draft}/submit", {})
    approved = api_as(admin).post(f"/drafts/{draft}/approve", {})
    assert approved.status_code == 200
    body = approved.json()
    assert body["status"] == "scheduled"
    assert [(s["from_status"], s["to_status"]) for s in body["history"]] == [
        ("", "draft"),
        ("draft", "pending"),
        ("pending", "draft"),
        ("draft", "pending"),
        ("pending", "scheduled"),
    ]
    assert [s["actor"] for s in body["history"]][-1] == "admin"


def test_approving_needs_no_body_at_all(page):
    _community, owner, _admin, editor = page
    draft = api_as(editor).post("/communities/bakery/drafts", {"body": "Now"}).json()["id"]
    api_as(editor).post(f"/drafts/{draft}/submit", {})
    # a client that sends no body (curl -X POST) approves for the planned time, here: now
    answer = api_as(owner).post(f"/drafts/{draft}/approve", "", content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "published"


def test_an_admin_cannot_approve_their_own_draft_through_the_api(page):
    _community, _owner, admin, _editor = page
    draft = api_as(admin).post("/communities/bakery/drafts", {"body": "Mine"}).json()["id"]
    api_as(admin).post(f"/drafts/{draft}/submit", {})
    refused = api_as(admin).post(f"/drafts/{draft}/approve", {})
    assert refused.status_code == 403
    assert Post.objects.get(pk=draft).status == PostStatus.PENDING


def test_drafts_are_invisible_to_members_and_outsiders(page):
    community, _owner, _admin, editor = page
    member = add_member(community, person("reader"))
    draft = api_as(editor).post("/communities/bakery/drafts", {"body": "Soon"}).json()["id"]
    for who in (member, person("stranger"), None):
        assert api_as(who).get(f"/drafts/{draft}").status_code in (401, 404)
        assert api_as(who).get(f"/posts/{draft}").status_code in (401, 404)
    assert api_as(member).get("/communities/bakery/drafts").status_code == 403


def test_the_calendar_shows_open_slots_drafts_and_promotions_in_the_local_week(page):
    community, _owner, _admin, editor = page
    rubric = Rubric.objects.filter(community=community).first()
    plan = ContentPlan.objects.create(community=community, name="Always")
    monday = PlanSlot.objects.create(plan=plan, weekday=0, time=time(9), rubric=rubric)
    PlanSlot.objects.create(plan=plan, weekday=2, time=time(18), rubric=rubric)
    day = next_weekday(0)
    Promotion.objects.create(
        community=community,
        kind="discount",
        name="Spring sale",
        starts_on=day,
        ends_on=day + timedelta(days=2),
    )
    # a draft fills Monday's slot
    filled = api_as(editor).post(
        "/communities/bakery/drafts",
        {"body": "Monday bread", "slot": monday.pk, "slot_date": str(day)},
    )
    assert filled.status_code == 201, filled.content
    assert filled.json()["local_time"] == f"{day}T09:00"
    week = api_as(editor).get(f"/communities/bakery/calendar?day={day}").json()
    days = {d["day"]: d for d in week["days"]}
    assert week["time_zone"] == "Europe/Berlin"
    assert [p["title"] for p in days[str(day)]["posts"]] == ["Monday bread"]
    assert days[str(day)]["open_slots"] == []
    wednesday = str(day + timedelta(days=2))
    assert [s["local_time"] for s in days[wednesday]["open_slots"]] == ["18:00"]
    assert [p["name"] for p in days[wednesday]["promotions"]] == ["Spring sale"]
    assert days[str(day + timedelta(days=3))]["promotions"] == []
    # filters narrow the posts
    none = api_as(editor).get(f"/communities/bakery/calendar?day={day}&state=scheduled").json()
    assert all(d["posts"] == [] for d in none["days"])


def test_a_slot_deleted_while_a_draft_points_at_it_leaves_the_draft_where_it_was(page):
    community, _owner, _admin, editor = page
    plan = ContentPlan.objects.create(community=community, name="Always")
    slot = PlanSlot.objects.create(plan=plan, weekday=4, time=time(12))
    day = next_weekday(4)
    draft = (
        api_as(editor)
        .post(
            "/communities/bakery/drafts",
            {"body": "Friday", "slot": slot.pk, "slot_date": str(day)},
        )
        .json()
    )
    slot.delete()
    again = api_as(editor).get(f"/drafts/{draft['id']}").json()
    assert again["slot"] is None
    assert again["scheduled_at"] == draft["scheduled_at"]
    assert PlannedPost.objects.filter(post_id=draft["id"]).exists()


def test_the_mix_advisor_warns_before_a_change_takes_the_week_out_of_bounds(page):
    community, _owner, _admin, editor = page
    MixTargets.objects.create(community=community, promotional_limit=20, max_per_day=2)
    day = next_weekday(1)
    api = api_as(editor)
    for hour in (9, 12):
        api.post(
            "/communities/bakery/drafts",
            {"body": f"Plain {hour}", "tone": "functional", "scheduled_at": f"{day}T{hour:02d}:00"},
        )
    promo = api.post(
        "/communities/bakery/drafts",
        {"body": "Sale!", "promotional": True, "tone": "branded"},
    ).json()["id"]
    # when the promotional post is tried on the same day
    trial = api.get(f"/communities/bakery/mix?post={promo}&at={day}T15:00").json()
    # then the advisor warns about the day and the promotional share
    assert trial["promotional"] == 1
    assert trial["promotional_share"] == 33
    assert any("more than 2 a day" in w for w in trial["warnings"])
    assert any("above the limit of 20" in w for w in trial["warnings"])
    # and the week as planned (without it) has no such warnings
    week = api.get(f"/communities/bakery/mix?day={day}").json()
    assert not any("above the limit" in w for w in week["warnings"])
    assert week["tones"][1]["tone"] == "functional"
    assert week["tones"][1]["share"] == 100


def test_moving_a_draft_on_the_calendar(page):
    community, _owner, _admin, editor = page
    day = next_weekday(2)
    draft = (
        api_as(editor)
        .post("/communities/bakery/drafts", {"body": "Cake", "scheduled_at": f"{day}T09:00"})
        .json()["id"]
    )
    moved = api_as(editor).post(
        f"/drafts/{draft}/move", {"scheduled_at": f"{day + timedelta(days=1)}T09:00"}
    )
    assert moved.status_code == 200
    assert moved.json()["local_time"] == f"{day + timedelta(days=1)}T09:00"
    past = api_as(editor).post(f"/drafts/{draft}/move", {"scheduled_at": "2001-01-01T09:00Z"})
    assert past.status_code == 422
    del community


def test_a_scheduled_post_goes_out_through_the_publisher(page):
    from communa.walls.actions.publishing import publish_due_posts

    community, _owner, admin, editor = page
    draft = (
        api_as(editor)
        .post(
            "/communities/bakery/drafts",
            {"body": "Soon", "scheduled_at": (timezone.now() + timedelta(minutes=5)).isoformat()},
        )
        .json()["id"]
    )
    api_as(editor).post(f"/drafts/{draft}/submit", {})
    api_as(admin).post(f"/drafts/{draft}/approve", {})
    Post.objects.filter(pk=draft).update(scheduled_at=datetime.now(UTC) - timedelta(seconds=5))
    assert publish_due_posts() == 1
    assert api_as(editor).get(f"/drafts/{draft}").json()["status"] == "published"
    wall = api_as(None).get("/communities/bakery/wall").json()
    assert [p["id"] for p in wall["items"]] == [draft]
    del community


def test_a_post_of_a_promotion_tags_its_links_with_the_promotion_campaign(page):
    from communa.walls.models import TrackedLink

    community, _owner, admin, editor = page
    day = next_weekday(4)
    promotion = Promotion.objects.create(
        community=community,
        kind="discount",
        name="Knife week",
        starts_on=day,
        ends_on=day,
        campaign="knife-week",
    )
    draft = (
        api_as(editor)
        .post(
            "/communities/bakery/drafts",
            {"body": "Sale", "link_url": "https://shop.example/knives", "promotion": promotion.pk},
        )
        .json()["id"]
    )
    api_as(editor).post(f"/drafts/{draft}/submit", {})
    api_as(admin).post(f"/drafts/{draft}/approve", {})
    code = TrackedLink.objects.get(post_id=draft, url="https://shop.example/knives").code
    answer = api_as(None).client.get(f"/l/{code}")
    assert answer.status_code == 302
    assert "utm_campaign=knife-week" in answer["Location"]
