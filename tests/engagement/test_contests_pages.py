"""Contest pages (R6.2): what members read and do, what the team manages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communa.engagement.actions.contests import correct_contest
from communa.engagement.actions.photos import submit_photo
from communa.engagement.models import (
    Contest,
    ContestEntry,
    ContestState,
    ContestVote,
    ContestWinner,
)
from communa.walls.actions.posts import share_post
from tests.engagement.contest_support import contest_in, draw_rules, run_to_the_end
from tests.factories import add_member, make_community, person
from tests.support import client_of
from tests.walls.support import make_post, png_file

pytestmark = pytest.mark.django_db
MOMENT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def community():
    return make_community(person("owner"), name="Bakers", slug="bakers")


def test_the_contest_page_shows_rules_corrections_and_the_commitment(community):
    contest = contest_in(community, data=draw_rules(make_post(community)))
    correct_contest(
        actor=community.created_by, contest=contest, field="prize", value="A cook book", note="Typo"
    )
    page = client_of(add_member(community)).get(f"/c/bakers/contests/{contest.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "A cook book" in text
    assert "Corrections" in text
    assert contest.commitment in text
    assert contest.seed not in text
    assert "Published at the draw." in text


def test_a_finished_draw_shows_seed_entries_winners_and_the_script(community):
    post = make_post(community)
    for name in ("olga", "ivan"):
        share_post(actor=add_member(community, person(name)), post=post)
    contest = run_to_the_end(contest_in(community, data=draw_rules(post)))
    text = client_of(None).get(f"/c/bakers/contests/{contest.pk}/").content.decode()
    assert contest.seed in text
    assert "hashlib.sha256" in text
    winner = ContestWinner.objects.get(contest=contest).user
    assert f"@{winner.username}" in text


def test_the_contests_list_shows_announced_contests_only_to_members(community):
    contest_in(community, title="Draft one", announce=False)
    contest_in(community, title="Live one")
    text = client_of(add_member(community)).get("/c/bakers/contests/").content.decode()
    assert "Live one" in text
    assert "Draft one" not in text


def test_a_member_sends_a_photo_and_votes_from_the_page(community):
    contest = contest_in(community)
    author, voter = add_member(community), add_member(community)
    sent = client_of(author).post(
        f"/c/bakers/contests/{contest.pk}/enter/", {"photo": png_file(), "caption": "Mine"}
    )
    assert sent.status_code == 302
    entry = ContestEntry.objects.get(contest=contest)
    page = client_of(voter).get(f"/c/bakers/contests/{contest.pk}/").content.decode()
    assert f"Vote for #{entry.number}" in page
    voted = client_of(voter).post(f"/c/bakers/contests/{contest.pk}/entries/{entry.pk}/vote/")
    assert voted.status_code == 302
    assert ContestVote.objects.filter(voter=voter).count() == 1
    client_of(voter).post(
        f"/c/bakers/contests/{contest.pk}/entries/{entry.pk}/vote/", {"undo": "1"}
    )
    assert not ContestVote.objects.exists()


def test_a_self_vote_from_the_page_is_refused_with_a_reason(community):
    contest = contest_in(community)
    author = add_member(community)
    entry = submit_photo(actor=author, contest=contest, upload=png_file())
    answer = client_of(author).post(f"/c/bakers/contests/{contest.pk}/entries/{entry.pk}/vote/")
    assert answer.status_code == 403
    assert "own photo" in answer.content.decode()


def test_a_broken_photo_is_shown_on_the_form(community):
    from django.core.files.uploadedfile import SimpleUploadedFile

    contest = contest_in(community)
    bad = SimpleUploadedFile("pie.png", b"nope", content_type="image/png")
    answer = client_of(add_member(community)).post(
        f"/c/bakers/contests/{contest.pk}/enter/", {"photo": bad}
    )
    assert answer.status_code == 422
    assert "not an image" in answer.content.decode()


def _form(**changes):
    now = timezone.now()
    data = {
        "kind": "photo",
        "title": "Best pie",
        "prize": "A cookbook",
        "winners_count": "1",
        "min_account_days": "0",
        "vote_scope": "entry",
        "members_only": "on",
        "live_counts": "on",
        "announce_at": (now + timedelta(days=1)).strftime(MOMENT),
        "open_at": (now + timedelta(days=2)).strftime(MOMENT),
        "close_at": (now + timedelta(days=3)).strftime(MOMENT),
        "decide_at": (now + timedelta(days=4)).strftime(MOMENT),
    }
    data.update(changes)
    return data


def test_the_team_writes_a_contest_from_the_manage_area(community):
    owner = client_of(community.created_by)
    assert owner.get("/c/bakers/manage/contests/").status_code == 200
    answer = owner.post("/c/bakers/manage/contests/", _form())
    assert answer.status_code == 302
    contest = Contest.objects.get()
    assert contest.title == "Best pie"
    assert owner.get(f"/c/bakers/manage/contests/{contest.pk}/").status_code == 200
    owner.post(f"/c/bakers/manage/contests/{contest.pk}/announce/")
    assert Contest.objects.get().ready


def test_the_manage_form_names_a_close_before_the_opening(community):
    now = timezone.now()
    answer = client_of(community.created_by).post(
        "/c/bakers/manage/contests/", _form(close_at=(now - timedelta(days=9)).strftime(MOMENT))
    )
    assert answer.status_code == 422
    assert "Entries cannot close before they open." in answer.content.decode()


def test_a_member_cannot_open_the_manage_pages(community):
    member = client_of(add_member(community))
    assert member.get("/c/bakers/manage/contests/").status_code == 403


def test_the_team_corrects_frozen_rules_and_marks_a_prize_delivered(community):
    post = make_post(community)
    share_post(actor=add_member(community, person("olga")), post=post)
    contest = contest_in(community, data=draw_rules(post))
    owner = client_of(community.created_by)
    page = owner.get(f"/c/bakers/manage/contests/{contest.pk}/").content.decode()
    assert "Correct a typo" in page
    owner.post(
        f"/c/bakers/manage/contests/{contest.pk}/correct/",
        {"field": "title", "value": "Share and win!", "note": "Exclamation"},
    )
    assert Contest.objects.get(pk=contest.pk).title == "Share and win!"
    contest = run_to_the_end(contest)
    winner = ContestWinner.objects.get(contest=contest)
    owner.post(
        f"/c/bakers/manage/contests/{contest.pk}/winners/{winner.pk}/delivered/", {"note": "Sent"}
    )
    assert Contest.objects.get(pk=contest.pk).state == ContestState.DELIVERED


def test_the_manage_page_lists_the_excluded_entries_with_reasons(community):
    from communa.communities.models import Role

    post = make_post(community)
    share_post(actor=add_member(community, person("editor"), role=Role.EDITOR), post=post)
    contest = run_to_the_end(contest_in(community, data=draw_rules(post)))
    page = client_of(community.created_by).get(f"/c/bakers/manage/contests/{contest.pk}/")
    text = page.content.decode()
    assert "Excluded entries" in text
    assert "Runs the contest" in text
