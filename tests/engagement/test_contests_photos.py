"""Photo contests (R6.2): members send photos checked like post images and vote for the others';
every refusal named; counts live or hidden until the close; the count finds the winners."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communa.accounts.models import User
from communa.communities.models import Membership
from communa.core.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from communa.engagement.actions.contests import advance_due_contests
from communa.engagement.actions.photos import submit_photo, take_back_vote, vote_for_entry
from communa.engagement.models import ContestEntry, ContestState, ContestVote, ContestWinner
from communa.walls.models import Post
from tests.engagement.contest_support import contest_in, draw_rules, run_to_the_end
from tests.factories import add_member, block, image_upload, make_community, person
from tests.support import api_as
from tests.walls.support import make_post, png_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return make_community(person("owner"), name="Bakers", slug="bakers")


@pytest.fixture
def contest(community):
    return contest_in(community)


def _entry(contest, author=None, caption="My pie"):
    author = author or add_member(contest.community)
    return submit_photo(actor=author, contest=contest, upload=png_file(), caption=caption)


def test_a_member_sends_a_photo_with_a_thumbnail_and_a_number(contest):
    first, second = _entry(contest), _entry(contest)
    assert (first.number, second.number) == (1, 2)
    assert first.photo
    assert first.thumbnail
    assert (first.width, first.height) == (4, 4)


def test_a_file_that_is_no_image_is_refused_naming_the_photo(contest):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("pie.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationFailed) as refused:
        submit_photo(actor=add_member(contest.community), contest=contest, upload=fake)
    assert "photo" in refused.value.fields
    assert not ContestEntry.objects.exists()


def test_too_large_an_image_is_refused(contest, settings):
    settings.COMMUNA = {**settings.COMMUNA, "POST_IMAGE_MAX_PIXELS": 50}
    with pytest.raises(ValidationFailed) as refused:
        submit_photo(
            actor=add_member(contest.community), contest=contest, upload=image_upload(60, 20)
        )
    assert "photo" in refused.value.fields


def test_a_member_sends_at_most_the_allowed_number_of_photos(contest, settings):
    settings.COMMUNA = {**settings.COMMUNA, "CONTEST_MAX_ENTRIES_PER_MEMBER": 2}
    member = add_member(contest.community)
    _entry(contest, member)
    _entry(contest, member)
    with pytest.raises(Conflict):
        _entry(contest, member)


def test_a_non_member_cannot_send_or_vote(contest):
    entry = _entry(contest)
    outsider = person()
    with pytest.raises(PermissionRefused):
        _entry(contest, outsider)
    with pytest.raises(PermissionRefused):
        vote_for_entry(actor=outsider, entry=entry)


def test_a_blocked_member_cannot_send_or_vote(contest):
    entry = _entry(contest)
    blocked = block(contest.community).user
    with pytest.raises(PermissionRefused):
        _entry(contest, blocked)
    with pytest.raises(PermissionRefused):
        vote_for_entry(actor=blocked, entry=entry)


def test_a_member_with_an_active_block_beside_the_membership_cannot_vote(contest):
    entry = _entry(contest)
    member = add_member(contest.community)
    block(contest.community, member)
    with pytest.raises(PermissionRefused) as refused:
        vote_for_entry(actor=member, entry=entry)
    assert "blocked" in refused.value.message


def test_nobody_votes_for_their_own_photo(contest):
    author = add_member(contest.community)
    entry = _entry(contest, author)
    with pytest.raises(PermissionRefused):
        vote_for_entry(actor=author, entry=entry)
    assert not ContestVote.objects.exists()


def test_too_new_an_account_cannot_vote_or_send(community):
    contest = contest_in(community, min_account_days=10)
    old = add_member(community)
    User.objects.filter(pk=old.pk).update(date_joined=timezone.now() - timedelta(days=30))
    entry = _entry(contest, User.objects.get(pk=old.pk))
    young = add_member(community)
    with pytest.raises(PermissionRefused) as refused:
        vote_for_entry(actor=young, entry=entry)
    assert "too new" in refused.value.message
    with pytest.raises(PermissionRefused):
        _entry(contest, young)


def test_a_member_of_another_country_cannot_vote(community):
    contest = contest_in(community, countries=["DE"])
    german = add_member(community, person(country="DE"))
    entry = _entry(contest, german)
    with pytest.raises(PermissionRefused):
        vote_for_entry(actor=add_member(community, person(country="FR")), entry=entry)
    vote_for_entry(actor=add_member(community, person(country="DE")), entry=entry)


def test_a_vote_counts_once_and_a_repeat_is_no_error(contest):
    entry = _entry(contest)
    voter = add_member(contest.community)
    entry, counted = vote_for_entry(actor=voter, entry=entry)
    assert (entry.vote_count, counted) == (1, True)
    entry, counted = vote_for_entry(actor=voter, entry=entry)
    assert (entry.vote_count, counted) == (1, False)


def test_one_vote_per_contest_refuses_a_second_entry(community):
    contest = contest_in(community, vote_scope="contest")
    first, second = _entry(contest), _entry(contest)
    voter = add_member(community)
    vote_for_entry(actor=voter, entry=first)
    with pytest.raises(Conflict):
        vote_for_entry(actor=voter, entry=second)
    take_back_vote(actor=voter, entry=first)
    vote_for_entry(actor=voter, entry=second)
    assert ContestEntry.objects.get(pk=first.pk).vote_count == 0
    assert ContestEntry.objects.get(pk=second.pk).vote_count == 1


def test_one_vote_per_entry_lets_a_member_vote_for_several(contest):
    first, second = _entry(contest), _entry(contest)
    voter = add_member(contest.community)
    vote_for_entry(actor=voter, entry=first)
    vote_for_entry(actor=voter, entry=second)
    assert ContestVote.objects.filter(voter=voter).count() == 2


def test_nothing_is_sent_or_voted_after_the_close(contest):
    entry = _entry(contest)
    advance_due_contests(now=contest.close_at + timedelta(minutes=1))
    contest.refresh_from_db()
    assert contest.state == ContestState.CLOSED
    with pytest.raises(Conflict) as refused:
        vote_for_entry(actor=add_member(contest.community), entry=entry)
    assert "closed" in refused.value.message
    with pytest.raises(Conflict):
        _entry(contest)


def test_a_draw_takes_no_photos(community):
    draw = contest_in(community, data=draw_rules(make_post(community)))
    with pytest.raises(Conflict):
        _entry(draw)


def test_an_excluded_entry_cannot_be_voted_for(contest):
    entry = _entry(contest)
    ContestEntry.objects.filter(pk=entry.pk).update(excluded="suspected_fake")
    entry.refresh_from_db()
    with pytest.raises(NotFound):
        vote_for_entry(actor=add_member(contest.community), entry=entry)


def test_hidden_counts_show_only_after_the_close(community):
    contest = contest_in(community, live_counts=False)
    entry = _entry(contest)
    vote_for_entry(actor=add_member(community), entry=entry)
    member = add_member(community)
    items = api_as(member).get(f"/contests/{contest.pk}/entries").json()["items"]
    assert items[0]["votes"] is None
    advance_due_contests(now=contest.close_at + timedelta(minutes=1))
    items = api_as(member).get(f"/contests/{contest.pk}/entries").json()["items"]
    assert items[0]["votes"] == 1


def test_the_count_picks_the_most_voted_a_tie_going_to_the_first_sent(community):
    contest = contest_in(community, winners_count=2)
    authors = [add_member(community, person(f"author{i}")) for i in range(3)]
    entries = [_entry(contest, author) for author in authors]
    voters = [add_member(community) for _ in range(3)]
    for voter in voters:
        vote_for_entry(actor=voter, entry=entries[2])
    vote_for_entry(actor=voters[0], entry=entries[1])
    vote_for_entry(actor=voters[1], entry=entries[0])
    contest = run_to_the_end(contest)
    winners = list(ContestWinner.objects.filter(contest=contest).values_list("entry_id", flat=True))
    assert winners == [entries[2].pk, entries[0].pk]


def test_a_member_wins_at_most_once(community):
    contest = contest_in(community, winners_count=2)
    star, other = add_member(community), add_member(community)
    top, second, third = _entry(contest, star), _entry(contest, star), _entry(contest, other)
    for _ in range(2):
        voter = add_member(community)
        vote_for_entry(actor=voter, entry=top)
        vote_for_entry(actor=voter, entry=second)
    vote_for_entry(actor=add_member(community), entry=third)
    contest = run_to_the_end(contest)
    winners = list(ContestWinner.objects.filter(contest=contest).values_list("user_id", flat=True))
    assert winners == [star.pk, other.pk]


def test_the_wall_post_is_not_written_when_the_author_left_the_team(community):
    contest = contest_in(community, post_winners=True)
    _entry(contest)
    Membership.objects.filter(user=contest.created_by).update(role="member")
    contest = run_to_the_end(contest)
    assert contest.state == ContestState.WINNERS
    assert contest.winners_post is None
    assert contest.winners_post_error
    assert not Post.objects.filter(body__contains="winners").exists()


def test_every_entry_and_vote_records_an_event(contest):
    from communa.analytics.models import Event
    from communa.core.events import EventKind

    entry = _entry(contest)
    vote_for_entry(actor=add_member(contest.community), entry=entry)
    community_id = contest.community_id
    assert Event.objects.filter(kind=EventKind.ENTRY, community_id=community_id).count() == 1
    assert Event.objects.filter(kind=EventKind.CONTEST_VOTE, community_id=community_id).count() == 1
