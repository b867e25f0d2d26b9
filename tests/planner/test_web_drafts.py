"""The planner's pages: the calendar, writing a draft, its steps, drag and drop, approvals."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from communa.communities.models import Community, Kind, Role
from communa.planner.models import ContentPlan, PlanSlot, Promotion
from communa.walls.models import Post, PostStatus
from tests.factories import add_member, make_community, person
from tests.support import client_of

pytestmark = pytest.mark.django_db


def next_weekday(weekday: int) -> object:
    today = timezone.now().date()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7)


@pytest.fixture
def page():
    owner = person("owner")
    community = make_community(owner, kind=Kind.PUBLIC_PAGE, name="Bakery", slug="bakery")
    Community.objects.filter(pk=community.pk).update(time_zone="Asia/Ho_Chi_Minh")
    admin = add_member(community, person("admin"), role=Role.ADMIN)
    editor = add_member(community, person("editor"), role=Role.EDITOR)
    return Community.objects.get(pk=community.pk), owner, admin, editor


@pytest.mark.parametrize("view", ["week", "month", "list"])
def test_the_calendar_shows_slots_posts_and_promotions(page, view):
    community, _owner, _admin, editor = page
    plan = ContentPlan.objects.create(community=community, name="Always")
    PlanSlot.objects.create(plan=plan, weekday=0, time=time(8, 30), note="Breakfast")
    day = next_weekday(0)
    Promotion.objects.create(
        community=community, kind="contest", name="Bake-off", starts_on=day, ends_on=day
    )
    answer = client_of(editor).get(f"/c/bakery/planner/?view={view}&day={day}")
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "Asia/Ho_Chi_Minh" in text
    assert "08:30" in text
    assert "Breakfast" in text
    assert "Bake-off" in text


def test_members_and_moderators_cannot_open_the_planner(page):
    community, _owner, _admin, _editor = page
    for role in (Role.MEMBER, Role.MODERATOR, Role.ANALYST):
        who = add_member(community, person(), role=role)
        assert client_of(who).get("/c/bakery/planner/").status_code in (403, 404)
        assert client_of(who).get("/c/bakery/planner/approvals/").status_code in (403, 404)


def test_an_editor_writes_a_draft_into_a_slot_and_an_admin_approves_it_on_its_page(page):
    community, _owner, admin, editor = page
    plan = ContentPlan.objects.create(community=community, name="Always")
    slot = PlanSlot.objects.create(plan=plan, weekday=2, time=time(18))
    day = next_weekday(2)
    # when the editor writes for the open slot
    written = client_of(editor).post(
        f"/c/bakery/planner/drafts/new/?slot={slot.pk}&date={day}",
        {"body": "Evening bread", "slot": str(slot.pk), "day": str(day), "promotion": ""},
    )
    assert written.status_code == 302, written.content.decode()[:2000]
    post = Post.objects.get(body="Evening bread")
    assert post.status == PostStatus.DRAFT
    local = timezone.localtime(
        post.scheduled_at, __import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh")
    )
    assert (local.date(), local.time()) == (day, time(18))
    # and sends it for approval from its page
    page_url = f"/c/bakery/planner/drafts/{post.pk}/"
    assert client_of(editor).post(page_url, {"step": "submit"}).status_code == 302
    # then the admin sees it waiting, and approves it for its planned time
    assert "Evening bread" in client_of(admin).get("/c/bakery/planner/approvals/").content.decode()
    approved = client_of(admin).post(page_url, {"step": "approve", "day": "", "time": ""})
    assert approved.status_code == 302
    post.refresh_from_db()
    assert post.status == PostStatus.SCHEDULED
    shown = client_of(admin).get(page_url).content.decode()
    assert "History" in shown
    assert admin.shown_name in shown  # who approved it, in its history


def test_a_step_refused_says_why_and_changes_nothing(page):
    community, _owner, _admin, editor = page
    post = Post.objects.create(community=community, author=editor, body="x", status="draft")
    answer = client_of(editor).post(
        f"/c/bakery/planner/drafts/{post.pk}/", {"step": "schedule", "day": "", "time": ""}
    )
    assert answer.status_code == 400
    assert "approval" in answer.content.decode()
    assert Post.objects.get(pk=post.pk).status == PostStatus.DRAFT


def test_dropping_a_post_on_another_day_moves_it_and_keeps_its_time(page):
    _community, _owner, _admin, editor = page
    day = next_weekday(3)
    client_of(editor).post(
        "/c/bakery/planner/drafts/new/",
        {"body": "Thursday cake", "day": str(day), "time": "10:15", "slot": "", "promotion": ""},
    )
    post = Post.objects.get(body="Thursday cake")
    target = day + timedelta(days=1)
    moved = client_of(editor).post(
        f"/c/bakery/planner/drafts/{post.pk}/move/?day={day}",
        {"day": str(target)},
        headers={"HX-Request": "true"},
    )
    assert moved.status_code == 200
    assert 'id="calendar"' in moved.content.decode()
    post.refresh_from_db()
    local = timezone.localtime(
        post.scheduled_at, __import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh")
    )
    assert (local.date(), local.time()) == (target, time(10, 15))


def test_a_draft_is_edited_through_the_composer_and_comes_back_to_its_page(page):
    community, _owner, _admin, editor = page
    post = Post.objects.create(
        community=community, author=editor, body="Old", status="draft", signed_as="community"
    )
    back = f"/c/bakery/planner/drafts/{post.pk}/"
    answer = client_of(editor).post(
        f"/p/{post.pk}/edit/?next={back}", {"body": "New words", "signed_as": "community"}
    )
    assert answer.status_code == 302
    assert answer["Location"] == back
    assert Post.objects.get(pk=post.pk).body == "New words"
    outside = client_of(editor).post(
        f"/p/{post.pk}/edit/?next=https://evil.example/", {"body": "Again"}
    )
    assert outside["Location"] == f"/p/{post.pk}/"


def test_a_long_read_is_saved_as_a_draft_and_a_member_cannot_do_so(page):
    from tests.walls.test_web_walls import longread_rows

    community, _owner, _admin, editor = page
    answer = client_of(editor).post(
        "/c/bakery/longread/new/",
        {"title": "All about dough", **longread_rows(3), "signed_as": "community", "as_draft": "1"},
    )
    post = Post.objects.get(title="All about dough")
    assert answer.status_code == 302
    assert answer["Location"] == f"/c/bakery/planner/drafts/{post.pk}/"
    assert (post.kind, post.status, len(post.blocks)) == ("longread", PostStatus.DRAFT, 3)
    assert "Paragraph 2" in client_of(editor).get(answer["Location"]).content.decode()
    # the button is the planning team's: on a group, a member's "as_draft" publishes as usual
    group = make_community(person(), name="Club", slug="club")
    member = add_member(group, person("reader"))
    client_of(member).post(
        "/c/club/longread/new/", {"title": "Mine", **longread_rows(2), "as_draft": "1"}
    )
    assert Post.objects.get(title="Mine").status == PostStatus.PUBLISHED
    del community


@pytest.mark.parametrize("view", ["week", "month"])
def test_the_calendar_costs_the_same_queries_for_few_or_many_posts(page, view):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from communa.planner.actions.placement import plan_draft

    community, _owner, _admin, editor = page
    plan = ContentPlan.objects.create(community=community, name="Always")
    for weekday in range(7):
        PlanSlot.objects.create(plan=plan, weekday=weekday, time=time(9))
    day = next_weekday(0)
    client = client_of(editor)

    def cost() -> int:
        client.get(f"/c/bakery/planner/?view={view}&day={day}")  # warm the caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/c/bakery/planner/?view={view}&day={day}").status_code == 200
        return len(queries.captured_queries)

    def write(count: int) -> None:
        for n in range(count):
            at = timezone.now() + timedelta(days=7 + n % 6, hours=n % 5)
            plan_draft(actor=editor, community=community, data={"body": f"Post {n}"}, at=at)

    write(2)
    few = cost()
    write(25)
    assert cost() == few


def test_the_approvers_notification_reads_well_and_leads_to_the_draft(page):
    community, owner, admin, editor = page
    client_of(editor).post(
        "/c/bakery/planner/drafts/new/",
        {"body": "Croissants at dawn", "day": "", "time": "", "slot": "", "promotion": ""},
    )
    post = Post.objects.get(body="Croissants at dawn")
    client_of(editor).post(f"/c/bakery/planner/drafts/{post.pk}/", {"step": "submit"})
    # the admin reads it on the notifications page and follows it to the draft's page
    shown = client_of(admin).get("/accounts/notifications/")
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "sent the draft" in text
    assert "Croissants at dawn" in text
    answer = client_of(admin).get(f"/p/{post.pk}/")
    assert answer.status_code == 302
    assert answer["Location"] == f"/c/bakery/planner/drafts/{post.pk}/"
    # and the author, once it is returned, reads the reason on theirs
    client_of(admin).post(
        f"/c/bakery/planner/drafts/{post.pk}/", {"step": "return", "comment": "Add the price."}
    )
    mine = client_of(editor).get("/accounts/notifications/").content.decode()
    assert "returned your draft" in mine
    assert (
        "Add the price."
        in client_of(editor).get(f"/c/bakery/planner/drafts/{post.pk}/").content.decode()
    )
    del community, owner
