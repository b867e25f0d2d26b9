"""Joining, asking, inviting, leaving and blocking through the web pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from communa.communities import actions
from communa.communities.models import (
    Block,
    Community,
    Invitation,
    InvitationStatus,
    JoinRequest,
    JoinSource,
    Membership,
    Privacy,
    RequestStatus,
    Role,
)
from tests.factories import make_community, person

pytestmark = pytest.mark.django_db


def hidden_fields(html: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form that posts to `action`, as a browser would send them."""
    match = re.search(
        rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S
    )
    assert match, f"no form posting to {action}"
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', match.group(1)))


def moderator_of(community: Community, owner) -> object:
    moderator = person(username="mod")
    actions.invite_to_community(actor=owner, community=community, invitees=[moderator])
    actions.join_community(actor=moderator, community=community)
    actions.set_member_role(actor=owner, community=community, user=moderator, role=Role.MODERATOR)
    return moderator


# --- joining an open community -------------------------------------------------------------


def test_joining_from_a_search_result_records_search_and_the_utm_tags(client, user, other_user):
    # given
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    client.force_login(other_user)
    page = client.get(
        "/c/learn-to-cook/", {"src": "search", "utm_source": "mail", "utm_campaign": "spring"}
    ).content.decode()

    # when
    response = client.post("/c/learn-to-cook/join/", hidden_fields(page, "/c/learn-to-cook/join/"))

    # then
    assert response.status_code == 302
    membership = Membership.objects.get(community=community, user=other_user)
    assert (membership.source, membership.utm_source, membership.utm_campaign) == (
        JoinSource.SEARCH,
        "mail",
        "spring",
    )
    community.refresh_from_db()
    assert community.member_count == 2
    assert "Leave" in client.get("/c/learn-to-cook/").content.decode()


def test_a_join_link_with_an_unknown_source_counts_as_a_direct_link(client, user, other_user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    client.force_login(other_user)
    page = client.get("/c/learn-to-cook/join/", {"src": "<nonsense>"}).content.decode()

    client.post("/c/learn-to-cook/join/", hidden_fields(page, "/c/learn-to-cook/join/"))

    assert Membership.objects.get(community=community, user=other_user).source == JoinSource.DIRECT


def test_the_join_page_asks_an_anonymous_visitor_to_log_in_first(client, user):
    make_community(user, name="Learn to Cook", slug="learn-to-cook")

    page = client.get("/c/learn-to-cook/join/", {"src": "widget"}).content.decode()

    assert "/accounts/login/?next=%2Fc%2Flearn-to-cook%2Fjoin%2F%3Fsrc%3Dwidget" in page
    response = client.post("/c/learn-to-cook/join/", {"source": "widget"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_member_leaves_and_the_count_follows(client, user, other_user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    actions.join_community(actor=other_user, community=community)
    client.force_login(other_user)

    response = client.post("/c/learn-to-cook/leave/")

    assert response.status_code == 302
    assert not Membership.objects.filter(community=community, user=other_user).exists()
    community.refresh_from_db()
    assert community.member_count == 1


def test_the_owner_is_told_to_hand_over_before_leaving(logged_in, user):
    make_community(user, name="Learn to Cook", slug="learn-to-cook")

    response = logged_in.post("/c/learn-to-cook/leave/", follow=True)

    assert "hand over ownership first" in response.content.decode()
    assert Membership.objects.filter(user=user, role=Role.OWNER).exists()


# --- asking to join a closed community -----------------------------------------------------


def test_asking_to_join_a_closed_community_and_a_moderator_approving(client, user, other_user):
    # given
    community = make_community(
        user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.CLOSED
    )
    moderator = moderator_of(community, user)
    client.force_login(other_user)
    page = client.get("/c/learn-to-cook/", {"src": "catalog"}).content.decode()
    fields = hidden_fields(page, "/c/learn-to-cook/ask/")

    # when the person asks
    asked = client.post("/c/learn-to-cook/ask/", {**fields, "message": "I love soups!"})

    # then the request waits, and the person can withdraw it
    assert asked.status_code == 302
    join_request = JoinRequest.objects.get(community=community, user=other_user)
    assert (join_request.status, join_request.source) == (RequestStatus.PENDING, "catalog")
    assert "Cancel my request" in client.get("/c/learn-to-cook/").content.decode()

    # when a moderator approves it on the requests page
    moderator_client = Client()
    moderator_client.force_login(moderator)
    requests_page = moderator_client.get("/c/learn-to-cook/requests/").content.decode()
    assert "I love soups!" in requests_page
    decided = moderator_client.post(
        f"/c/learn-to-cook/requests/{join_request.pk}/decide/", {"decision": "approve"}
    )

    # then
    assert decided.status_code == 302
    membership = Membership.objects.get(community=community, user=other_user)
    assert membership.source == JoinSource.CATALOG
    assert (
        "No request is waiting."
        in moderator_client.get("/c/learn-to-cook/requests/").content.decode()
    )


def test_a_moderator_rejects_a_request_with_a_reason(client, user, other_user):
    community = make_community(
        user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.CLOSED
    )
    moderator = moderator_of(community, user)
    join_request = actions.request_to_join(actor=other_user, community=community)
    client.force_login(moderator)

    client.post(
        f"/c/learn-to-cook/requests/{join_request.pk}/decide/",
        {"decision": "reject", "reason": "Only for our students."},
    )

    join_request.refresh_from_db()
    assert (join_request.status, join_request.reason) == (
        RequestStatus.REJECTED,
        "Only for our students.",
    )
    assert not Membership.objects.filter(community=community, user=other_user).exists()


def test_a_member_cannot_see_the_requests_page(client, user, other_user):
    community = make_community(
        user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.CLOSED
    )
    actions.invite_to_community(actor=user, community=community, invitees=[other_user])
    actions.join_community(actor=other_user, community=community)
    client.force_login(other_user)

    assert client.get("/c/learn-to-cook/requests/").status_code == 403


def test_a_person_withdraws_their_request(client, user, other_user):
    community = make_community(
        user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.CLOSED
    )
    actions.request_to_join(actor=other_user, community=community)
    client.force_login(other_user)

    client.post("/c/learn-to-cook/ask/cancel/")

    assert JoinRequest.objects.get().status == RequestStatus.CANCELLED


def test_joining_a_closed_community_directly_is_refused(client, user, other_user):
    make_community(user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.CLOSED)
    client.force_login(other_user)

    response = client.post("/c/learn-to-cook/join/", {"source": "direct"})

    assert response.status_code == 403
    assert "ask to join" in response.content.decode()
    assert not Membership.objects.filter(user=other_user).exists()


# --- invitations -------------------------------------------------------------------------------


def test_an_invitee_accepts_on_my_communities(client, user, other_user):
    # given
    community = make_community(
        user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.CLOSED
    )
    client.force_login(user)
    invite_page = client.get("/c/learn-to-cook/invite/").content.decode()
    assert "You can send 40 more invitations today (of 40)" in invite_page

    # when the owner invites bob
    sent = client.post("/c/learn-to-cook/invite/", {"usernames": "Bob"})

    # then the quota shrinks and bob is waiting
    assert sent.status_code == 302
    invitation = Invitation.objects.get(community=community, invitee=other_user)
    assert "You can send 39 more invitations today" in client.get(sent["Location"]).content.decode()

    # when bob accepts on his communities page
    invitee = Client()
    invitee.force_login(other_user)
    mine = invitee.get("/communities/mine/").content.decode()
    assert f'action="/communities/invitations/{invitation.pk}/answer/"' in mine
    accepted = invitee.post(
        f"/communities/invitations/{invitation.pk}/answer/", {"answer": "accept"}
    )

    # then
    assert accepted.status_code == 302
    assert accepted["Location"] == "/c/learn-to-cook/"
    membership = Membership.objects.get(community=community, user=other_user)
    assert membership.source == JoinSource.INVITATION
    assert "Learn to Cook" in invitee.get("/communities/mine/").content.decode()


def test_declining_an_invitation_adds_nobody(client, user, other_user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    (invitation,) = actions.invite_to_community(
        actor=user, community=community, invitees=[other_user]
    )
    client.force_login(other_user)

    client.post(f"/communities/invitations/{invitation.pk}/answer/", {"answer": "decline"})

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert not Membership.objects.filter(user=other_user).exists()


def test_inviting_an_unknown_username_is_refused_beside_the_field(logged_in, user):
    make_community(user, name="Learn to Cook", slug="learn-to-cook")

    response = logged_in.post("/c/learn-to-cook/invite/", {"usernames": "nobody-here, bob"})

    assert response.status_code == 400
    assert response.context["form"].errors["usernames"] == [
        "Nobody has the username nobody-here, bob."
    ]
    assert not Invitation.objects.exists()


def test_going_over_the_daily_quota_says_how_many_are_left(logged_in, user, settings):
    settings.COMMUNA = {**settings.COMMUNA, "INVITATIONS_PER_DAY": 1}
    make_community(user, name="Learn to Cook", slug="learn-to-cook")
    person(username="carol")
    person(username="dave")

    response = logged_in.post("/c/learn-to-cook/invite/", {"usernames": "carol\ndave"})

    assert response.status_code == 422
    (error,) = response.context["form"].errors["usernames"]
    assert "have 1 left" in error
    assert not Invitation.objects.exists()


def test_the_inviter_withdraws_an_invitation(logged_in, user, other_user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    (invitation,) = actions.invite_to_community(
        actor=user, community=community, invitees=[other_user]
    )

    logged_in.post(f"/c/learn-to-cook/invitations/{invitation.pk}/cancel/")

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.CANCELLED


# --- blocking ----------------------------------------------------------------------------------


def test_a_blocked_member_sees_the_reason_and_cannot_ask_again(client, user, other_user):
    # given bob is a member of a closed community
    community = make_community(
        user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.CLOSED
    )
    moderator = moderator_of(community, user)
    actions.request_to_join(actor=other_user, community=community)
    actions.decide_join_request(
        actor=moderator, join_request=JoinRequest.objects.get(user=other_user), approve=True
    )
    client.force_login(moderator)
    members_page = client.get("/c/learn-to-cook/members/").content.decode()
    assert f'action="/c/learn-to-cook/members/{other_user.pk}/block/"' in members_page
    until = (timezone.localtime() + timedelta(days=7)).replace(second=0, microsecond=0)

    # when the moderator blocks him from the members page
    response = client.post(
        f"/c/learn-to-cook/members/{other_user.pk}/block/",
        {"reason": "Spam links", "ends_at": until.strftime("%Y-%m-%dT%H:%M")},
    )

    # then he is out, and sees why and until when
    assert response.status_code == 302
    assert not Membership.objects.filter(community=community, user=other_user).exists()
    assert Block.objects.get(community=community, user=other_user).ends_at == until
    blocked = Client()
    blocked.force_login(other_user)
    home = blocked.get("/c/learn-to-cook/").content.decode()
    assert "Spam links" in home
    assert date_format(until, "DATETIME_FORMAT") in home
    assert 'action="/c/learn-to-cook/ask/"' not in home

    # and asking again is refused with the reason
    again = blocked.post("/c/learn-to-cook/ask/", {"source": "direct", "message": "Sorry"})
    assert again.status_code == 403
    assert "Spam links" in again.content.decode()
    assert not JoinRequest.objects.filter(user=other_user, status=RequestStatus.PENDING).exists()


def test_a_block_without_a_reason_is_refused_beside_the_reason_field(client, user, other_user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    moderator = moderator_of(community, user)
    actions.join_community(actor=other_user, community=community)
    client.force_login(moderator)

    response = client.post(f"/c/learn-to-cook/members/{other_user.pk}/block/", {"reason": ""})

    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert Membership.objects.filter(community=community, user=other_user).exists()


def test_a_moderator_cannot_block_the_owner(client, user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    moderator = moderator_of(community, user)
    client.force_login(moderator)

    members_page = client.get("/c/learn-to-cook/members/").content.decode()
    response = client.post(f"/c/learn-to-cook/members/{user.pk}/block/", {"reason": "Mutiny"})

    assert f"/members/{user.pk}/block/" not in members_page
    assert response.status_code == 422
    assert "rank or above" in response.content.decode()
    assert not Block.objects.exists()


def test_the_blocks_page_lists_and_lifts_blocks(client, user, other_user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    moderator = moderator_of(community, user)
    actions.block_member(actor=moderator, community=community, user=other_user, reason="Rude")
    client.force_login(moderator)

    page = client.get("/c/learn-to-cook/blocks/").content.decode()
    assert "Rude" in page
    client.post(f"/c/learn-to-cook/blocks/{other_user.pk}/unblock/")

    assert Block.objects.get().lifted_at is not None
    assert "Nobody is blocked." in client.get("/c/learn-to-cook/blocks/").content.decode()


# --- CSRF --------------------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused(csrf_client, user, other_user):
    # given
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    csrf_client.force_login(other_user)

    # when
    response = csrf_client.post("/c/learn-to-cook/join/", {"source": "direct"})

    # then
    assert response.status_code == 403
    assert not Membership.objects.filter(community=community, user=other_user).exists()


def test_a_post_with_the_csrf_token_goes_through(csrf_client, user, other_user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    csrf_client.force_login(other_user)
    page = csrf_client.get("/c/learn-to-cook/").content.decode()
    fields = hidden_fields(page, "/c/learn-to-cook/join/")

    response = csrf_client.post("/c/learn-to-cook/join/", fields)

    assert "csrfmiddlewaretoken" in fields
    assert response.status_code == 302
    assert Membership.objects.filter(community=community, user=other_user).exists()
