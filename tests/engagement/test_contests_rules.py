"""The rules of a contest (R6.2): written by the team, dates in order, frozen once open, typos
fixed by logged corrections."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communa.communities.models import Role
from communa.core.audit import AuditEntry
from communa.core.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from communa.engagement.actions.contests import (
    announce_contest,
    correct_contest,
    create_contest,
    delete_contest,
    update_contest,
)
from communa.engagement.models import Contest, ContestCorrection, ContestState
from tests.engagement.contest_support import contest_in, draw_rules, rules
from tests.factories import add_member, make_community, person
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return make_community(person("owner"), name="Bakers", slug="bakers")


def test_an_editor_writes_a_contest_as_a_draft_with_an_audit_entry(community):
    editor = add_member(community, role=Role.EDITOR)
    contest = create_contest(actor=editor, community=community, data=rules())
    assert contest.state == ContestState.DRAFT
    assert not contest.commitment
    assert AuditEntry.objects.filter(action="contest.create").count() == 1


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR, Role.ANALYST])
def test_a_member_or_moderator_cannot_write_a_contest(community, role):
    with pytest.raises(PermissionRefused):
        create_contest(actor=add_member(community, role=role), community=community, data=rules())


def test_a_close_before_the_opening_is_refused_naming_close_at(community):
    now = timezone.now()
    data = rules(open_at=now + timedelta(days=2), close_at=now + timedelta(days=1))
    with pytest.raises(ValidationFailed) as refused:
        create_contest(actor=community.created_by, community=community, data=data)
    assert set(refused.value.fields) == {"close_at"}


@pytest.mark.parametrize(
    ("field", "shift"),
    [
        ("open_at", {"open_at": -timedelta(days=1)}),
        ("decide_at", {"decide_at": -timedelta(days=3)}),
        ("winners_at", {"winners_at": timedelta(hours=1)}),
    ],
)
def test_every_date_out_of_order_is_named(community, field, shift):
    now = timezone.now()
    data = rules(announce_at=now, open_at=now + timedelta(hours=1))
    for key, delta in shift.items():
        data[key] = now + delta
    with pytest.raises(ValidationFailed) as refused:
        create_contest(actor=community.created_by, community=community, data=data)
    assert field in refused.value.fields


def test_a_draw_on_shares_needs_the_post_of_the_community(community):
    other = make_community(person(), name="Other", slug="other")
    foreign = make_post(other)
    with pytest.raises(ValidationFailed) as refused:
        create_contest(actor=community.created_by, community=community, data=draw_rules(foreign))
    assert "post" in refused.value.fields
    data = rules(kind="draw", source="shared")
    with pytest.raises(ValidationFailed) as refused:
        create_contest(actor=community.created_by, community=community, data=data)
    assert "post" in refused.value.fields


def test_unknown_countries_and_too_many_winners_are_named(community, settings):
    settings.COMMUNA = {**settings.COMMUNA, "CONTEST_MAX_WINNERS": 5}
    data = rules(countries=["DE", "XX"], winners_count=6)
    with pytest.raises(ValidationFailed) as refused:
        create_contest(actor=community.created_by, community=community, data=data)
    assert set(refused.value.fields) == {"countries", "winners_count"}


def test_rules_change_freely_while_announced(community):
    contest = contest_in(community, open_at=timezone.now() + timedelta(hours=1))
    assert contest.state == ContestState.ANNOUNCED
    update_contest(actor=community.created_by, contest=contest, data={"prize": "Two books"})
    assert Contest.objects.get(pk=contest.pk).prize == "Two books"


def test_rules_are_frozen_once_open_and_the_refusal_names_each_field(community):
    contest = contest_in(community)
    assert contest.state == ContestState.OPEN
    with pytest.raises(Conflict) as refused:
        update_contest(
            actor=community.created_by,
            contest=contest,
            data={"prize": "A car", "winners_count": 9, "title": contest.title},
        )
    assert set(refused.value.fields) == {"prize", "winners_count"}
    assert Contest.objects.get(pk=contest.pk).prize == "A cookbook"


def test_a_correction_after_the_opening_is_logged_and_changes_the_text(community):
    contest = contest_in(community)
    correct_contest(
        actor=community.created_by,
        contest=contest,
        field="prize",
        value="A cook book",
        note="Typo",
    )
    correction = ContestCorrection.objects.get(contest=contest)
    assert (correction.field, correction.before, correction.after) == (
        "prize",
        "A cookbook",
        "A cook book",
    )
    assert Contest.objects.get(pk=contest.pk).prize == "A cook book"
    assert AuditEntry.objects.filter(action="contest.correct").exists()


def test_a_correction_before_the_opening_is_refused(community):
    contest = contest_in(community, announce=False)
    with pytest.raises(Conflict):
        correct_contest(actor=community.created_by, contest=contest, field="prize", value="x")


def test_a_correction_cannot_touch_the_mechanics_numbers(community):
    contest = contest_in(community)
    with pytest.raises(ValidationFailed) as refused:
        correct_contest(
            actor=community.created_by, contest=contest, field="winners_count", value="3"
        )
    assert "field" in refused.value.fields


def test_announcing_publishes_the_commitment_of_a_secret_seed(community):
    import hashlib

    contest = contest_in(community, announce=False)
    announce_contest(actor=community.created_by, contest=contest)
    contest.refresh_from_db()
    assert len(contest.seed) == 64
    assert contest.commitment == hashlib.sha256(contest.seed.encode()).hexdigest()
    with pytest.raises(Conflict):
        announce_contest(actor=community.created_by, contest=contest)


def test_only_a_draft_never_announced_can_be_deleted(community):
    draft = contest_in(community, announce=False)
    delete_contest(actor=community.created_by, contest=draft)
    assert not Contest.objects.filter(pk=draft.pk).exists()
    announced = contest_in(community)
    with pytest.raises(Conflict):
        delete_contest(actor=community.created_by, contest=announced)


def test_a_draft_is_hidden_from_members(community):
    from communa.engagement.selectors.contests import contest_in as visible_contest

    draft = contest_in(community, announce=False)
    member = add_member(community)
    with pytest.raises(NotFound):
        visible_contest(member, community, draft.pk)
    assert visible_contest(community.created_by, community, draft.pk) == draft
