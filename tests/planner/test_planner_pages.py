"""The planner's pages for plans, promotions and mix targets: forms, refusals, the manage area."""

from __future__ import annotations

from datetime import date, time

import pytest

from communa.communities.models import DefaultRubric, Privacy, Role, Rubric
from communa.communities.rubrics import rubrics_of
from communa.planner.actions import plans as plan_actions
from communa.planner.actions import promotions as promotion_actions
from communa.planner.models import ContentPlan, MixTargets, PlannedPost, PlanSlot, Promotion
from tests.factories import add_member, make_community, owner_of, person
from tests.support import client_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def editor_client(community):
    return client_of(add_member(community, role=Role.EDITOR))


def usual_week(community) -> ContentPlan:
    return plan_actions.create_plan(
        actor=owner_of(community), community=community, data={"name": "Usual week"}
    )


def news(community) -> Rubric:
    return rubrics_of(community).get(code=DefaultRubric.NEWS)


# --- plans ----------------------------------------------------------------------------------


def test_an_editor_adds_a_plan_on_the_plans_page_and_lands_on_it():
    community = make_community()
    client = editor_client(community)
    page = client.get(f"/c/{community.slug}/planner/plans/")
    assert page.status_code == 200
    assert "No plans yet" in page.content.decode()
    added = client.post(f"/c/{community.slug}/planner/plans/", {"name": "Usual week"})
    plan = ContentPlan.objects.get(community=community)
    assert added.status_code == 302
    assert added["Location"] == f"/c/{community.slug}/planner/plans/{plan.pk}/"
    listed = client.get(f"/c/{community.slug}/planner/plans/").content.decode()
    assert "Usual week" in listed
    assert "in effect" in listed


def test_an_overlapping_plan_is_refused_on_the_form_naming_the_dates():
    community = make_community()
    plan_actions.create_plan(
        actor=owner_of(community),
        community=community,
        data={"name": "June", "starts_on": date(2026, 6, 1), "ends_on": date(2026, 6, 30)},
    )
    response = editor_client(community).post(
        f"/c/{community.slug}/planner/plans/",
        {"name": "Sale", "starts_on": "2026-06-20", "ends_on": "2026-07-05"},
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert "starts_on" in form.errors
    assert "ends_on" in form.errors
    assert "overlap" in response.content.decode()
    assert ContentPlan.objects.count() == 1


def test_the_plan_page_adds_edits_and_removes_slots():
    community = make_community()
    plan = usual_week(community)
    client = editor_client(community)
    base = f"/c/{community.slug}/planner/plans/{plan.pk}/"
    page = client.get(base)
    assert page.status_code == 200
    assert "Monday" in page.content.decode()
    added = client.post(
        f"{base}slots/",
        {"weekday": "2", "time": "09:30", "rubric": str(news(community).pk), "note": "Digest"},
    )
    assert added.status_code == 302
    slot = PlanSlot.objects.get(plan=plan)
    assert (slot.weekday, slot.time, slot.tone) == (2, time(9, 30), news(community).default_tone)
    assert "Digest" in client.get(base).content.decode()
    edit = client.get(f"{base}slots/{slot.pk}/")
    assert edit.status_code == 200
    saved = client.post(
        f"{base}slots/{slot.pk}/",
        {"weekday": "4", "time": "18:00", "rubric": str(news(community).pk), "tone": "emotional"},
    )
    assert saved.status_code == 302
    slot.refresh_from_db()
    assert (slot.weekday, slot.time, slot.tone, slot.note) == (4, time(18), "emotional", "")
    removed = client.post(f"{base}slots/{slot.pk}/delete/")
    assert removed.status_code == 302
    assert not PlanSlot.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"weekday": "7", "time": "09:00"},
        {"weekday": "1", "time": "25:00"},
        {"weekday": "1", "time": "9am"},
    ],
)
def test_a_bad_slot_is_refused_on_the_plan_page(data):
    community = make_community()
    plan = usual_week(community)
    response = editor_client(community).post(
        f"/c/{community.slug}/planner/plans/{plan.pk}/slots/",
        {"rubric": str(news(community).pk), **data},
    )
    assert response.status_code == 400
    assert response.context["slot_form"].errors
    assert not PlanSlot.objects.exists()


def test_another_communitys_rubric_is_not_offered_nor_accepted():
    community, other = make_community(), make_community()
    plan = usual_week(community)
    response = editor_client(community).post(
        f"/c/{community.slug}/planner/plans/{plan.pk}/slots/",
        {"weekday": "1", "time": "09:00", "rubric": str(news(other).pk)},
    )
    assert response.status_code == 400
    assert "rubric" in response.context["slot_form"].errors
    assert not PlanSlot.objects.exists()


def test_a_slot_of_another_plan_is_not_found_through_this_one():
    community = make_community()
    plan = usual_week(community)
    other = plan_actions.create_plan(
        actor=owner_of(community),
        community=community,
        data={"name": "June", "starts_on": date(2026, 6, 1), "ends_on": date(2026, 6, 30)},
    )
    slot = plan_actions.add_slot(
        actor=owner_of(community),
        plan=other,
        data={"weekday": 0, "time": "09:00", "rubric": news(community).pk},
    )
    client = editor_client(community)
    assert (
        client.get(f"/c/{community.slug}/planner/plans/{plan.pk}/slots/{slot.pk}/").status_code
        == 404
    )
    stranger = make_community()
    assert client.get(f"/c/{stranger.slug}/planner/plans/{plan.pk}/").status_code == 403


def test_the_plan_page_renames_a_plan_and_deletes_it():
    community = make_community()
    plan = usual_week(community)
    client = editor_client(community)
    base = f"/c/{community.slug}/planner/plans/{plan.pk}/"
    assert client.post(base, {"name": "Our week"}).status_code == 302
    plan.refresh_from_db()
    assert plan.name == "Our week"
    refused = client.post(base, {"name": "Our week", "starts_on": "2026-06-01"})
    assert refused.status_code == 422
    assert "ends_on" in refused.context["plan_form"].errors
    assert client.post(f"{base}delete/").status_code == 302
    assert not ContentPlan.objects.exists()


def test_the_plan_page_copies_a_plan_to_another_community_of_the_team():
    community, other = make_community(), make_community()
    editor = add_member(community, role=Role.EDITOR)
    add_member(other, editor, role=Role.EDITOR)
    add_member(make_community(), editor, role=Role.MODERATOR)  # not offered: no PLAN_CONTENT
    plan = usual_week(community)
    client = client_of(editor)
    page = client.get(f"/c/{community.slug}/planner/plans/{plan.pk}/")
    offered = [value for value, _label in page.context["copy_form"].fields["to"].choices]
    assert offered == [other.slug]
    copied = client.post(
        f"/c/{community.slug}/planner/plans/{plan.pk}/copy/",
        {"to": other.slug, "name": "Usual week"},
    )
    copy = ContentPlan.objects.get(community=other)
    assert copied.status_code == 302
    assert copied["Location"] == f"/c/{other.slug}/planner/plans/{copy.pk}/"
    again = client.post(
        f"/c/{community.slug}/planner/plans/{plan.pk}/copy/",
        {"to": other.slug, "name": "Usual week"},
    )
    assert again.status_code == 422
    assert "starts_on" in again.context["copy_form"].errors


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ANALYST, Role.MEMBER])
def test_the_planner_pages_are_refused_to_moderators_analysts_and_members(role):
    community = make_community()
    plan = usual_week(community)
    client = client_of(add_member(community, role=role))
    for path in ["plans/", f"plans/{plan.pk}/", "promotions/", "targets/"]:
        assert client.get(f"/c/{community.slug}/planner/{path}").status_code == 403, path
    assert client.post(f"/c/{community.slug}/planner/plans/{plan.pk}/delete/").status_code == 403
    assert ContentPlan.objects.filter(pk=plan.pk).exists()


def test_a_private_communitys_planner_is_missing_to_outsiders_and_asks_visitors_to_log_in():
    community = make_community(privacy=Privacy.PRIVATE)
    assert client_of(person()).get(f"/c/{community.slug}/planner/plans/").status_code == 404
    visitor = client_of(None).get(f"/c/{community.slug}/planner/plans/")
    assert visitor.status_code == 302
    assert visitor["Location"].startswith("/accounts/login/")


def test_the_manage_area_lists_the_planner_pages_for_editors_only():
    community = make_community()
    page = editor_client(community).get(f"/c/{community.slug}/planner/plans/").content.decode()
    for path in ("plans", "promotions", "targets"):
        assert f"/c/{community.slug}/planner/{path}/" in page
    manage = editor_client(community).get(f"/c/{community.slug}/manage/")
    assert manage.status_code == 200
    assert f"/c/{community.slug}/planner/plans/" in manage.content.decode()
    moderator = client_of(add_member(community, role=Role.MODERATOR))
    manage = moderator.get(f"/c/{community.slug}/manage/")
    assert manage.status_code == 200
    assert "/planner/plans/" not in manage.content.decode()


# --- promotions -----------------------------------------------------------------------------


def test_an_editor_adds_a_promotion_and_sees_its_posts():
    community = make_community()
    client = editor_client(community)
    added = client.post(
        f"/c/{community.slug}/planner/promotions/",
        {
            "kind": "contest",
            "name": "Photo contest",
            "starts_on": "2026-05-01",
            "ends_on": "2026-05-31",
        },
    )
    assert added.status_code == 302, added.content
    made = Promotion.objects.get()
    assert made.campaign == "photo-contest"
    post = make_post(community, body="Send us your best edge.")
    PlannedPost.objects.create(post=post, promotion=made)
    page = client.get(f"/c/{community.slug}/planner/promotions/{made.pk}/")
    assert page.status_code == 200
    assert "Send us your best edge." in page.content.decode()
    assert (
        "Photo contest" in client.get(f"/c/{community.slug}/planner/promotions/").content.decode()
    )


def test_a_promotion_ending_before_it_starts_is_refused_on_the_form():
    community = make_community()
    response = editor_client(community).post(
        f"/c/{community.slug}/planner/promotions/",
        {"kind": "discount", "name": "Sale", "starts_on": "2026-05-10", "ends_on": "2026-05-01"},
    )
    assert response.status_code == 422
    assert "ends_on" in response.context["form"].errors
    assert not Promotion.objects.exists()


def test_the_promotion_page_changes_and_deletes_it():
    community = make_community()
    made = promotion_actions.create_promotion(
        actor=owner_of(community),
        community=community,
        data={
            "kind": "discount",
            "name": "Sale",
            "starts_on": "2026-05-01",
            "ends_on": "2026-05-07",
        },
    )
    client = editor_client(community)
    base = f"/c/{community.slug}/planner/promotions/{made.pk}/"
    saved = client.post(
        base,
        {
            "kind": "discount",
            "name": "Big sale",
            "starts_on": "2026-05-01",
            "ends_on": "2026-05-09",
            "campaign": "sale",
        },
    )
    assert saved.status_code == 302
    made.refresh_from_db()
    assert (made.name, made.ends_on, made.campaign) == ("Big sale", date(2026, 5, 9), "sale")
    assert client.post(f"{base}delete/").status_code == 302
    assert not Promotion.objects.exists()


# --- mix targets ----------------------------------------------------------------------------


def test_the_targets_page_shows_the_defaults_and_saves_new_targets():
    community = make_community()
    client = editor_client(community)
    page = client.get(f"/c/{community.slug}/planner/targets/")
    assert page.status_code == 200
    assert page.context["form"].initial["branded"] == 30
    data = {
        "branded": "20",
        "functional": "40",
        "emotional": "40",
        "promotional_limit": "15",
        "tolerance": "10",
        "frequency": "media",
        "min_per_day": "",
        "max_per_day": "",
    }
    saved = client.post(f"/c/{community.slug}/planner/targets/", data)
    assert saved.status_code == 302
    targets = MixTargets.objects.get(community=community)
    assert (targets.branded, targets.min_per_day, targets.max_per_day) == (20, 6, 12)


def test_shares_that_do_not_add_up_are_said_once_on_the_targets_form():
    community = make_community()
    data = {
        "branded": "30",
        "functional": "30",
        "emotional": "30",
        "promotional_limit": "20",
        "tolerance": "10",
        "frequency": "brand",
    }
    response = editor_client(community).post(f"/c/{community.slug}/planner/targets/", data)
    assert response.status_code == 422
    assert len(response.context["form"].non_field_errors()) == 1
    assert response.content.decode().count("must add up to 100") == 1
    assert not MixTargets.objects.exists()
