"""The planner journey in a real browser: plan a week, write a draft for a slot, drag it to
another day, send it for approval, approve it as the admin, and see the worker publish it;
axe-core checks the planner's pages on the way."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from tests.browser.support import BROWSER_TEST, DESKTOP, PHONE, log_in
from tests.browser.test_accessibility import violations_in_every_mode
from tests.factories import UserFactory
from tests.support import run_worker_batch

pytestmark = BROWSER_TEST


@pytest.mark.django_db(transaction=True)
def test_plan_a_week_drag_a_draft_approve_it_and_see_it_published(
    new_context, live_server, tmp_path
):
    from playwright.sync_api import expect

    from communa.communities.actions import create_community
    from communa.communities.models import Membership, Role, Rubric
    from communa.planner.models import ContentPlan, PlanSlot
    from communa.walls.models import Post, PostStatus

    # given a public page (drafts need approval) with an editor, an admin and a weekly plan
    owner = UserFactory(username="owner_oanh")
    editor = UserFactory(username="editor_emil", display_name="Emil")
    admin = UserFactory(username="admin_aida", display_name="Aida")
    community = create_community(
        actor=owner, data={"name": "Tiệm bánh", "slug": "tiem-banh", "kind": "public_page"}
    )
    Membership.objects.create(community=community, user=editor, role=Role.EDITOR)
    Membership.objects.create(community=community, user=admin, role=Role.ADMIN)
    plan = ContentPlan.objects.create(community=community, name="Every week")
    rubric = Rubric.objects.filter(community=community).first()
    today = timezone.now().date()
    tomorrow = today + timedelta(days=1)
    PlanSlot.objects.create(plan=plan, weekday=tomorrow.weekday(), time=time(9), rubric=rubric)
    found: list[str] = []

    # when the editor opens the calendar on tomorrow's week and writes for the open slot
    editor_page = new_context().new_page()
    log_in(editor_page, live_server.url, "editor_emil")
    editor_page.goto(f"{live_server.url}/c/tiem-banh/planner/?day={tomorrow}")
    found += violations_in_every_mode(editor_page, "calendar")
    editor_page.get_by_role("link", name="Write for this slot").first.click()
    editor_page.wait_for_url("**/planner/drafts/new/**")
    found += violations_in_every_mode(editor_page, "new draft")
    editor_page.locator("#id_body").fill("Fresh bánh mì at nine!")
    editor_page.get_by_role("button", name="Save the draft").click()
    editor_page.wait_for_url("**/planner/drafts/*/")
    post = Post.objects.get(body="Fresh bánh mì at nine!")
    assert post.status == PostStatus.DRAFT

    # and drags it from tomorrow to the day after, on the week view
    later = tomorrow + timedelta(days=1)
    editor_page.goto(f"{live_server.url}/c/tiem-banh/planner/?view=list&day={tomorrow}")
    item = editor_page.locator(f"[data-move-url$='/drafts/{post.pk}/move/']")
    target = editor_page.locator(f".cal-day[data-day='{later}']")
    if target.count() == 0:  # the day after is in the next week: show both weeks' days
        editor_page.goto(f"{live_server.url}/c/tiem-banh/planner/?view=month&day={tomorrow}")
        item = editor_page.locator(f"[data-move-url$='/drafts/{post.pk}/move/']")
        target = editor_page.locator(f".cal-day[data-day='{later}']")
    # Both days in view before the drag: a drag that has to scroll the page on its way (the
    # later days of the week sit low on it) drops nowhere.
    target.scroll_into_view_if_needed()
    item.drag_to(target)
    expect(target.locator(f"a[href$='/drafts/{post.pk}/']")).to_be_visible()
    post.refresh_from_db()
    assert post.scheduled_at.date() == later
    assert post.scheduled_at.time() == time(9)

    # and sends it for approval from its page
    editor_page.goto(f"{live_server.url}/c/tiem-banh/planner/drafts/{post.pk}/")
    found += violations_in_every_mode(editor_page, "draft")
    editor_page.get_by_role("button", name="Send for approval").click()
    editor_page.wait_for_url(f"**/planner/drafts/{post.pk}/")
    expect(editor_page.locator(".state-pending").first).to_be_visible()

    # then the admin finds it waiting and approves it for a time a minute from now
    admin_page = new_context().new_page()
    log_in(admin_page, live_server.url, "admin_aida")
    admin_page.goto(f"{live_server.url}/c/tiem-banh/planner/approvals/")
    found += violations_in_every_mode(admin_page, "approvals")
    admin_page.get_by_role("link", name="Fresh bánh mì at nine!").click()
    admin_page.wait_for_url(f"**/planner/drafts/{post.pk}/")
    soon = timezone.now() + timedelta(minutes=2)
    approve = admin_page.locator("form", has=admin_page.locator("input[value=approve]"))
    approve.locator("#id_day").fill(soon.date().isoformat())
    approve.locator("#id_time").fill(soon.strftime("%H:%M"))
    approve.get_by_role("button", name="Approve").click()
    admin_page.wait_for_url(f"**/planner/drafts/{post.pk}/")
    post.refresh_from_db()
    assert post.status == PostStatus.SCHEDULED

    # and once its time has come, the worker publishes it, and the page says so
    Post.objects.filter(pk=post.pk).update(scheduled_at=timezone.now() - timedelta(seconds=1))
    run_worker_batch(tmp_path)
    admin_page.reload()
    expect(admin_page.locator(".state-published").first).to_be_visible()
    admin_page.goto(f"{live_server.url}/c/tiem-banh/")
    expect(admin_page.locator("article.post-card", has_text="Fresh bánh mì")).to_be_visible()
    # and the calendar fits a phone as well as a desktop
    for name, viewport in (("1280", DESKTOP), ("390", PHONE)):
        admin_page.set_viewport_size(viewport)
        admin_page.goto(f"{live_server.url}/c/tiem-banh/planner/?day={later}")
        width = admin_page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (name, width)
        admin_page.screenshot(path=str(tmp_path / f"planner-{name}.png"), full_page=True)
    assert not found, "\n".join(found)
