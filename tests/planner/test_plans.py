"""R8.2: content plans with weekly slots, one plan in effect at a time, copied between the
communities a team keeps. Actions and the API."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.utils import translation

from communa.communities.models import DefaultRubric, Privacy, Role, Rubric, Tone
from communa.communities.rubrics import create_rubric, rubrics_of, update_rubric
from communa.core.errors import NotFound, PermissionRefused, ValidationFailed
from communa.core.models import AuditEntry
from communa.planner.actions import plans as actions
from communa.planner.models import ContentPlan, PlannedPost, PlanSlot
from communa.planner.selectors.plans import plan_in_effect, plans_of
from tests.factories import add_member, make_community, owner_of, person
from tests.support import api_as, error_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def rubric(community, code=DefaultRubric.NEWS) -> Rubric:
    return rubrics_of(community).get(code=code)


def dated(community, name, starts, ends) -> ContentPlan:
    return actions.create_plan(
        actor=owner_of(community),
        community=community,
        data={"name": name, "starts_on": starts, "ends_on": ends},
    )


def default_plan(community, name="Usual week") -> ContentPlan:
    return actions.create_plan(actor=owner_of(community), community=community, data={"name": name})


def slot_in(plan, weekday=0, at="09:00", code=DefaultRubric.NEWS, **data) -> PlanSlot:
    return actions.add_slot(
        actor=owner_of(plan.community),
        plan=plan,
        data={"weekday": weekday, "time": at, "rubric": rubric(plan.community, code).pk, **data},
    )


# --- plans: who may keep them -----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN, Role.EDITOR])
def test_the_owner_an_admin_and_an_editor_create_a_plan_and_it_is_audited(role):
    community = make_community()
    actor = owner_of(community) if role == Role.OWNER else add_member(community, role=role)
    plan = actions.create_plan(actor=actor, community=community, data={"name": "  Usual   week "})
    assert plan.name == "Usual week"
    assert plan.starts_on is None
    entry = AuditEntry.objects.get(community=community, action="plan.create")
    assert entry.actor == actor
    assert entry.after["name"] == "Usual week"


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ANALYST, Role.MEMBER])
def test_moderators_analysts_and_members_may_not_keep_the_plan(role):
    community = make_community()
    actor = add_member(community, role=role)
    with pytest.raises(PermissionRefused):
        actions.create_plan(actor=actor, community=community, data={"name": "Mine"})
    plan = default_plan(community)
    with pytest.raises(PermissionRefused):
        actions.update_plan(actor=actor, plan=plan, data={"name": "Mine"})
    with pytest.raises(PermissionRefused):
        actions.delete_plan(actor=actor, plan=plan)
    with pytest.raises(PermissionRefused):
        slot_in_as(actor, plan)
    slot = slot_in(plan)
    with pytest.raises(PermissionRefused):
        actions.update_slot(actor=actor, slot=slot, data={"note": "x"})
    with pytest.raises(PermissionRefused):
        actions.delete_slot(actor=actor, slot=slot)
    assert ContentPlan.objects.filter(community=community).count() == 1
    assert PlanSlot.objects.filter(plan=plan).count() == 1


def slot_in_as(actor, plan):
    return actions.add_slot(
        actor=actor,
        plan=plan,
        data={"weekday": 1, "time": "10:00", "rubric": rubric(plan.community).pk},
    )


def test_an_outsider_of_a_private_community_finds_no_plan():
    community = make_community(privacy=Privacy.PRIVATE)
    with pytest.raises(NotFound):
        actions.create_plan(actor=person(), community=community, data={"name": "Mine"})


# --- plans: one in effect at a time -----------------------------------------------------------


def test_dated_plans_may_follow_each_other_but_not_overlap():
    community = make_community()
    dated(community, "June", date(2026, 6, 1), date(2026, 6, 30))
    dated(community, "July", date(2026, 7, 1), date(2026, 7, 31))
    with pytest.raises(ValidationFailed) as refused:
        dated(community, "Summer sale", date(2026, 6, 25), date(2026, 7, 5))
    assert set(refused.value.fields) == {"starts_on", "ends_on"}
    assert "June" in refused.value.fields["starts_on"][0]
    assert ContentPlan.objects.filter(community=community).count() == 2


def test_a_plan_inside_another_plan_overlaps_it():
    community = make_community()
    dated(community, "Summer", date(2026, 6, 1), date(2026, 8, 31))
    with pytest.raises(ValidationFailed) as refused:
        dated(community, "Sale week", date(2026, 7, 6), date(2026, 7, 12))
    assert "starts_on" in refused.value.fields


def test_plans_of_different_communities_never_clash():
    first, second = make_community(), make_community()
    # when both get a June plan and a default plan (the same dates, in two communities)
    dated(first, "June", date(2026, 6, 1), date(2026, 6, 30))
    dated(second, "June", date(2026, 6, 1), date(2026, 6, 30))
    default_plan(first)
    default_plan(second)
    # then each community has its own two, neither refused for the other's
    for community in (first, second):
        plans = ContentPlan.objects.filter(community=community).order_by("name")
        assert [(plan.name, plan.starts_on is None) for plan in plans] == [
            ("June", False),
            ("Usual week", True),
        ]


def test_a_second_plan_without_dates_is_refused():
    community = make_community()
    default_plan(community, "Usual week")
    with pytest.raises(ValidationFailed) as refused:
        default_plan(community, "Another usual week")
    assert set(refused.value.fields) == {"starts_on", "ends_on"}
    assert "Usual week" in refused.value.fields["starts_on"][0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"starts_on": date(2026, 6, 30), "ends_on": date(2026, 6, 1)}, "ends_on"),
        ({"starts_on": date(2026, 6, 1)}, "ends_on"),
        ({"ends_on": date(2026, 6, 1)}, "starts_on"),
        ({"starts_on": "1st of June", "ends_on": "2026-06-30"}, "starts_on"),
    ],
)
def test_dates_out_of_order_or_alone_or_unreadable_are_refused(data, field):
    community = make_community()
    with pytest.raises(ValidationFailed) as refused:
        actions.create_plan(
            actor=owner_of(community), community=community, data={"name": "X", **data}
        )
    assert field in refused.value.fields
    assert not ContentPlan.objects.filter(community=community).exists()


def test_a_plan_needs_a_name():
    community = make_community()
    with pytest.raises(ValidationFailed) as refused:
        actions.create_plan(actor=owner_of(community), community=community, data={"name": " "})
    assert "name" in refused.value.fields


def test_the_dated_plan_wins_on_its_days_and_the_default_holds_elsewhere():
    community = make_community()
    usual = default_plan(community)
    sale = dated(community, "Sale", date(2026, 11, 23), date(2026, 11, 29))
    plans = plans_of(community)
    assert plan_in_effect(plans, date(2026, 11, 25)) == sale
    assert plan_in_effect(plans, date(2026, 11, 30)) == usual


def test_moving_a_plan_onto_another_is_refused_but_onto_its_own_dates_is_not():
    community = make_community()
    june = dated(community, "June", date(2026, 6, 1), date(2026, 6, 30))
    july = dated(community, "July", date(2026, 7, 1), date(2026, 7, 31))
    owner = owner_of(community)
    actions.update_plan(actor=owner, plan=june, data={"ends_on": date(2026, 6, 20)})
    with pytest.raises(ValidationFailed) as refused:
        actions.update_plan(actor=owner, plan=july, data={"starts_on": date(2026, 6, 15)})
    assert set(refused.value.fields) == {"starts_on", "ends_on"}
    july.refresh_from_db()
    assert july.starts_on == date(2026, 7, 1)
    entry = AuditEntry.objects.get(action="plan.update")
    assert entry.before == {"ends_on": "2026-06-30"}
    assert entry.after == {"ends_on": "2026-06-20"}


def test_clearing_both_dates_makes_a_plan_the_default_when_there_is_none():
    community = make_community()
    june = dated(community, "June", date(2026, 6, 1), date(2026, 6, 30))
    owner = owner_of(community)
    actions.update_plan(actor=owner, plan=june, data={"starts_on": None, "ends_on": None})
    june.refresh_from_db()
    assert june.starts_on is None
    july = dated(community, "July", date(2026, 7, 1), date(2026, 7, 31))
    with pytest.raises(ValidationFailed):
        actions.update_plan(actor=owner, plan=july, data={"starts_on": None, "ends_on": None})


def test_deleting_a_plan_removes_its_slots_but_leaves_its_drafts_in_time():
    community = make_community()
    plan = default_plan(community)
    slot = slot_in(plan)
    post = make_post(community)
    PlannedPost.objects.create(post=post, slot=slot, slot_date=date(2026, 6, 1))
    actions.delete_plan(actor=owner_of(community), plan=plan)
    assert not ContentPlan.objects.filter(pk=plan.pk).exists()
    assert not PlanSlot.objects.filter(pk=slot.pk).exists()
    entry = PlannedPost.objects.get(post=post)
    assert entry.slot is None
    assert entry.slot_date == date(2026, 6, 1)
    assert AuditEntry.objects.get(action="plan.delete").before["slots"] == 1


# --- slots --------------------------------------------------------------------------------------


def test_a_slot_takes_its_rubrics_default_tone_unless_given_one():
    community = make_community()
    plan = default_plan(community)
    news = rubric(community, DefaultRubric.NEWS)
    first = slot_in(plan, 0, "9:05")
    assert first.time == time(9, 5)
    assert first.tone == news.default_tone
    second = slot_in(plan, 6, "23:59", tone=Tone.EMOTIONAL, note="  Sunday   story ")
    assert (second.weekday, second.tone, second.note) == (6, Tone.EMOTIONAL, "Sunday story")
    assert AuditEntry.objects.filter(community=community, action="slot.create").count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"weekday": 7}, "weekday"),
        ({"weekday": -1}, "weekday"),
        ({"weekday": True}, "weekday"),
        ({"time": "25:00"}, "time"),
        ({"time": "9am"}, "time"),
        ({"time": "09:30:15"}, "time"),
        ({"time": ""}, "time"),
        ({"rubric": 2**62}, "rubric"),
        ({"tone": "angry"}, "tone"),
        ({"note": "x" * 201}, "note"),
    ],
)
def test_bad_slot_input_is_refused_naming_the_field_and_nothing_is_written(data, field):
    community = make_community()
    plan = default_plan(community)
    good = {"weekday": 0, "time": "09:00", "rubric": rubric(community).pk}
    with pytest.raises(ValidationFailed) as refused:
        actions.add_slot(actor=owner_of(community), plan=plan, data={**good, **data})
    assert list(refused.value.fields) == [field]
    assert not PlanSlot.objects.exists()


def test_a_slot_needs_a_day_a_time_and_a_rubric():
    community = make_community()
    plan = default_plan(community)
    with pytest.raises(ValidationFailed) as refused:
        actions.add_slot(actor=owner_of(community), plan=plan, data={})
    assert set(refused.value.fields) == {"weekday", "time", "rubric"}


def test_another_communitys_rubric_or_an_archived_one_is_refused():
    community, other = make_community(), make_community()
    plan = default_plan(community)
    owner = owner_of(community)
    with pytest.raises(ValidationFailed) as refused:
        actions.add_slot(
            actor=owner,
            plan=plan,
            data={"weekday": 0, "time": "09:00", "rubric": rubric(other).pk},
        )
    assert "rubric" in refused.value.fields
    archived = rubric(community, DefaultRubric.GRAPHICS)
    Rubric.objects.filter(pk=archived.pk).update(archived=True)
    with pytest.raises(ValidationFailed) as refused:
        actions.add_slot(
            actor=owner, plan=plan, data={"weekday": 0, "time": "09:00", "rubric": archived.pk}
        )
    assert "archived" in refused.value.fields["rubric"][0]
    assert not PlanSlot.objects.exists()


def test_changing_a_slots_rubric_brings_its_tone_and_is_audited():
    community = make_community()
    plan = default_plan(community)
    slot = slot_in(plan, 0, "09:00", DefaultRubric.NEWS)
    fun = rubric(community, DefaultRubric.ENTERTAINMENT)
    actions.update_slot(
        actor=owner_of(community), slot=slot, data={"rubric": fun.pk, "time": "18:30"}
    )
    slot.refresh_from_db()
    assert slot.rubric == fun
    assert slot.tone == fun.default_tone
    assert slot.time == time(18, 30)
    entry = AuditEntry.objects.get(action="slot.update")
    assert entry.after["time"] == "18:30"


def test_a_bad_slot_edit_changes_nothing():
    community = make_community()
    slot = slot_in(default_plan(community))
    with pytest.raises(ValidationFailed):
        actions.update_slot(
            actor=owner_of(community), slot=slot, data={"note": "fine", "weekday": 9}
        )
    slot.refresh_from_db()
    assert (slot.weekday, slot.note) == (0, "")


def test_deleting_a_slot_keeps_the_draft_that_filled_it():
    community = make_community()
    slot = slot_in(default_plan(community))
    post = make_post(community)
    PlannedPost.objects.create(post=post, slot=slot, slot_date=date(2026, 6, 1))
    actions.delete_slot(actor=owner_of(community), slot=slot)
    assert PlannedPost.objects.get(post=post).slot is None
    assert AuditEntry.objects.filter(action="slot.delete").exists()


# --- copying a plan ----------------------------------------------------------------------------


def team_of_two():
    """One editor who keeps the plans of two communities."""
    editor = person()
    first, second = make_community(), make_community()
    add_member(first, editor, role=Role.EDITOR)
    add_member(second, editor, role=Role.ADMIN)
    return editor, first, second


def test_a_plan_is_copied_with_its_slots_and_rubrics_matched_by_code_then_name():
    editor, first, second = team_of_two()
    recipes = create_rubric(actor=editor, community=first, data={"name": "Recipes"})
    create_rubric(actor=editor, community=second, data={"name": "RECIPES"})
    tips = create_rubric(actor=editor, community=first, data={"name": "Knife tips"})
    plan = actions.create_plan(actor=editor, community=first, data={"name": "Usual week"})
    for weekday, chosen in [(0, rubric(first)), (2, recipes), (4, tips)]:
        actions.add_slot(
            actor=editor,
            plan=plan,
            data={"weekday": weekday, "time": "10:00", "rubric": chosen.pk, "note": "n"},
        )
    before = Rubric.objects.filter(community=second).count()

    copy = actions.copy_plan(actor=editor, plan=plan, target=second)

    assert copy.community == second
    assert (copy.name, copy.starts_on) == ("Usual week", None)
    slots = list(copy.slots.select_related("rubric").order_by("weekday"))
    assert [s.weekday for s in slots] == [0, 2, 4]
    assert slots[0].rubric == rubric(second)  # the default rubric of the same code
    assert slots[1].rubric.name == "RECIPES"  # the same name in another case
    assert slots[2].rubric.name == "Knife tips"  # made there
    assert slots[2].rubric.community == second
    assert Rubric.objects.filter(community=second).count() == before + 1
    assert AuditEntry.objects.filter(community=second, action="rubric.create").count() == 2
    entry = AuditEntry.objects.get(community=second, action="plan.copy")
    assert entry.after["rubrics_added"] == ["Knife tips"]
    assert entry.after["slots"] == 3


def test_a_copy_whose_dates_clash_there_is_refused_and_leaves_nothing_behind():
    editor, first, second = team_of_two()
    tips = create_rubric(actor=editor, community=first, data={"name": "Knife tips"})
    plan = actions.create_plan(
        actor=editor,
        community=first,
        data={"name": "June", "starts_on": date(2026, 6, 1), "ends_on": date(2026, 6, 30)},
    )
    actions.add_slot(
        actor=editor, plan=plan, data={"weekday": 0, "time": "10:00", "rubric": tips.pk}
    )
    dated(second, "Mid June", date(2026, 6, 10), date(2026, 6, 12))
    rubrics_before = Rubric.objects.filter(community=second).count()
    with pytest.raises(ValidationFailed) as refused:
        actions.copy_plan(actor=editor, plan=plan, target=second)
    assert set(refused.value.fields) == {"starts_on", "ends_on"}
    assert Rubric.objects.filter(community=second).count() == rubrics_before
    # With other dates it goes.
    copy = actions.copy_plan(
        actor=editor,
        plan=plan,
        target=second,
        data={"starts_on": date(2026, 7, 1), "ends_on": date(2026, 7, 31)},
    )
    assert copy.slots.get().rubric.name == "Knife tips"


def test_copying_needs_plan_content_in_both_communities():
    editor, first, _second = team_of_two()
    plan = actions.create_plan(actor=editor, community=first, data={"name": "Usual week"})
    moderated = make_community()
    add_member(moderated, editor, role=Role.MODERATOR)
    with pytest.raises(PermissionRefused):
        actions.copy_plan(actor=editor, plan=plan, target=moderated)
    hidden = make_community(privacy=Privacy.PRIVATE)
    with pytest.raises(NotFound):
        actions.copy_plan(actor=editor, plan=plan, target=hidden)
    assert not ContentPlan.objects.filter(community__in=[moderated, hidden]).exists()


def test_a_plan_is_not_copied_onto_its_own_community():
    editor, first, _second = team_of_two()
    plan = actions.create_plan(actor=editor, community=first, data={"name": "Usual week"})
    with pytest.raises(ValidationFailed) as refused:
        actions.copy_plan(actor=editor, plan=plan, target=first)
    assert "to" in refused.value.fields


def test_rubric_names_are_matched_in_the_readers_language_for_default_rubrics():
    editor, first, second = team_of_two()
    # The second community archived its default "Industry news" and keeps its own.
    update_rubric(actor=editor, rubric=rubric(second), data={"archived": True})
    with translation.override("en"):
        own = create_rubric(actor=editor, community=second, data={"name": "industry NEWS"})
        plan = actions.create_plan(actor=editor, community=first, data={"name": "Usual week"})
        slot_in_as(editor, plan)
        copy = actions.copy_plan(actor=editor, plan=plan, target=second)
    assert copy.slots.get().rubric == own


# --- the API ------------------------------------------------------------------------------------


def test_the_api_creates_lists_changes_and_deletes_a_plan():
    community = make_community()
    editor = add_member(community, role=Role.EDITOR)
    api = api_as(editor)
    made = api.post(
        f"/communities/{community.slug}/plans",
        {"name": "Sale week", "starts_on": "2026-11-23", "ends_on": "2026-11-29"},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["starts_on"] == "2026-11-23"
    assert body["is_default"] is False
    assert body["community"] == {"slug": community.slug, "name": community.name}
    plan_id = body["id"]
    news = rubric(community)
    slot = api.post(f"/plans/{plan_id}/slots", {"weekday": 4, "time": "18:00", "rubric": news.pk})
    assert slot.status_code == 201, slot.content
    assert slot.json()["tone"] == news.default_tone
    assert slot.json()["rubric"] == {"id": news.pk, "label": news.label}
    listed = api.get(f"/communities/{community.slug}/plans")
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()] == [plan_id]
    assert listed.json()[0]["slots"][0]["time"] == "18:00"
    changed = api.patch(f"/plans/{plan_id}", {"name": "Black Friday week"})
    assert changed.status_code == 200
    assert changed.json()["name"] == "Black Friday week"
    assert api.get(f"/plans/{plan_id}").json()["slots"][0]["weekday"] == 4
    slot_id = slot.json()["id"]
    assert api.patch(f"/slots/{slot_id}", {"note": "Teaser"}).json()["note"] == "Teaser"
    assert api.delete(f"/slots/{slot_id}").status_code == 204
    assert api.delete(f"/plans/{plan_id}").status_code == 204
    assert not ContentPlan.objects.filter(pk=plan_id).exists()


def test_the_api_lists_plans_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    community = make_community()
    default_plan(community)
    for month in (6, 7, 8):
        plan = dated(community, f"M{month}", date(2026, month, 1), date(2026, month, 28))
        slot_in(plan, 1)
        slot_in(plan, 2)
    api = api_as(owner_of(community))
    with django_assert_max_num_queries(8):
        response = api.get(f"/communities/{community.slug}/plans")
    assert [p["name"] for p in response.json()] == ["Usual week", "M6", "M7", "M8"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "B", "starts_on": "2026-06-10", "ends_on": "2026-06-12"}, "starts_on"),
        ({"name": "B"}, "starts_on"),
        ({"name": "B", "starts_on": "2026-07-10", "ends_on": "2026-07-01"}, "ends_on"),
        ({"name": "B", "starts_on": "10/07/2026", "ends_on": "2026-07-11"}, "starts_on"),
        ({"name": "B", "starts_on": 20260710, "ends_on": "2026-07-11"}, "starts_on"),
        ({"name": "B", "color": "red"}, "color"),
        ({"starts_on": "2026-07-10"}, "name"),
    ],
)
def test_the_api_refuses_bad_plans_with_a_422_naming_the_field(body, field):
    community = make_community()
    default_plan(community)
    dated(community, "June", date(2026, 6, 1), date(2026, 6, 30))
    response = api_as(owner_of(community)).post(f"/communities/{community.slug}/plans", body)
    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert ContentPlan.objects.filter(community=community).count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weekday": 7, "time": "09:00"}, "weekday"),
        ({"weekday": "1", "time": "09:00"}, "weekday"),
        ({"weekday": 1, "time": "25:00"}, "time"),
        ({"weekday": 1, "time": "9am"}, "time"),
        ({"weekday": 1, "time": 900}, "time"),
        ({"weekday": 1, "time": "09:00", "rubric": 987654}, "rubric"),
        ({"weekday": 1, "time": "09:00", "tone": "loud"}, "tone"),
    ],
)
def test_the_api_refuses_bad_slots_naming_the_field(body, field):
    community = make_community()
    plan = default_plan(community)
    payload = {"rubric": rubric(community).pk, **body}
    response = api_as(owner_of(community)).post(f"/plans/{plan.pk}/slots", payload)
    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert not PlanSlot.objects.exists()


def test_the_api_refuses_another_communitys_rubric():
    community, other = make_community(), make_community()
    plan = default_plan(community)
    response = api_as(owner_of(community)).post(
        f"/plans/{plan.pk}/slots", {"weekday": 1, "time": "09:00", "rubric": rubric(other).pk}
    )
    assert response.status_code == 422
    assert "rubric" in error_of(response)["fields"]


def test_the_api_hides_plans_of_a_private_community_and_refuses_members():
    private = make_community(privacy=Privacy.PRIVATE)
    plan = default_plan(private)
    slot = slot_in(plan)
    outsider = api_as(person())
    assert outsider.get(f"/communities/{private.slug}/plans").status_code == 404
    assert outsider.get(f"/plans/{plan.pk}").status_code == 404
    assert outsider.patch(f"/slots/{slot.pk}", {"note": "x"}).status_code == 404
    member = api_as(add_member(private))
    assert member.get(f"/communities/{private.slug}/plans").status_code == 403
    assert member.delete(f"/plans/{plan.pk}").status_code == 403
    assert member.delete(f"/slots/{slot.pk}").status_code == 403
    assert api_as(owner_of(private)).get("/plans/999999").status_code == 404
    assert api_as(None).get(f"/plans/{plan.pk}").status_code == 401


def test_the_api_copies_a_plan_by_the_other_communitys_slug():
    editor, first, second = team_of_two()
    plan = actions.create_plan(actor=editor, community=first, data={"name": "Usual week"})
    slot_in_as(editor, plan)
    api = api_as(editor)
    response = api.post(f"/plans/{plan.pk}/copy", {"to": second.slug})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["community"]["slug"] == second.slug
    assert len(body["slots"]) == 1
    again = api.post(f"/plans/{plan.pk}/copy", {"to": second.slug})
    assert again.status_code == 422
    assert "starts_on" in error_of(again)["fields"]
    renamed = api.post(
        f"/plans/{plan.pk}/copy",
        {"to": second.slug, "name": "Sale", "starts_on": "2026-11-23", "ends_on": "2026-11-29"},
    )
    assert renamed.status_code == 201, renamed.content
    assert renamed.json()["name"] == "Sale"
    assert api.post(f"/plans/{plan.pk}/copy", {"to": "no-such-place"}).status_code == 404
    member_only = make_community()
    add_member(member_only, editor)
    assert api.post(f"/plans/{plan.pk}/copy", {"to": member_only.slug}).status_code == 403
