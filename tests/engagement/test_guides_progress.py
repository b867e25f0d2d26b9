"""Guides (learning units): the team builds ordered modules of the community's published posts;
members mark steps done and finish the guide; the team follows everyone's progress."""

from __future__ import annotations

import pytest

from communa.communities.models import Role
from communa.core.errors import NotFound, PermissionRefused, ValidationFailed
from communa.engagement.actions import guides as actions
from communa.engagement.models import Guide, GuideProgress, GuideStep
from communa.engagement.selectors.guides import guide_summary, outline, progress_of
from tests.factories import add_member, block, make_community, owner_of, person
from tests.support import api_as, client_of, error_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def built_guide(published: bool = True):
    community = make_community()
    owner = owner_of(community)
    guide = actions.create_guide(
        actor=owner, community=community, data={"title": "Knife basics", "published": published}
    )
    first = actions.add_module(actor=owner, guide=guide, data={"title": "Holding"})
    second = actions.add_module(actor=owner, guide=guide, data={"title": "Sharpening"})
    posts = [make_post(community, body=f"Lesson {n}") for n in range(3)]
    steps = [
        actions.add_step(
            actor=owner, module=first, data={"post": posts[0].pk, "note": "Start here"}
        ),
        actions.add_step(actor=owner, module=first, data={"post": posts[1].pk}),
        actions.add_step(actor=owner, module=second, data={"post": posts[2].pk}),
    ]
    guide.refresh_from_db()
    return community, guide, (first, second), steps


def test_the_team_builds_modules_of_posts_in_order():
    _community, guide, (first, second), steps = built_guide()
    owner = owner_of(guide.community)
    actions.reorder_modules(actor=owner, guide=guide, order=[second.pk, first.pk])
    actions.move_step(actor=owner, step=GuideStep.objects.get(pk=steps[1].pk), up=True)
    modules = outline(guide)
    assert [module.title for module in modules] == ["Sharpening", "Holding"]
    assert [step.pk for step in modules[1].steps.all()] == [steps[1].pk, steps[0].pk]
    assert guide.step_count == 3


def test_a_step_must_be_a_published_post_of_the_community_and_once_in_the_guide():
    community, _guide, (first, _second), steps = built_guide()
    owner = owner_of(community)
    elsewhere = make_post(make_community())
    with pytest.raises(ValidationFailed) as caught:
        actions.add_step(actor=owner, module=first, data={"post": elsewhere.pk})
    assert "post" in caught.value.fields
    with pytest.raises(ValidationFailed) as caught:
        actions.add_step(actor=owner, module=first, data={"post": steps[0].post_id})
    assert "post" in caught.value.fields


def test_removing_a_step_or_module_keeps_the_count_right():
    community, guide, (first, _second), steps = built_guide()
    owner = owner_of(community)
    actions.delete_step(actor=owner, step=GuideStep.objects.get(pk=steps[2].pk))
    actions.delete_module(actor=owner, module=first)
    guide.refresh_from_db()
    assert guide.step_count == 0


def test_a_member_works_through_the_guide_and_finishes_it():
    community, guide, (_first, _second), steps = built_guide()
    member = add_member(community)
    from communa.analytics.models import Event

    for step in steps[:2]:
        progress = actions.mark_step_done(actor=member, step=step)
    assert progress.completed_at is None
    actions.mark_step_done(actor=member, step=steps[0])  # again: nothing changes
    mine = progress_of(guide, member)
    assert (mine.done, mine.total) == (2, 3)
    assert [(item.done, item.total) for item in mine.modules] == [(2, 2), (0, 1)]
    finished = actions.mark_step_done(actor=member, step=steps[2])
    assert finished.completed_at is not None
    assert Event.objects.filter(kind="guide_step", user=member).count() == 3
    actions.unmark_step(actor=member, step=steps[2])
    assert GuideProgress.objects.get(guide=guide, user=member).completed_at is None


@pytest.mark.parametrize("who", ["non_member", "blocked"])
def test_outsiders_and_blocked_people_cannot_follow_a_guide(who):
    community, _guide, _modules, steps = built_guide()
    someone = person()
    if who == "blocked":
        block(community, someone)
    with pytest.raises(PermissionRefused):
        actions.mark_step_done(actor=someone, step=steps[0])


def test_an_unpublished_guide_is_hidden_from_members():
    community, guide, _modules, steps = built_guide(published=False)
    member = add_member(community)
    with pytest.raises(NotFound):
        actions.mark_step_done(actor=member, step=steps[0])
    assert api_as(member).get(f"/guides/{guide.pk}").status_code == 404
    assert client_of(member).get(f"/c/{community.slug}/guides/{guide.pk}/").status_code == 404


def test_a_member_may_not_build_a_guide():
    community, guide, (_first, _second), _steps = built_guide()
    member = add_member(community)
    with pytest.raises(PermissionRefused):
        actions.add_module(actor=member, guide=guide, data={"title": "Mine"})
    assert api_as(member).get(f"/guides/{guide.pk}/progress").status_code == 403


def test_the_team_sees_everyones_progress_and_the_summary():
    community, guide, _modules, steps = built_guide()
    done_all, done_one = add_member(community, person("ann")), add_member(community, person("bob"))
    for step in steps:
        actions.mark_step_done(actor=done_all, step=step)
    actions.mark_step_done(actor=done_one, step=steps[0])
    summary = guide_summary(guide)
    assert (summary.started, summary.completed) == (2, 1)
    assert [item.done for item in summary.steps] == [2, 1, 1]
    assert [item.percent for item in summary.steps] == [100, 50, 50]
    editor = add_member(community, role=Role.EDITOR)
    rows = api_as(editor).get(f"/guides/{guide.pk}/progress?limit=1").json()
    assert len(rows["items"]) == 1
    assert rows["next_cursor"]
    rest = (
        api_as(editor)
        .get(f"/guides/{guide.pk}/progress?limit=1&cursor={rows['next_cursor']}")
        .json()
    )
    people = {item["user"]: item for item in rows["items"] + rest["items"]}
    assert people["ann"]["done"] == 3
    assert people["ann"]["completed_at"]
    assert people["bob"]["done"] == 1
    assert people["bob"]["completed_at"] is None
    page = client_of(editor).get(f"/c/{community.slug}/manage/guides/{guide.pk}/progress/")
    assert page.status_code == 200
    assert "ann" in page.content.decode()


def test_the_api_builds_a_guide_and_a_member_marks_steps():
    community = make_community()
    owner = owner_of(community)
    post = make_post(community, body="Pinch grip")
    api = api_as(owner)
    guide = api.post(f"/communities/{community.slug}/guides", {"title": "Grip", "published": True})
    assert guide.status_code == 201, guide.content
    guide_id = guide.json()["id"]
    module = api.post(f"/guides/{guide_id}/modules", {"title": "One"}).json()
    bad = api.post(f"/guides/{guide_id}/modules/{module['id']}/steps", {"post": 999999})
    assert bad.status_code == 422
    assert "post" in error_of(bad)["fields"]
    step = api.post(
        f"/guides/{guide_id}/modules/{module['id']}/steps", {"post": post.pk, "note": "Try it"}
    )
    assert step.status_code == 201, step.content
    member = add_member(community)
    done = api_as(member).post(f"/guides/{guide_id}/steps/{step.json()['id']}/done")
    assert done.status_code == 200, done.content
    assert done.json()["done"] == 1
    assert done.json()["completed_at"]
    detail = api_as(member).get(f"/guides/{guide_id}").json()
    assert detail["progress"]["done_steps"] == [step.json()["id"]]
    assert detail["modules"][0]["steps"][0]["note"] == "Try it"


def test_members_follow_a_guide_on_the_web():
    community, guide, _modules, steps = built_guide()
    member = add_member(community)
    client = client_of(member)
    url = f"/c/{community.slug}/guides/{guide.pk}/"
    assert "Knife basics" in client.get(f"/c/{community.slug}/guides/").content.decode()
    marked = client.post(f"{url}steps/{steps[0].pk}/done/")
    assert marked.status_code == 302
    page = client.get(url).content.decode()
    assert "1 of 3 steps done" in page
    assert client_of(None).get(url).status_code == 302


def test_the_team_builds_a_guide_on_the_web():
    community = make_community()
    owner = owner_of(community)
    post = make_post(community, body="Rock chop")
    client = client_of(owner)
    made = client.post(f"/c/{community.slug}/manage/guides/", {"title": "Chopping"})
    assert made.status_code == 302
    builder = made["Location"]
    assert client.post(builder, {"add_module": "1", "title": "Basics"}).status_code == 302
    module = outline(Guide.objects.get(title="Chopping"))[0]
    added = client.post(
        f"{builder}modules/{module.pk}/",
        {"add_step": "1", f"m{module.pk}-post": str(post.pk), f"m{module.pk}-note": "Go"},
    )
    assert added.status_code == 302
    assert GuideStep.objects.filter(module=module, post=post, note="Go").exists()
    assert "Rock chop" in client.get(builder).content.decode()


def test_the_team_renames_moves_and_removes_modules_and_steps_on_the_web():
    community, guide, (first, second), steps = built_guide()
    client = client_of(owner_of(community))
    base = f"/c/{community.slug}/manage/guides/{guide.pk}/"
    client.post(f"{base}modules/{first.pk}/", {"rename": "1", "title": "Grip", "description": ""})
    client.post(f"{base}modules/{second.pk}/", {"direction": "up"})
    client.post(f"{base}steps/{steps[1].pk}/", {"direction": "up"})
    client.post(f"{base}steps/{steps[0].pk}/", {"save_note": "1", "note": "Second now"})
    client.post(f"{base}steps/{steps[2].pk}/", {"delete": "1"})
    modules = outline(guide)
    assert [module.title for module in modules] == ["Sharpening", "Grip"]
    assert [(step.pk, step.note) for step in modules[1].steps.all()] == [
        (steps[1].pk, ""),
        (steps[0].pk, "Second now"),
    ]
    assert list(modules[0].steps.all()) == []
    client.post(f"{base}modules/{second.pk}/", {"delete": "1"})
    guide.refresh_from_db()
    assert guide.step_count == 2
    assert client.get(base).status_code == 200
