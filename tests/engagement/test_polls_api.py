"""Polls through the API: the team's operations, votes, results and voters by the poll's rule,
refusals that name the field, hidden polls as missing ones, and what OpenAPI says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communa.communities.models import Privacy, Role
from communa.engagement.actions.polls import close_poll, vote_in_poll
from communa.engagement.models import Poll
from tests.engagement.polls_support import counts, make_poll, option_ids
from tests.factories import add_member, make_community, owner_of, person
from tests.support import api_as, error_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return make_community(person("olga"), slug="cooks")


def new_poll(**extra):
    return {"question": "Which knife first?", "options": ["Santoku", "Chef's"], **extra}


def test_an_editor_creates_a_poll_and_reads_it_back(community):
    editor = add_member(community, role=Role.EDITOR)
    closes = (timezone.now() + timedelta(days=2)).isoformat()
    response = api_as(editor).post(
        "/communities/cooks/polls", new_poll(closes_at=closes, anonymous=False, multiple=True)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [o["text"] for o in body["options"]] == ["Santoku", "Chef's"]
    assert (body["state"], body["anonymous"], body["multiple"]) == ("open", False, True)
    # the team always sees the results
    assert body["results"] == {
        "voters": 0,
        "options": [
            {"id": body["options"][0]["id"], "text": "Santoku", "votes": 0, "share": 0.0},
            {"id": body["options"][1]["id"], "text": "Chef's", "votes": 0, "share": 0.0},
        ],
    }


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"options": ["One"]}, "options"),
        ({"options": [f"Option {i}" for i in range(1000)]}, "options"),
        ({"closes_at": "2001-01-01T00:00:00Z"}, "closes_at"),
        ({"results_shown": "never"}, "results_shown"),
        ({"post_id": 10**9}, "post_id"),
        ({"max_choices": 2}, "max_choices"),
    ],
)
def test_a_wrong_poll_is_a_422_naming_the_field(community, extra, field):
    response = api_as(owner_of(community)).post("/communities/cooks/polls", new_poll(**extra))
    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert not Poll.objects.exists()


def test_a_member_may_not_create_a_poll_and_an_outsider_of_a_private_community_finds_none():
    open_one = make_community(person(), slug="open-one")
    response = api_as(add_member(open_one)).post("/communities/open-one/polls", new_poll())
    assert response.status_code == 403
    make_community(person(), slug="secret", privacy=Privacy.PRIVATE)
    response = api_as(person()).post("/communities/secret/polls", new_poll())
    assert response.status_code == 404


def test_a_poll_of_a_closed_community_is_missing_to_outsiders():
    closed = make_community(person(), slug="club", privacy=Privacy.CLOSED)
    poll = make_poll(closed)
    for who in (person(), None):
        assert api_as(who).get(f"/polls/{poll.pk}").status_code == 404
        assert api_as(who).get("/communities/club/polls").status_code == 404
    assert api_as(add_member(closed)).get(f"/polls/{poll.pk}").status_code == 200


def test_a_visitor_reads_a_poll_of_an_open_community_without_results_before_voting(community):
    poll = make_poll(community)
    body = api_as(None).get(f"/polls/{poll.pk}").json()
    assert body["question"] == "Which knife first?"
    assert (body["results"], body["may_vote"], body["my_choices"]) == (None, False, [])


def test_a_member_votes_then_changes_the_vote(community):
    poll = make_poll(community)
    member = add_member(community)
    yes, no = option_ids(poll)
    api = api_as(member)
    first = api.post(f"/polls/{poll.pk}/vote", {"option_ids": [yes]})
    assert first.status_code == 201, first.content
    assert first.json()["my_choices"] == [yes]
    # shown after voting: the member now sees the results
    assert first.json()["results"]["voters"] == 1
    changed = api.post(f"/polls/{poll.pk}/vote", {"option_ids": [no]})
    assert changed.status_code == 200
    assert counts(poll) == [0, 1]
    assert api.delete(f"/polls/{poll.pk}/vote").status_code == 204
    assert counts(poll) == [0, 0]


@pytest.mark.parametrize("choice", ["none", "two", "foreign", "text"])
def test_a_wrong_vote_is_a_422_naming_the_choices(community, choice):
    poll = make_poll(community)
    other = make_poll(community)
    chosen = {
        "none": [],
        "two": option_ids(poll),
        "foreign": option_ids(other)[:1],
        "text": ["1"],
    }[choice]
    response = api_as(add_member(community)).post(f"/polls/{poll.pk}/vote", {"option_ids": chosen})
    assert response.status_code == 422, response.content
    assert all(field.startswith("option_ids") for field in error_of(response)["fields"])


def test_voting_in_a_closed_poll_or_changing_a_fixed_vote_is_a_409(community):
    poll = make_poll(community, changeable=False)
    member = add_member(community)
    yes, no = option_ids(poll)
    api = api_as(member)
    assert api.post(f"/polls/{poll.pk}/vote", {"option_ids": [yes]}).status_code == 201
    assert api.post(f"/polls/{poll.pk}/vote", {"option_ids": [yes]}).status_code == 200
    response = api.post(f"/polls/{poll.pk}/vote", {"option_ids": [no]})
    assert response.status_code == 409
    assert error_of(response)["code"] == "already_voted"
    close_poll(actor=owner_of(community), poll=poll)
    other = add_member(community)
    response = api_as(other).post(f"/polls/{poll.pk}/vote", {"option_ids": [no]})
    assert response.status_code == 409
    assert counts(poll) == [1, 0]


def test_results_after_close_show_to_voters_only_once_the_poll_closes(community):
    poll = make_poll(community, results_shown="after_close")
    member = add_member(community)
    vote_in_poll(actor=member, poll=poll, option_ids=option_ids(poll)[:1])
    api = api_as(member)
    assert api.get(f"/polls/{poll.pk}").json()["results"] is None
    assert api.get(f"/polls/{poll.pk}/results").status_code == 403
    # the team sees them all along
    team = api_as(owner_of(community)).get(f"/polls/{poll.pk}/results")
    assert team.json()["voters"] == 1
    close_poll(actor=owner_of(community), poll=poll)
    results = api.get(f"/polls/{poll.pk}/results").json()
    assert results["options"][0]["votes"] == 1
    assert results["options"][0]["share"] == 100.0
    # once closed, a visitor of an open community sees them too
    assert api_as(None).get(f"/polls/{poll.pk}/results").status_code == 200


def test_voters_of_a_public_poll_page_by_keyset_and_an_anonymous_poll_names_nobody(community):
    public = make_poll(community, anonymous=False)
    yes, no = option_ids(public)
    voters = [add_member(community) for _ in range(3)]
    for index, member in enumerate(voters):
        vote_in_poll(actor=member, poll=public, option_ids=[yes if index < 2 else no])
    api = api_as(voters[0])
    first = api.get(f"/polls/{public.pk}/voters?option_id={yes}&limit=1").json()
    assert [v["username"] for v in first["items"]] == [voters[1].username]
    second = api.get(
        f"/polls/{public.pk}/voters?option_id={yes}&limit=1&cursor={first['next_cursor']}"
    ).json()
    assert [v["username"] for v in second["items"]] == [voters[0].username]
    assert second["next_cursor"] is None
    everyone = api.get(f"/polls/{public.pk}/voters").json()["items"]
    assert [v["option_ids"] for v in everyone] == [[no], [yes], [yes]]
    # before voting, a member sees no voters; an anonymous poll shows none to anyone
    assert api_as(add_member(community)).get(f"/polls/{public.pk}/voters").status_code == 403
    hidden = make_poll(community)
    vote_in_poll(actor=voters[0], poll=hidden, option_ids=option_ids(hidden)[:1])
    assert api.get(f"/polls/{hidden.pk}/voters").status_code == 403
    assert api_as(owner_of(community)).get(f"/polls/{hidden.pk}/voters").status_code == 403


def test_the_team_patches_closes_and_deletes_a_poll(community):
    owner_api = api_as(owner_of(community))
    post = make_post(community)
    poll = make_poll(community)
    response = owner_api.patch(
        f"/polls/{poll.pk}", {"question": "Which stone?", "post_id": post.pk}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["question"], response.json()["post_id"]) == ("Which stone?", post.pk)
    listed = owner_api.get(f"/communities/cooks/polls?post_id={post.pk}").json()["items"]
    assert [p["id"] for p in listed] == [poll.pk]
    closed = owner_api.post(f"/polls/{poll.pk}/close")
    assert closed.json()["state"] == "closed"
    assert owner_api.post(f"/polls/{poll.pk}/close").status_code == 409
    assert owner_api.patch(f"/polls/{poll.pk}", {"question": "Late"}).status_code == 409
    assert api_as(add_member(community)).delete(f"/polls/{poll.pk}").status_code == 403
    assert owner_api.delete(f"/polls/{poll.pk}").status_code == 204
    assert owner_api.get(f"/polls/{poll.pk}").status_code == 404


def test_the_community_list_filters_by_state(community):
    first = make_poll(community)
    second = make_poll(community)
    close_poll(actor=owner_of(community), poll=first)
    api = api_as(None)
    assert [p["id"] for p in api.get("/communities/cooks/polls").json()["items"]] == [
        second.pk,
        first.pk,
    ]
    late = make_poll(community)
    Poll.objects.filter(pk=late.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    closed = api.get("/communities/cooks/polls?state=closed").json()["items"]
    # past its deadline counts as closed before the runner records it
    assert [p["id"] for p in closed] == [late.pk, first.pk]
    opened = api.get("/communities/cooks/polls?state=open").json()["items"]
    assert [p["id"] for p in opened] == [second.pk]
    assert api.get("/communities/cooks/polls?state=maybe").status_code == 422


def test_openapi_states_every_status_of_the_poll_operations():
    paths = api_as(None).get("/openapi.json").json()["paths"]
    vote = paths["/api/polls/{poll_id}/vote"]
    assert {"200", "201", "401", "403", "404", "409", "422"} <= set(vote["post"]["responses"])
    assert {"204", "404", "409"} <= set(vote["delete"]["responses"])
    create = paths["/api/communities/{slug}/polls"]["post"]["responses"]
    assert {"201", "403", "404", "422"} <= set(create)
    results = paths["/api/polls/{poll_id}/results"]["get"]["responses"]
    assert {"200", "403", "404"} <= set(results)


def test_a_communitys_polls_are_found_at_its_address_in_any_case(community):
    make_poll(community)
    member = add_member(community)
    assert len(api_as(member).get("/communities/COOKS/polls").json()["items"]) == 1
    assert api_as(member).get("/communities/no-such-place/polls").status_code == 404
