"""R5.4: playbooks escalate a member's offences into a warning, a mute, then a block."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format

from communa.communities.models import Block, Community, Membership, MembershipEvent, Role
from communa.communities.permissions import Relation, standing_of
from communa.core.errors import Conflict, PermissionRefused, ValidationFailed
from communa.core.models import AuditEntry
from communa.moderation.models import (
    Offence,
    OffenceKind,
    PlaybookStep,
    Sanction,
    SanctionAction,
)
from communa.moderation.playbooks import (
    DEFAULT_STEPS,
    active_sanctions,
    lift_sanction,
    record_offence,
    require_not_muted,
    save_playbook,
)
from communa.moderation.queue import DecisionInput, decide, item_for
from communa.walls.actions.boards import start_topic
from communa.walls.actions.comments import add_comment, delete_comment
from communa.walls.actions.interactions import report_comment, report_post
from communa.walls.actions.posts import create_post
from tests.factories import add_member, make_community, owner_of
from tests.support import api_as, error_of
from tests.walls.support import make_comment, make_post

pytestmark = pytest.mark.django_db

RUDE = OffenceKind.COMMENT_DELETED


def _group_with_member():
    group = make_community()
    return group, owner_of(group), add_member(group)


def _offend(community, user, at, reason="Insults"):
    return record_offence(community=community, user=user, reason=reason, kind=RUDE, now=at)


def _own_steps(community, *steps):
    """Write a community's steps as its owner would."""
    save_playbook(actor=owner_of(community), community=community, steps=list(steps))


def _members(community: Community) -> int:
    return Community.objects.get(pk=community.pk).member_count


# --- escalation over time ---------------------------------------------------------------------


def test_the_default_playbook_warns_then_mutes_then_blocks_within_30_days():
    # given: five offences a day apart, the last of them yesterday
    group, _owner, member = _group_with_member()
    start = timezone.now() - timedelta(days=5)
    members_before = _members(group)
    # when
    results = [_offend(group, member, start + timedelta(days=n)) for n in range(5)]
    # then: 1st warns, 3rd mutes for 7 days, 5th blocks for 30 days, the others do nothing
    first, second, third, fourth, fifth = results
    assert first is not None
    assert first.action == SanctionAction.WARN
    assert second is None
    assert fourth is None
    assert third is not None
    assert third.action == SanctionAction.MUTE
    assert third.ends_at == start + timedelta(days=2) + timedelta(days=7)
    assert fifth is not None
    assert fifth.action == SanctionAction.BLOCK
    block = Block.objects.get(community=group, user=member, lifted_at=None)
    assert fifth.block == block
    assert block.ends_at == fifth.ends_at == start + timedelta(days=4) + timedelta(days=30)
    assert block.blocked_by is None
    assert not Membership.objects.filter(community=group, user=member).exists()
    assert _members(group) == members_before - 1
    assert MembershipEvent.objects.filter(
        community=group, user=member, kind=MembershipEvent.Kind.BLOCK
    ).exists()
    assert standing_of(member, group).relation == Relation.BLOCKED
    assert Offence.objects.filter(community=group, user=member).count() == 5
    assert list(
        AuditEntry.objects.filter(community=group, action__startswith="playbook.")
        .order_by("id")
        .values_list("action", "actor")
    ) == [("playbook.warn", None), ("playbook.mute", None), ("playbook.block", None)]


def test_offences_older_than_the_window_do_not_count():
    # given: two offences 40 days ago
    group, _owner, member = _group_with_member()
    now = timezone.now()
    _offend(group, member, now - timedelta(days=41))
    _offend(group, member, now - timedelta(days=40))
    # when: a third one now
    sanction = _offend(group, member, now)
    # then: it is the first within 30 days, so a warning, not a mute
    assert sanction is not None
    assert sanction.action == SanctionAction.WARN


def test_a_community_s_own_steps_replace_the_defaults():
    # given: warn at the 1st and 2nd offence within 10 days, mute 3 days at the 3rd
    group, _owner, member = _group_with_member()
    _own_steps(
        group,
        {"offences": 1, "window_days": 10, "action": "warn", "message": "Be kind."},
        {"offences": 2, "window_days": 10, "action": "warn", "message": "Second warning."},
        {"offences": 3, "window_days": 10, "action": "mute", "duration_days": 3},
    )
    start = timezone.now() - timedelta(days=2)
    # when
    first, second, third = (_offend(group, member, start + timedelta(hours=n)) for n in range(3))
    # then
    assert (first.action, first.message) == (SanctionAction.WARN, "Be kind.")
    assert (second.action, second.message) == (SanctionAction.WARN, "Second warning.")
    assert third.action == SanctionAction.MUTE
    assert third.ends_at == start + timedelta(hours=2) + timedelta(days=3)
    assert third.step == PlaybookStep.objects.get(community=group, position=3)


def test_the_top_step_applies_again_when_offences_go_past_it():
    group, _owner, member = _group_with_member()
    _own_steps(group, {"offences": 2, "window_days": 30, "action": "mute", "duration_days": 1})
    start = timezone.now() - timedelta(days=10)
    sanctions = [_offend(group, member, start + timedelta(days=n * 2)) for n in range(4)]
    assert [s.action if s else None for s in sanctions] == [None, "mute", "mute", "mute"]


def test_team_members_get_the_offence_on_record_but_no_sanction():
    group = make_community()
    editor = add_member(group, role=Role.EDITOR)
    _own_steps(group, {"offences": 1, "window_days": 30, "action": "block"})
    assert _offend(group, editor, timezone.now()) is None
    assert Offence.objects.filter(community=group, user=editor).count() == 1
    assert Membership.objects.filter(community=group, user=editor, role=Role.EDITOR).exists()


def test_an_offence_of_someone_already_blocked_is_recorded_without_a_second_block():
    group, _owner, member = _group_with_member()
    _own_steps(group, {"offences": 1, "window_days": 30, "action": "block"})
    first = _offend(group, member, timezone.now())
    again = _offend(group, member, timezone.now())
    assert first is not None
    assert first.ends_at is None
    assert again is None
    assert Block.objects.filter(community=group, user=member).count() == 1
    assert Offence.objects.filter(community=group, user=member).count() == 2


# --- a muted member ---------------------------------------------------------------------------


def _muted(group, member, *, days_ago: float):
    _own_steps(
        group,
        {
            "offences": 1,
            "window_days": 30,
            "action": "mute",
            "duration_days": 7,
            "message": "Cool down for a week",
        },
    )
    return _offend(group, member, timezone.now() - timedelta(days=days_ago), reason="Insults")


def test_a_muted_member_may_not_post_comment_or_start_a_discussion_and_is_told_until_when():
    # given
    group, owner, member = _group_with_member()
    post = make_post(group, owner)
    mute = _muted(group, member, days_ago=2)
    until = date_format(timezone.localtime(mute.ends_at), "DATETIME_FORMAT")
    # when / then
    for attempt in (
        lambda: create_post(actor=member, community=group, data={"body": "Hello"}),
        lambda: add_comment(actor=member, post=post, body="Hello"),
        lambda: start_topic(actor=member, community=group, title="Hello"),
    ):
        with pytest.raises(PermissionRefused) as refused:
            attempt()
        assert until in refused.value.message
        assert "Cool down for a week" in refused.value.message
        assert "Insults" in refused.value.message


def test_a_mute_past_its_end_no_longer_stops_the_member():
    group, owner, member = _group_with_member()
    post = make_post(group, owner)
    _muted(group, member, days_ago=8)
    require_not_muted(member, group)
    assert create_post(actor=member, community=group, data={"body": "I am back"}).pk
    assert add_comment(actor=member, post=post, body="Sorry").pk


def test_a_lifted_mute_no_longer_stops_the_member_and_the_lift_is_audited():
    group, owner, member = _group_with_member()
    mute = _muted(group, member, days_ago=1)
    moderator = add_member(group, role=Role.MODERATOR)
    lift_sanction(actor=moderator, sanction=mute)
    assert create_post(actor=member, community=group, data={"body": "Thanks"}).pk
    assert AuditEntry.objects.filter(action="playbook.lift", actor=moderator).exists()
    with pytest.raises(Conflict):
        lift_sanction(actor=owner, sanction=Sanction.objects.get(pk=mute.pk))


def test_lifting_a_block_sanction_lifts_the_block():
    group, owner, member = _group_with_member()
    _own_steps(group, {"offences": 1, "window_days": 30, "action": "block", "duration_days": 5})
    sanction = _offend(group, member, timezone.now())
    lift_sanction(actor=owner, sanction=sanction)
    assert not Block.objects.filter(community=group, user=member, lifted_at=None).exists()
    assert standing_of(member, group).relation == Relation.NON_MEMBER


def test_members_may_not_lift_sanctions():
    group, _owner, member = _group_with_member()
    mute = _muted(group, member, days_ago=1)
    with pytest.raises(PermissionRefused):
        lift_sanction(actor=add_member(group), sanction=mute)


# --- where offences come from -----------------------------------------------------------------


def test_a_moderator_upholding_a_report_in_the_queue_records_an_offence_of_the_author():
    # given
    group, _owner, member = _group_with_member()
    moderator = add_member(group, role=Role.MODERATOR)
    post = make_post(group, member, "Buy my pills")
    report = report_post(actor=add_member(group), post=post, reason="spam")
    item = item_for(actor=moderator, community=group, key=f"report:{report.pk}")
    # when
    decide(actor=moderator, community=group, item=item, data=DecisionInput("delete"))
    # then
    offence = Offence.objects.get(community=group, user=member)
    assert offence.kind == OffenceKind.REPORT_UPHELD
    assert offence.recorded_by == moderator
    assert offence.reason == "Spam or advertising"
    warning = Sanction.objects.get(community=group, user=member)
    assert warning.action == SanctionAction.WARN
    assert warning.applied_by == moderator
    assert AuditEntry.objects.filter(action="playbook.warn", actor=moderator).exists()


def test_dismissing_a_report_records_no_offence():
    group, _owner, member = _group_with_member()
    post = make_post(group, member, "A fine post")
    report = report_post(actor=add_member(group), post=post, reason="spam")
    item = item_for(actor=owner_of(group), community=group, key=f"report:{report.pk}")
    decide(actor=owner_of(group), community=group, item=item, data=DecisionInput("approve"))
    assert not Offence.objects.filter(community=group, user=member).exists()


def test_blocking_the_author_from_the_queue_records_the_offence_without_a_second_block():
    group, _owner, member = _group_with_member()
    moderator = add_member(group, role=Role.MODERATOR)
    _own_steps(group, {"offences": 1, "window_days": 30, "action": "block"})
    comment = make_comment(make_post(group), member, "Rude words")
    report = report_comment(actor=add_member(group), comment=comment, reason="abuse")
    item = item_for(actor=moderator, community=group, key=f"report:{report.pk}")
    decide(
        actor=moderator,
        community=group,
        item=item,
        data=DecisionInput("block", reason="Rude", block_days=3),
    )
    assert Offence.objects.filter(community=group, user=member).count() == 1
    assert not Sanction.objects.filter(community=group, user=member).exists()
    assert Block.objects.get(community=group, user=member).blocked_by == moderator


def test_a_moderator_deleting_a_comment_records_an_offence_but_its_author_deleting_it_does_not():
    group, _owner, member = _group_with_member()
    moderator = add_member(group, role=Role.MODERATOR)
    post = make_post(group)
    own = make_comment(post, member, "Oops, typo")
    delete_comment(actor=member, comment=own)
    assert not Offence.objects.filter(user=member).exists()
    rude = make_comment(post, member, "Rude words")
    delete_comment(actor=moderator, comment=rude)
    offence = Offence.objects.get(user=member)
    assert (offence.community, offence.kind) == (group, OffenceKind.COMMENT_DELETED)
    assert offence.recorded_by == moderator


# --- the steps: validation and who may change them ---------------------------------------------


def test_invalid_steps_are_refused_naming_each_field():
    group, owner, _member = _group_with_member()
    with pytest.raises(ValidationFailed) as refused:
        save_playbook(
            actor=owner,
            community=group,
            steps=[
                {"offences": 3, "window_days": 0, "action": "warn"},
                {"offences": 3, "window_days": 30, "action": "mute"},
                {"offences": 5, "window_days": 30, "action": "ban", "duration_days": 9999},
            ],
        )
    assert set(refused.value.fields) == {
        "steps.0.window_days",
        "steps.1.offences",
        "steps.1.duration_days",
        "steps.2.action",
        "steps.2.duration_days",
    }
    assert not PlaybookStep.objects.filter(community=group).exists()


def test_more_than_ten_steps_are_refused():
    group, owner, _member = _group_with_member()
    steps = [{"offences": n, "window_days": 30, "action": "warn"} for n in range(1, 12)]
    with pytest.raises(ValidationFailed) as refused:
        save_playbook(actor=owner, community=group, steps=steps)
    assert "steps" in refused.value.fields


def test_only_the_owner_and_administrators_may_change_the_steps():
    group, _owner, member = _group_with_member()
    steps = [{"offences": 1, "window_days": 30, "action": "warn"}]
    for person in (member, add_member(group, role=Role.MODERATOR)):
        with pytest.raises(PermissionRefused):
            save_playbook(actor=person, community=group, steps=steps)
    save_playbook(actor=add_member(group, role=Role.ADMIN), community=group, steps=steps)
    assert PlaybookStep.objects.filter(community=group).count() == 1
    assert AuditEntry.objects.filter(community=group, action="playbook.update").exists()


# --- the API ----------------------------------------------------------------------------------


def test_the_api_shows_the_defaults_and_saves_steps_and_an_empty_list_restores_them():
    group, owner, _member = _group_with_member()
    api = api_as(owner)
    shown = api.get(f"/communities/{group.slug}/playbook").json()
    assert shown["is_default"] is True
    assert [s["action"] for s in shown["steps"]] == ["warn", "mute", "block"]
    assert shown["default_steps"] == shown["steps"]
    body = {"steps": [{"offences": 2, "window_days": 7, "action": "mute", "duration_days": 1}]}
    saved = api.call("put", f"/communities/{group.slug}/playbook", body)
    assert saved.status_code == 200, saved.content
    assert saved.json()["is_default"] is False
    assert saved.json()["steps"][0] == {
        "position": 1,
        "offences": 2,
        "window_days": 7,
        "action": "mute",
        "duration_days": 1,
        "message": "",
    }
    restored = api.call("put", f"/communities/{group.slug}/playbook", {"steps": []})
    assert restored.json()["is_default"] is True


def test_the_api_names_the_field_of_each_mistake():
    group, owner, _member = _group_with_member()
    body = {
        "steps": [
            {"offences": 2, "window_days": 400, "action": "warn"},
            {"offences": 1, "window_days": 30, "action": "mute"},
        ]
    }
    response = api_as(owner).call("put", f"/communities/{group.slug}/playbook", body)
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {
        "steps.0.window_days",
        "steps.1.offences",
        "steps.1.duration_days",
    }


def test_members_may_not_read_or_change_the_playbook_through_the_api():
    group, _owner, member = _group_with_member()
    api = api_as(member)
    assert api.get(f"/communities/{group.slug}/playbook").status_code == 403
    body = {"steps": [{"offences": 1, "window_days": 30, "action": "warn"}]}
    assert api.call("put", f"/communities/{group.slug}/playbook", body).status_code == 403
    assert api.get(f"/communities/{group.slug}/sanctions").status_code == 403


def test_the_member_reads_their_own_sanctions_and_a_moderator_lifts_one_through_the_api():
    group, _owner, member = _group_with_member()
    mute = _muted(group, member, days_ago=1)
    mine = api_as(member).get(f"/communities/{group.slug}/sanctions/mine").json()
    assert [(s["id"], s["action"], s["reason"], s["active"]) for s in mine] == [
        (mute.pk, "mute", "Insults", True)
    ]
    assert mine[0]["ends_at"] is not None
    moderator = api_as(add_member(group, role=Role.MODERATOR))
    listed = moderator.get(f"/communities/{group.slug}/sanctions").json()
    assert [s["id"] for s in listed["items"]] == [mute.pk]
    assert api_as(member).post(f"/sanctions/{mute.pk}/lift").status_code == 404
    lifted = moderator.post(f"/sanctions/{mute.pk}/lift")
    assert lifted.status_code == 200
    assert lifted.json()["active"] is False
    assert api_as(member).get(f"/communities/{group.slug}/sanctions/mine").json() == []


def test_the_api_refuses_a_muted_member_s_comment_with_the_reason():
    group, owner, member = _group_with_member()
    post = make_post(group, owner)
    _muted(group, member, days_ago=1)
    response = api_as(member).post(f"/posts/{post.pk}/comments", {"body": "Hi"})
    assert response.status_code == 403
    assert "Cool down for a week" in error_of(response)["message"]


# --- the pages --------------------------------------------------------------------------------


def test_the_playbook_page_shows_the_defaults_and_one_button_saves_them(client):
    group, owner, _member = _group_with_member()
    client.force_login(owner)
    page = client.get(f"/c/{group.slug}/playbook/")
    assert page.status_code == 200
    assert "This community follows the default steps" in page.content.decode()
    assert f'href="/c/{group.slug}/playbook/"' in page.content.decode()  # the team tab
    saved = client.post(f"/c/{group.slug}/playbook/", {"use_default": "1"})
    assert saved.status_code == 302
    stored = list(PlaybookStep.objects.filter(community=group).order_by("position"))
    assert [(s.offences, s.window_days, s.action, s.duration_days) for s in stored] == [
        (d.offences, d.window_days, d.action, d.duration_days) for d in DEFAULT_STEPS
    ]


def test_the_playbook_page_saves_rows_and_names_the_field_of_each_mistake(client):
    group, owner, _member = _group_with_member()
    client.force_login(owner)
    refused = client.post(
        f"/c/{group.slug}/playbook/",
        {
            "steps.0.offences": "1",
            "steps.0.window_days": "30",
            "steps.0.action": "warn",
            # row 2 left empty, row 3 is a mute without days
            "steps.1.action": "warn",
            "steps.2.offences": "3",
            "steps.2.window_days": "30",
            "steps.2.action": "mute",
        },
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'class="has-error"><label class="visually-hidden" for="steps.2.duration_days"' in html
    assert "This field is required." in html
    assert not PlaybookStep.objects.filter(community=group).exists()
    saved = client.post(
        f"/c/{group.slug}/playbook/",
        {
            "steps.0.offences": "1",
            "steps.0.window_days": "30",
            "steps.0.action": "warn",
            "steps.2.offences": "3",
            "steps.2.window_days": "30",
            "steps.2.action": "mute",
            "steps.2.duration_days": "2",
        },
    )
    assert saved.status_code == 302
    assert list(PlaybookStep.objects.filter(community=group).values_list("position", "action")) == [
        (1, "warn"),
        (2, "mute"),
    ]


def test_members_may_not_open_the_playbook_page_and_moderators_may_not_change_it(client):
    group, _owner, member = _group_with_member()
    client.force_login(member)
    assert client.get(f"/c/{group.slug}/playbook/").status_code == 403
    client.force_login(add_member(group, role=Role.MODERATOR))
    assert client.post(f"/c/{group.slug}/playbook/", {"use_default": "1"}).status_code == 403
    assert not PlaybookStep.objects.filter(community=group).exists()


def test_the_owner_lifts_a_sanction_from_the_page(client):
    group, owner, member = _group_with_member()
    mute = _muted(group, member, days_ago=1)
    client.force_login(owner)
    page = client.get(f"/c/{group.slug}/playbook/").content.decode()
    lift_url = f"/c/{group.slug}/playbook/sanctions/{mute.pk}/lift/"
    assert lift_url in page
    assert client.post(lift_url).status_code == 302
    assert active_sanctions(member, group) == []


def test_the_member_sees_the_sanction_on_the_community_home_in_their_time_zone(client):
    group, _owner, member = _group_with_member()
    member.time_zone = "Asia/Ho_Chi_Minh"
    member.save(update_fields=["time_zone"])
    mute = _muted(group, member, days_ago=1)
    client.force_login(member)
    html = client.get(f"/c/{group.slug}/").content.decode()
    with timezone.override("Asia/Ho_Chi_Minh"):
        until = date_format(timezone.localtime(mute.ends_at), "DATETIME_FORMAT")
    assert "You are muted in this community until" in html
    assert until in html
    assert "Cool down for a week" in html
    assert "Insults" in html
    # another member sees nothing of it
    client.force_login(add_member(group))
    assert "You are muted" not in client.get(f"/c/{group.slug}/").content.decode()


# --- concurrency ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="races need concurrent writers; SQLite runs one writer at a time",
)
def test_six_offences_at_once_apply_each_default_step_exactly_once():
    from tests.support import run_together

    group, _owner, member = _group_with_member()
    calls = [lambda: _offend(group, member, None) for _ in range(6)]
    results, errors = run_together(calls)
    assert errors == []
    applied = sorted(s.action for s in results if s is not None)
    assert applied == ["block", "mute", "warn"]
    assert Offence.objects.filter(community=group, user=member).count() == 6
