"""The contests API (R6.2): every operation, its refusals and its statuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communa.engagement.actions.contests import correct_contest
from communa.engagement.models import ContestState, ContestWinner
from communa.walls.actions.posts import share_post
from tests.engagement.contest_support import contest_in, draw_rules, run_to_the_end
from tests.factories import add_member, make_community, person
from tests.support import api_as, error_of
from tests.walls.support import make_post, png_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return make_community(person("owner"), name="Bakers", slug="bakers")


def _body(**changes):
    now = timezone.now()
    body = {
        "kind": "photo",
        "title": "Best pie",
        "prize": "A cookbook",
        "announce_at": (now - timedelta(hours=2)).isoformat(),
        "open_at": (now - timedelta(hours=1)).isoformat(),
        "close_at": (now + timedelta(days=1)).isoformat(),
        "decide_at": (now + timedelta(days=2)).isoformat(),
    }
    body.update(changes)
    return body


def test_the_team_creates_announces_and_reads_a_contest(community):
    api = api_as(community.created_by)
    made = api.post("/communities/bakers/contests", _body())
    assert made.status_code == 201, made.json()
    contest_id = made.json()["id"]
    assert made.json()["state"] == "draft"
    announced = api.post(f"/contests/{contest_id}/announce")
    assert announced.status_code == 200
    assert len(announced.json()["commitment"]) == 64
    assert announced.json()["state"] == "announced"
    assert api.post(f"/contests/{contest_id}/announce").status_code == 409
    listed = api_as(None).get("/communities/bakers/contests").json()["items"]
    assert [item["id"] for item in listed] == [contest_id]


def test_a_close_before_the_opening_is_a_422_naming_close_at(community):
    now = timezone.now()
    body = _body(close_at=(now - timedelta(days=3)).isoformat())
    answer = api_as(community.created_by).post("/communities/bakers/contests", body)
    assert answer.status_code == 422
    assert "close_at" in error_of(answer)["fields"]


def test_a_member_cannot_create_and_does_not_see_drafts(community):
    member = add_member(community)
    assert api_as(member).post("/communities/bakers/contests", _body()).status_code == 403
    draft = contest_in(community, announce=False)
    assert api_as(member).get(f"/contests/{draft.pk}").status_code == 404
    assert api_as(member).get("/communities/bakers/contests").json()["items"] == []


def test_frozen_rules_answer_409_naming_the_field_and_a_correction_is_shown(community):
    contest = contest_in(community)
    api = api_as(community.created_by)
    refused = api.patch(f"/contests/{contest.pk}", {"prize": "A car"})
    assert refused.status_code == 409
    assert set(error_of(refused)["fields"]) == {"prize"}
    corrected = api.post(
        f"/contests/{contest.pk}/corrections",
        {"field": "prize", "value": "A cook book", "note": "Typo"},
    )
    assert corrected.status_code == 201
    shown = api_as(None).get(f"/contests/{contest.pk}").json()
    assert shown["prize"] == "A cook book"
    assert [(c["field"], c["before"]) for c in shown["corrections"]] == [("prize", "A cookbook")]


def test_a_patch_before_the_opening_changes_the_rules(community):
    contest = contest_in(community, announce=False)
    answer = api_as(community.created_by).patch(f"/contests/{contest.pk}", {"winners_count": 3})
    assert answer.status_code == 200
    assert answer.json()["winners_count"] == 3


def test_members_send_photos_and_vote_through_the_api(community):
    contest = contest_in(community)
    author, voter = add_member(community), add_member(community)
    sent = api_as(author).client.post(
        f"/api/contests/{contest.pk}/entries", {"photo": png_file(), "caption": "Mine"}
    )
    assert sent.status_code == 201, sent.json()
    entry_id = sent.json()["id"]
    assert api_as(author).post(f"/contests/{contest.pk}/entries/{entry_id}/vote").status_code == 403
    first = api_as(voter).post(f"/contests/{contest.pk}/entries/{entry_id}/vote")
    assert (first.status_code, first.json()["votes"], first.json()["voted"]) == (201, 1, True)
    again = api_as(voter).post(f"/contests/{contest.pk}/entries/{entry_id}/vote")
    assert (again.status_code, again.json()["votes"]) == (200, 1)
    back = api_as(voter).delete(f"/contests/{contest.pk}/entries/{entry_id}/vote")
    assert (back.status_code, back.json()["votes"], back.json()["voted"]) == (200, 0, False)
    outsider = api_as(person()).post(f"/contests/{contest.pk}/entries/{entry_id}/vote")
    assert outsider.status_code == 403


def test_a_photo_that_is_no_image_is_a_422_naming_photo(community):
    from django.core.files.uploadedfile import SimpleUploadedFile

    contest = contest_in(community)
    bad = SimpleUploadedFile("pie.png", b"nope", content_type="image/png")
    answer = api_as(add_member(community)).client.post(
        f"/api/contests/{contest.pk}/entries", {"photo": bad}
    )
    assert answer.status_code == 422
    assert "photo" in error_of(answer)["fields"]


def test_the_team_marks_a_prize_delivered(community):
    post = make_post(community)
    share_post(actor=add_member(community, person("olga")), post=post)
    contest = run_to_the_end(contest_in(community, data=draw_rules(post)))
    winner = ContestWinner.objects.get(contest=contest)
    url = f"/contests/{contest.pk}/winners/{winner.pk}/delivered"
    assert api_as(winner.user).post(url, {}).status_code == 403
    answer = api_as(community.created_by).post(url, {"note": "Sent"})
    assert answer.status_code == 200
    assert answer.json()["delivered_at"]
    assert api_as(None).get(f"/contests/{contest.pk}").json()["state"] == ContestState.DELIVERED


def test_every_contest_operation_states_its_statuses_in_openapi(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    vote = paths["/api/contests/{contest_id}/entries/{entry_id}/vote"]["post"]["responses"]
    assert {"200", "201", "403", "404", "409"} <= set(vote)
    patch = paths["/api/contests/{contest_id}"]["patch"]["responses"]
    assert {"200", "403", "404", "409", "422"} <= set(patch)
    create = paths["/api/communities/{slug}/contests"]["post"]["responses"]
    assert {"201", "403", "422"} <= set(create)
    assert "/api/contests/{contest_id}/draw" in paths


def test_a_page_of_contests_reads_a_fixed_number_of_queries(
    community, django_assert_max_num_queries
):

    def count():
        with CaptureQueriesContext(connection) as captured:
            answer = api_as(community.created_by).get("/communities/bakers/contests")
        assert answer.status_code == 200
        return len(captured.captured_queries), len(answer.json()["items"])

    post = make_post(community)
    share_post(actor=add_member(community, person("olga")), post=post)
    run_to_the_end(contest_in(community, data=draw_rules(post)))
    few = count()
    for _ in range(3):
        contest = contest_in(community)
        correct_contest(actor=community.created_by, contest=contest, field="prize", value="Pie")
    many = count()
    assert (few[1], many[1]) == (1, 4)
    assert many[0] <= few[0]
