"""Polls through their actions: the team's rules, members' votes, closing exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from communa.analytics.models.events import Event
from communa.communities.models import Privacy, Role
from communa.core.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from communa.core.events import EventKind
from communa.core.lifecycle import RUNNERS
from communa.core.models import AuditEntry
from communa.engagement.actions.polls import (
    CAST,
    CHANGED,
    SAME,
    close_due_polls,
    close_poll,
    delete_poll,
    update_poll,
    vote_in_poll,
    withdraw_vote,
)
from communa.engagement.models import Ballot, Poll, PollState
from communa.walls.models import Post
from tests.engagement.polls_support import counts, make_poll, option_ids, poll_row
from tests.factories import add_member, make_community, owner_of, person
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return make_community(person("olga"), slug="cooks")


def fields_of(excinfo) -> dict:
    return excinfo.value.fields


# --- the team's rules ----------------------------------------------------------------------------


def test_an_editor_opens_a_poll_with_its_options_in_order_and_an_audit_entry(community):
    editor = add_member(community, role=Role.EDITOR)
    poll = make_poll(community, editor, options=("  Santoku ", "Chef's knife", "Paring"))
    assert [o.text for o in poll.options.order_by("position")] == [
        "Santoku",
        "Chef's knife",
        "Paring",
    ]
    assert poll.state == PollState.OPEN
    assert AuditEntry.objects.filter(action="poll.create", community=community).exists()


def test_a_member_may_not_open_a_poll(community):
    with pytest.raises(PermissionRefused):
        make_poll(community, add_member(community))


@pytest.mark.parametrize("options", [("Only one",), tuple(f"Option {i}" for i in range(1000))])
def test_a_poll_needs_two_to_the_most_options(community, options):
    with pytest.raises(ValidationFailed) as excinfo:
        make_poll(community, options=options)
    assert set(fields_of(excinfo)) == {"options"}


def test_the_most_options_is_a_setting(community, settings):
    settings.COMMUNA = {**django_settings.COMMUNA, "POLL_MAX_OPTIONS": 3}
    make_poll(community, options=("a", "b", "c"))
    with pytest.raises(ValidationFailed) as excinfo:
        make_poll(community, options=("a", "b", "c", "d"))
    assert "at most 3" in fields_of(excinfo)["options"][0]


def test_options_must_differ(community):
    with pytest.raises(ValidationFailed) as excinfo:
        make_poll(community, options=("Tea", "tea"))
    assert "options" in fields_of(excinfo)


@pytest.mark.parametrize("ahead", [timedelta(seconds=-1), timedelta(days=10000)])
def test_a_deadline_lies_ahead_within_the_planning_horizon(community, ahead):
    with pytest.raises(ValidationFailed) as excinfo:
        make_poll(community, closes_at=timezone.now() + ahead)
    assert set(fields_of(excinfo)) == {"closes_at"}


def test_a_single_choice_poll_takes_no_larger_choice_limit(community):
    with pytest.raises(ValidationFailed) as excinfo:
        make_poll(community, max_choices=2)
    assert set(fields_of(excinfo)) == {"max_choices"}
    with pytest.raises(ValidationFailed) as excinfo:
        make_poll(community, multiple=True, max_choices=3)
    assert set(fields_of(excinfo)) == {"max_choices"}


def test_a_poll_goes_under_a_published_post_of_its_own_community_once(community):
    other = make_community(person(), slug="bakers")
    elsewhere = make_post(other)
    for post_id in (elsewhere.pk, 10**9):
        with pytest.raises(ValidationFailed) as excinfo:
            make_poll(community, post_id=post_id)
        assert set(fields_of(excinfo)) == {"post_id"}
    post = make_post(community)
    make_poll(community, post_id=post.pk)
    with pytest.raises(ValidationFailed) as excinfo:
        make_poll(community, post_id=post.pk)
    assert "already has a poll" in fields_of(excinfo)["post_id"][0]


def test_attaching_a_poll_renews_the_posts_content_version(community):
    post = make_post(community)
    before = Post.objects.get(pk=post.pk).content_version
    poll = make_poll(community, post_id=post.pk)
    attached = Post.objects.get(pk=post.pk).content_version
    assert attached > before
    delete_poll(actor=owner_of(community), poll=poll)
    assert Post.objects.get(pk=post.pk).content_version > attached


def test_a_poll_changes_freely_before_the_first_vote(community):
    poll = make_poll(community)
    update_poll(
        actor=owner_of(community),
        poll=poll,
        data={"question": "Which stone?", "options": ["1000", "3000", "6000"], "multiple": True},
    )
    poll.refresh_from_db()
    assert poll.question == "Which stone?"
    assert [o.text for o in poll.options.all()] == ["1000", "3000", "6000"]
    assert poll.multiple


def test_after_the_first_vote_only_the_deadline_and_post_change(community):
    poll = make_poll(community)
    vote_in_poll(actor=add_member(community), poll=poll, option_ids=option_ids(poll)[:1])
    with pytest.raises(Conflict):
        update_poll(actor=owner_of(community), poll=poll, data={"options": ["Yes", "Maybe"]})
    later = timezone.now() + timedelta(days=3)
    update_poll(actor=owner_of(community), poll=poll, data={"closes_at": later})
    poll.refresh_from_db()
    assert poll.closes_at == later


# --- votes ---------------------------------------------------------------------------------------


def test_a_member_votes_once_and_the_vote_is_counted_with_an_event(community):
    poll = make_poll(community)
    member = add_member(community)
    yes, _no = option_ids(poll)
    _ballot, outcome = vote_in_poll(actor=member, poll=poll, option_ids=[yes])
    assert outcome == CAST
    assert counts(poll) == [1, 0]
    event = Event.objects.get(kind=EventKind.POLL_VOTE)
    assert (event.user_id, event.community_id) == (member.pk, community.pk)


def test_the_same_vote_again_changes_nothing(community):
    poll = make_poll(community, changeable=False)
    member = add_member(community)
    first, outcome = vote_in_poll(actor=member, poll=poll, option_ids=option_ids(poll)[:1])
    again, repeated = vote_in_poll(actor=member, poll=poll, option_ids=option_ids(poll)[:1])
    assert (outcome, repeated, again.pk) == (CAST, SAME, first.pk)
    assert counts(poll) == [1, 0]
    assert Event.objects.filter(kind=EventKind.POLL_VOTE).count() == 1


def test_a_vote_changes_only_where_the_poll_allows_it(community):
    fixed = make_poll(community, changeable=False)
    member = add_member(community)
    yes, no = option_ids(fixed)
    vote_in_poll(actor=member, poll=fixed, option_ids=[yes])
    with pytest.raises(Conflict):
        vote_in_poll(actor=member, poll=fixed, option_ids=[no])
    assert counts(fixed) == [1, 0]

    loose = make_poll(community, changeable=True)
    yes, no = option_ids(loose)
    vote_in_poll(actor=member, poll=loose, option_ids=[yes])
    _ballot, outcome = vote_in_poll(actor=member, poll=loose, option_ids=[no])
    assert outcome == CHANGED
    assert counts(loose) == [0, 1]
    assert Ballot.objects.filter(poll=loose).count() == 1


def test_several_choices_go_in_one_ballot_up_to_the_limit(community):
    poll = make_poll(community, options=("a", "b", "c"), multiple=True, max_choices=2)
    member = add_member(community)
    a, b, c = option_ids(poll)
    with pytest.raises(ValidationFailed) as excinfo:
        vote_in_poll(actor=member, poll=poll, option_ids=[a, b, c])
    assert set(fields_of(excinfo)) == {"option_ids"}
    vote_in_poll(actor=member, poll=poll, option_ids=[a, c])
    assert counts(poll) == [1, 0, 1]
    assert Ballot.objects.filter(poll=poll).count() == 1


@pytest.mark.parametrize("choice", ["none", "two", "foreign"])
def test_a_vote_names_its_choices_from_this_poll_one_for_a_single_choice(community, choice):
    poll = make_poll(community)
    other = make_poll(community)
    chosen = {"none": [], "two": option_ids(poll), "foreign": option_ids(other)[:1]}[choice]
    with pytest.raises(ValidationFailed) as excinfo:
        vote_in_poll(actor=add_member(community), poll=poll, option_ids=chosen)
    assert set(fields_of(excinfo)) == {"option_ids"}
    assert not Ballot.objects.exists()


def test_nobody_votes_in_a_closed_poll_or_past_its_deadline(community):
    closed = make_poll(community)
    close_poll(actor=owner_of(community), poll=closed)
    late = poll_row(community, closes_at=timezone.now() - timedelta(minutes=1))
    member = add_member(community)
    for poll in (closed, late):
        with pytest.raises(Conflict):
            vote_in_poll(actor=member, poll=poll, option_ids=option_ids(poll)[:1])
    assert not Ballot.objects.exists()


def test_only_members_vote(community):
    poll = make_poll(community)
    with pytest.raises(PermissionRefused):
        vote_in_poll(actor=person(), poll=poll, option_ids=option_ids(poll)[:1])
    private = make_community(person(), privacy=Privacy.PRIVATE)
    hidden = make_poll(private)
    with pytest.raises(NotFound):
        vote_in_poll(actor=person(), poll=hidden, option_ids=option_ids(hidden)[:1])


def test_a_vote_is_taken_back_where_votes_may_change(community):
    poll = make_poll(community)
    member = add_member(community)
    vote_in_poll(actor=member, poll=poll, option_ids=option_ids(poll)[:1])
    withdraw_vote(actor=member, poll=poll)
    assert counts(poll) == [0, 0]
    with pytest.raises(Conflict):
        withdraw_vote(actor=member, poll=poll)
    fixed = make_poll(community, changeable=False)
    vote_in_poll(actor=member, poll=fixed, option_ids=option_ids(fixed)[:1])
    with pytest.raises(Conflict):
        withdraw_vote(actor=member, poll=fixed)


# --- closing -------------------------------------------------------------------------------------


def test_the_runner_closes_each_poll_past_its_deadline_exactly_once(community):
    due = poll_row(community, closes_at=timezone.now() - timedelta(minutes=1))
    later = poll_row(community, closes_at=timezone.now() + timedelta(hours=1))
    forever = poll_row(community)
    assert RUNNERS["poll_closing"] is close_due_polls
    assert close_due_polls() == 1
    assert close_due_polls() == 0
    states = dict(Poll.objects.values_list("pk", "state"))
    assert states == {due.pk: "closed", later.pk: "open", forever.pk: "open"}
    closed_at = Poll.objects.get(pk=due.pk).closed_at
    assert closed_at is not None


def test_the_team_closes_a_poll_by_hand_once(community):
    poll = make_poll(community)
    close_poll(actor=owner_of(community), poll=poll)
    assert Poll.objects.get(pk=poll.pk).state == PollState.CLOSED
    with pytest.raises(Conflict):
        close_poll(actor=owner_of(community), poll=poll)
    assert AuditEntry.objects.filter(action="poll.close").count() == 1


def test_deleting_a_poll_takes_its_votes_and_leaves_the_post(community):
    post = make_post(community)
    poll = make_poll(community, post_id=post.pk)
    vote_in_poll(actor=add_member(community), poll=poll, option_ids=option_ids(poll)[:1])
    delete_poll(actor=owner_of(community), poll=poll)
    assert not Poll.objects.exists()
    assert not Ballot.objects.exists()
    assert Post.objects.filter(pk=post.pk).exists()
