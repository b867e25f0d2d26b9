"""The planner's plan, promotion and mix-target pages in a real browser: no serious WCAG 2.1 AA
violation at desktop and phone widths in both colour schemes, nothing wider than a 390 px phone,
and a slot added from the keyboard (and a bad one explained)."""

from __future__ import annotations

from datetime import date

import pytest

from communa.communities.models import DefaultRubric, Role
from communa.communities.rubrics import rubrics_of
from communa.planner.actions import plans as plan_actions
from communa.planner.actions import promotions as promotion_actions
from communa.planner.models import PlannedPost, PlanSlot
from tests.browser.support import BROWSER_TEST, PHONE, log_in
from tests.browser.test_accessibility import violations_in_every_mode
from tests.factories import PASSWORD, add_member, make_community, person
from tests.walls.support import make_post

pytestmark = BROWSER_TEST


def planner_world():
    """A community with a default and a dated plan with slots, a promotion with a post, and an
    editor who also plans a second community."""
    editor = person("mai", password=PASSWORD)
    community = make_community(name="Bếp Việt kitchen", slug="bep")
    add_member(community, editor, role=Role.EDITOR)
    add_member(make_community(name="Phở night", slug="pho"), editor, role=Role.EDITOR)
    plan = plan_actions.create_plan(
        actor=editor, community=community, data={"name": "The usual week of the kitchen"}
    )
    plan_actions.create_plan(
        actor=editor,
        community=community,
        data={"name": "Tết", "starts_on": date(2027, 2, 1), "ends_on": date(2027, 2, 14)},
    )
    news = rubrics_of(community).get(code=DefaultRubric.NEWS)
    for weekday in (0, 0, 3, 6):
        plan_actions.add_slot(
            actor=editor,
            plan=plan,
            data={
                "weekday": weekday,
                "time": "18:30",
                "rubric": news.pk,
                "note": "A longer note about what goes out in this slot every week",
            },
        )
    promotion = promotion_actions.create_promotion(
        actor=editor,
        community=community,
        data={
            "kind": "ad_campaign",
            "name": "Lunar new year menu with a rather long name",
            "starts_on": date(2027, 1, 20),
            "ends_on": date(2027, 2, 20),
            "description": "Set menus for families.",
        },
    )
    PlannedPost.objects.create(post=make_post(community, body="Our Tết menu"), promotion=promotion)
    return plan, promotion


@pytest.mark.django_db(transaction=True)
def test_the_plan_pages_pass_axe_fit_a_phone_and_take_a_slot(new_context, live_server):
    # given the planner's world and its editor logged in
    plan, promotion = planner_world()
    page = new_context().new_page()
    log_in(page, live_server.url, "mai")
    paths = [
        "/c/bep/planner/plans/",
        f"/c/bep/planner/plans/{plan.pk}/",
        f"/c/bep/planner/plans/{plan.pk}/slots/{plan.slots.first().pk}/",
        "/c/bep/planner/promotions/",
        f"/c/bep/planner/promotions/{promotion.pk}/",
        "/c/bep/planner/targets/",
    ]
    found: list[str] = []
    for path in paths:
        # when each page is checked at both widths in both colour schemes
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 200, path
        found += violations_in_every_mode(page, path)
        # then nothing is wider than a phone (wide tables scroll in their own region)
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
        page.set_viewport_size({"width": 1280, "height": 900})

    # when a slot is sent with an impossible time, then the error summary says so
    page.goto(live_server.url + f"/c/bep/planner/plans/{plan.pk}/")
    page.locator("#slot_weekday").select_option("2")
    page.locator("#slot_time").fill("")
    page.locator("#slot_note").fill("Market day")
    page.locator("#slot_note").press("Enter")
    page.wait_for_load_state()
    assert page.locator("[data-error-summary]").count() == 1
    found += violations_in_every_mode(page, "slot form (failed)")

    # and with a real time the slot is added, from the keyboard
    page.locator("#slot_weekday").select_option("2")
    page.locator("#slot_time").fill("07:45")
    page.locator("#slot_note").fill("Market day")
    page.locator("#slot_note").press("Enter")
    page.wait_for_load_state()
    assert PlanSlot.objects.filter(plan=plan, weekday=2, note="Market day").exists()
    assert not found, "\n".join(found)
