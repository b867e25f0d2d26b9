"""Membership journeys through the API: join, ask, invite, leave, block; paged lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from communa.communities.models import (
    Block,
    Community,
    Invitation,
    JoinRequest,
    Membership,
    MembershipEvent,
    Role,
)
from communa.core.models import AuditEntry
from tests.factories import (
    add_member,
    block,
    invite,
    make_community,
    owner_of,
    pending_request,
    person,
)
from tests.support import api_as, error_of

pytestmark = pytest.mark.django_db

UTM = {"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "spring-sale"}


def member_count(community: Community) -> int:
    community.refresh_from_db()
    return community.member_count


# --- joining an open community --------------------------------------------------------------


def test_joining_an_open_community_records_the_source_and_utm():
    # given
    community = make_community(slug="cooks")
    newcomer = person(username="newcomer")
    # when
    response = api_as(newcomer).post("/communities/cooks/join", {"source": "ad", "utm": UTM})
    # then
    assert response.status_code == 201, response.content
    membership = Membership.objects.get(community=community, user=newcomer)
    assert (membership.role, membership.source) == ("member", "ad")
    assert (membership.utm_source, membership.utm_medium, membership.utm_campaign) == (
        "newsletter",
        "email",
        "spring-sale",
    )
    assert member_count(community) == 2
    event = MembershipEvent.objects.get(community=community, user=newcomer)
    assert (event.kind, event.source) == ("join", "ad")


def test_join_sources_are_shown_to_the_analyst_not_to_members():
    # given a member who came from the widget
    community = make_community(slug="cooks")
    api_as(person(username="fromwidget")).post(
        "/communities/cooks/join", {"source": "widget", "utm": {"utm_source": "shop.example"}}
    )
    member = add_member(community)
    analyst = add_member(community, role=Role.ANALYST)
    # when the analyst and a plain member list the members
    seen_by_team = api_as(analyst).get("/communities/cooks/members?role=member").json()
    seen_by_member = api_as(member).get("/communities/cooks/members?role=member").json()
    # then
    by_name = {m["username"]: m for m in seen_by_team["items"]}
    assert by_name["fromwidget"]["source"] == "widget"
    assert by_name["fromwidget"]["utm"] == {"utm_source": "shop.example"}
    assert {(m["source"], m["utm"]) for m in seen_by_member["items"]} == {(None, None)}


def test_a_join_without_a_body_is_a_direct_join():
    community = make_community(slug="cooks")
    newcomer = person()
    assert api_as(newcomer).post("/communities/cooks/join", "").status_code == 201
    assert Membership.objects.get(community=community, user=newcomer).source == "direct"


def test_an_unknown_join_source_is_named():
    community = make_community(slug="cooks")
    response = api_as(person()).post("/communities/cooks/join", {"source": "telepathy"})
    assert response.status_code == 422
    assert "Choose one of" in error_of(response)["fields"]["source"][0]
    assert member_count(community) == 1


def test_joining_twice_is_a_conflict_and_the_count_stays_exact():
    community = make_community(slug="cooks")
    newcomer = api_as(person())
    assert newcomer.post("/communities/cooks/join", {}).status_code == 201
    again = newcomer.post("/communities/cooks/join", {})
    assert again.status_code == 409
    assert "already a member" in error_of(again)["message"]
    assert member_count(community) == 2


def test_a_member_leaves_and_the_count_drops():
    community = make_community(slug="cooks")
    member = add_member(community)
    response = api_as(member).post("/communities/cooks/leave")
    assert response.status_code == 204
    assert not Membership.objects.filter(community=community, user=member).exists()
    assert member_count(community) == 1
    assert MembershipEvent.objects.filter(user=member, kind="leave").exists()


def test_the_owner_cannot_leave_without_handing_over():
    community = make_community(slug="cooks")
    response = api_as(owner_of(community)).post("/communities/cooks/leave")
    assert response.status_code == 403
    assert "hand over ownership" in error_of(response)["message"]


# --- asking to join a closed community ------------------------------------------------------


def test_a_request_to_a_closed_community_is_approved_by_a_moderator():
    # given a closed community with a moderator
    community = make_community(slug="club", privacy="closed")
    moderator = add_member(community, role=Role.MODERATOR)
    asker = person(username="asker")
    # when the person asks with a message
    asked = api_as(asker).post(
        "/communities/club/requests",
        {"message": "I bake bread.", "source": "search", "utm": {"utm_source": "q"}},
    )
    # then the moderator sees it and approves it
    assert asked.status_code == 201, asked.content
    assert api_as(asker).get("/communities/club").json()["join_request_pending"] is True
    listed = api_as(moderator).get("/communities/club/requests").json()["items"]
    assert [(r["username"], r["message"]) for r in listed] == [("asker", "I bake bread.")]
    approved = api_as(moderator).post(f"/communities/club/requests/{listed[0]['id']}/approve")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    membership = Membership.objects.get(community=community, user=asker)
    assert (membership.source, membership.utm_source) == ("search", "q")
    assert member_count(community) == 3
    entry = AuditEntry.objects.get(action="request.approve")
    assert (entry.actor, entry.community) == (moderator, community)


def test_a_rejected_request_keeps_its_reason_and_adds_nobody():
    community = make_community(slug="club", privacy="closed")
    join_request = pending_request(community, message="please")
    response = api_as(owner_of(community)).post(
        f"/communities/club/requests/{join_request.pk}/reject", {"reason": "Members are staff."}
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"]) == (
        "rejected",
        "Members are staff.",
    )
    assert member_count(community) == 1
    assert api_as(owner_of(community)).get("/communities/club/requests?status=rejected").json()[
        "items"
    ][0]["reason"] == ("Members are staff.")


def test_a_request_is_decided_only_once():
    community = make_community(slug="club", privacy="closed")
    join_request = pending_request(community)
    owner = api_as(owner_of(community))
    assert owner.post(f"/communities/club/requests/{join_request.pk}/approve").status_code == 200
    again = owner.post(f"/communities/club/requests/{join_request.pk}/reject", {})
    assert again.status_code == 409
    assert member_count(community) == 2


def test_a_request_of_another_community_is_not_found_here():
    mine = make_community(slug="mine", privacy="closed")
    theirs = make_community(slug="theirs", privacy="closed")
    foreign = pending_request(theirs)
    response = api_as(owner_of(mine)).post(f"/communities/mine/requests/{foreign.pk}/approve")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "pending"


def test_asking_twice_is_a_conflict_and_the_asker_can_withdraw():
    community = make_community(slug="club", privacy="closed")
    asker = api_as(person())
    assert asker.post("/communities/club/requests", {"message": "hi"}).status_code == 201
    assert asker.post("/communities/club/requests", {}).status_code == 409
    assert asker.delete("/communities/club/requests/mine").status_code == 204
    assert asker.delete("/communities/club/requests/mine").status_code == 404
    assert JoinRequest.objects.get(community=community).status == "cancelled"


def test_a_closed_community_cannot_be_joined_directly():
    community = make_community(slug="club", privacy="closed")
    response = api_as(person()).post("/communities/club/join", {})
    assert response.status_code == 403
    assert "ask to join" in error_of(response)["message"]
    assert member_count(community) == 1


def test_an_unknown_request_status_is_named():
    community = make_community(slug="club", privacy="closed")
    response = api_as(owner_of(community)).get("/communities/club/requests?status=lost")
    assert response.status_code == 422
    assert "status" in error_of(response)["fields"]


# --- invitations ----------------------------------------------------------------------------


def test_an_invitation_is_accepted_by_the_invitee_only():
    # given a private community whose member invites two people
    community = make_community(slug="hideout", privacy="private")
    inviter = add_member(community, role=Role.EDITOR)
    guest, other = person(username="guest"), person(username="other")
    sent = api_as(inviter).post(
        "/communities/hideout/invitations", {"usernames": ["GUEST", "other"]}
    )
    assert sent.status_code == 201, sent.content
    assert sorted(i["invitee"] for i in sent.json()) == ["guest", "other"]
    assert member_count(community) == 2  # nobody is added without consent
    # when the guest lists and accepts, and the other declines
    mine = api_as(guest).get("/communities/invitations/mine").json()
    assert [(i["community"]["slug"], i["inviter"]) for i in mine] == [("hideout", inviter.username)]
    assert api_as(other).post(f"/communities/invitations/{mine[0]['id']}/accept").status_code == 404
    accepted = api_as(guest).post(f"/communities/invitations/{mine[0]['id']}/accept")
    other_id = Invitation.objects.get(invitee=other).pk
    declined = api_as(other).post(f"/communities/invitations/{other_id}/decline")
    # then
    assert accepted.status_code == 201
    assert Membership.objects.get(community=community, user=guest).source == "invitation"
    assert declined.status_code == 204
    assert not Membership.objects.filter(community=community, user=other).exists()
    assert member_count(community) == 3
    assert api_as(other).get("/communities/hideout").status_code == 404


def test_the_invited_accept_through_the_community_address_too():
    community = make_community(slug="club", privacy="closed")
    invitation = invite(community)
    response = api_as(invitation.invitee).post("/communities/club/invitation/accept")
    assert response.status_code == 201
    assert Membership.objects.filter(community=community, user=invitation.invitee).exists()


def test_unknown_usernames_are_named_and_nobody_is_invited():
    community = make_community(slug="cooks")
    person(username="realperson")
    response = api_as(owner_of(community)).post(
        "/communities/cooks/invitations", {"usernames": ["realperson", "ghost", "phantom"]}
    )
    assert response.status_code == 422
    message = error_of(response)["fields"]["usernames"][0]
    assert "ghost, phantom" in message
    assert "realperson" not in message
    assert not Invitation.objects.exists()


def test_inviting_a_blocked_person_is_refused_by_name():
    community = make_community(slug="cooks")
    blocked = block(community, person(username="troll")).user
    response = api_as(owner_of(community)).post(
        "/communities/cooks/invitations", {"usernames": [blocked.username]}
    )
    assert response.status_code == 422
    assert "troll is blocked" in error_of(response)["fields"]["usernames"][0]
    assert not Invitation.objects.exists()


def test_invitations_over_the_daily_quota_say_how_many_are_left_and_when_it_resets(settings):
    # given a cap of three a day and two already sent
    settings.COMMUNA = {**settings.COMMUNA, "INVITATIONS_PER_DAY": 3}
    community = make_community(slug="cooks")
    owner = api_as(owner_of(community))
    first = [person().username for _ in range(2)]
    assert owner.post("/communities/cooks/invitations", {"usernames": first}).status_code == 201
    quota = owner.get("/communities/invitations/quota").json()
    assert (quota["left"], quota["limit"]) == (1, 3)
    # when two more are invited
    response = owner.post(
        "/communities/cooks/invitations", {"usernames": [person().username, person().username]}
    )
    # then the answer says one is left and when the count resets; nothing is half-sent
    assert response.status_code == 422
    message = error_of(response)["fields"]["usernames"][0]
    resets = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
        days=1
    )
    assert "have 1 left" in message
    assert date_format(resets, "DATETIME_FORMAT") in message
    assert Invitation.objects.count() == 2


def test_an_invitation_is_withdrawn_by_its_sender_and_others_see_only_their_community():
    community = make_community(slug="cooks")
    other_community = make_community(slug="bakers")
    invitation = invite(community)
    foreign = invite(other_community)
    owner = api_as(owner_of(community))
    listed = owner.get("/communities/cooks/invitations").json()["items"]
    assert [i["id"] for i in listed] == [invitation.pk]
    assert owner.delete(f"/communities/cooks/invitations/{foreign.pk}").status_code == 404
    assert owner.delete(f"/communities/cooks/invitations/{invitation.pk}").status_code == 204
    invitation.refresh_from_db()
    foreign.refresh_from_db()
    assert (invitation.status, foreign.status) == ("cancelled", "pending")


def test_a_plain_member_cannot_withdraw_someone_elses_invitation():
    community = make_community(slug="cooks")
    invitation = invite(community)
    response = api_as(add_member(community)).delete(
        f"/communities/cooks/invitations/{invitation.pk}"
    )
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "pending"


# --- blocks ---------------------------------------------------------------------------------


def test_a_blocked_member_cannot_rejoin_or_ask_and_sees_the_reason_until_unblocked():
    # given a member of an open community
    community = make_community(slug="cooks")
    moderator = api_as(add_member(community, role=Role.MODERATOR))
    member = add_member(community, user=person(username="spammer"))
    ends = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    # when a moderator blocks them with a reason and an end date
    blocked = moderator.post(
        "/communities/cooks/blocks",
        {"username": "Spammer", "reason": "Selling fake knives", "ends_at": ends.isoformat()},
    )
    # then they are out, and joining says why and until when
    assert blocked.status_code == 201, blocked.content
    assert (blocked.json()["reason"], blocked.json()["username"]) == (
        "Selling fake knives",
        "spammer",
    )
    assert not Membership.objects.filter(community=community, user=member).exists()
    assert member_count(community) == 2
    refused = api_as(member).post("/communities/cooks/join", {})
    assert refused.status_code == 403
    message = error_of(refused)["message"]
    assert "Selling fake knives" in message
    assert date_format(timezone.localtime(ends), "DATETIME_FORMAT") in message
    assert [b["username"] for b in moderator.get("/communities/cooks/blocks").json()["items"]] == [
        "spammer"
    ]
    # and when the block is lifted they may join again
    assert moderator.delete("/communities/cooks/blocks/spammer").status_code == 204
    assert api_as(member).post("/communities/cooks/join", {}).status_code == 201
    assert member_count(community) == 3


def test_a_blocked_person_cannot_ask_to_join_a_closed_community():
    community = make_community(slug="club", privacy="closed")
    blocked = block(community, reason="Rude to members").user
    response = api_as(blocked).post("/communities/club/requests", {"message": "sorry"})
    assert response.status_code == 403
    assert "Rude to members" in error_of(response)["message"]
    assert not JoinRequest.objects.exists()


def test_blocking_settles_the_persons_pending_request():
    community = make_community(slug="club", privacy="closed")
    join_request = pending_request(community)
    response = api_as(owner_of(community)).post(
        "/communities/club/blocks", {"username": join_request.user.username, "reason": "Bot"}
    )
    assert response.status_code == 201
    join_request.refresh_from_db()
    assert join_request.status == "rejected"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "nobody-here", "reason": "x"}, "username"),
        ({"username": "victim", "reason": " "}, "reason"),
        ({"username": "victim", "reason": "x", "ends_at": "2001-01-01T00:00:00Z"}, "ends_at"),
        ({"username": "victim"}, "reason"),
    ],
)
def test_a_block_needs_a_person_a_reason_and_a_future_end(body, field):
    community = make_community(slug="cooks")
    add_member(community, person(username="victim"))
    response = api_as(owner_of(community)).post("/communities/cooks/blocks", body)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert not Block.objects.exists()
    assert member_count(community) == 2


def test_a_moderator_cannot_block_an_admin():
    community = make_community(slug="cooks")
    admin = add_member(community, role=Role.ADMIN)
    moderator = add_member(community, role=Role.MODERATOR)
    response = api_as(moderator).post(
        "/communities/cooks/blocks", {"username": admin.username, "reason": "coup"}
    )
    assert response.status_code == 422
    assert "rank" in error_of(response)["fields"]["username"][0]
    assert Membership.objects.filter(user=admin).exists()


# --- keyset paging --------------------------------------------------------------------------


def spread_members(community: Community, count: int) -> list[str]:
    """Members who joined one minute apart, oldest first."""
    start = timezone.now() - timedelta(days=1)
    return [
        add_member(community, joined_at=start + timedelta(minutes=i)).username for i in range(count)
    ]


def queries_for(api, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


def test_a_page_of_members_costs_the_same_queries_at_any_size(django_assert_num_queries):
    # given sixty members
    community = make_community(slug="cooks")
    spread_members(community, 60)
    owner = api_as(owner_of(community))
    # when five, then fifty, then the next page are read
    small = queries_for(owner, "/communities/cooks/members?limit=5")
    with django_assert_num_queries(small):
        large = owner.get("/communities/cooks/members?limit=50").json()
    assert len(large["items"]) == 50
    with django_assert_num_queries(small):
        rest = owner.get(f"/communities/cooks/members?limit=50&cursor={large['next_cursor']}")
    # then every page took the same handful of queries
    assert len(rest.json()["items"]) == 11
    assert small <= 6


def test_a_page_of_requests_costs_the_same_queries_at_any_size(django_assert_num_queries):
    community = make_community(slug="club", privacy="closed")
    for _ in range(55):
        pending_request(community)
    owner = api_as(owner_of(community))
    small = queries_for(owner, "/communities/club/requests?limit=5")
    with django_assert_num_queries(small):
        large = owner.get("/communities/club/requests?limit=50").json()
    assert len(large["items"]) == 50
    assert small <= 6


def test_a_page_of_search_results_costs_the_same_queries_at_any_size(django_assert_num_queries):
    for i in range(55):
        make_community(name=f"Cooking circle {i}")
    visitor = api_as(None)
    small = queries_for(visitor, "/communities?q=cooking&limit=5")
    with django_assert_num_queries(small):
        large = visitor.get("/communities?q=cooking&limit=50").json()
    assert len(large["items"]) == 50
    with django_assert_num_queries(small):
        visitor.get(f"/communities?q=cooking&limit=50&cursor={large['next_cursor']}")
    assert small <= 2


def walk(api, path: str, *, between_pages=lambda: None) -> list[dict]:
    items, cursor = [], None
    while True:
        separator = "&" if "?" in path else "?"
        page = api.get(f"{path}{separator}limit=7" + (f"&cursor={cursor}" if cursor else "")).json()
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items
        between_pages()


def test_walking_the_member_pages_returns_everyone_once_while_people_join():
    # given thirty members
    community = make_community(slug="cooks")
    original = spread_members(community, 30)
    joiners = api_as(None)

    def someone_joins():
        joiners.client.force_login(person())
        assert joiners.post("/communities/cooks/join", {}).status_code == 201

    # when someone joins between every two pages
    seen = [
        m["username"]
        for m in walk(
            api_as(owner_of(community)), "/communities/cooks/members", between_pages=someone_joins
        )
    ]
    # then nobody appears twice and nobody who was there is missed
    assert len(seen) == len(set(seen))
    assert set(original) | {owner_of(community).username} <= set(seen)


def test_walking_the_request_pages_returns_every_request_once_while_more_arrive():
    community = make_community(slug="club", privacy="closed")
    for _ in range(20):
        pending_request(community)

    def someone_asks():
        pending_request(community)

    seen = [
        r["id"]
        for r in walk(
            api_as(owner_of(community)), "/communities/club/requests", between_pages=someone_asks
        )
    ]
    assert len(seen) == len(set(seen))
    assert set(seen) == set(
        JoinRequest.objects.filter(community=community).values_list("pk", flat=True)
    )


def test_walking_the_search_pages_returns_every_match_once():
    expected = {make_community(name=f"Bread club {i}").name for i in range(23)}
    make_community(name="Wine club")
    seen = [c["name"] for c in walk(api_as(None), "/communities?q=bread")]
    assert len(seen) == len(set(seen))
    assert set(seen) == expected
