"""The team page (roles, the role × action table, the ownership handover) and the members list."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from communa.communities import actions
from communa.communities.models import (
    Community,
    Membership,
    OwnershipTransfer,
    Privacy,
    Role,
    TransferState,
)
from tests.factories import make_community, person
from tests.support import client_of

pytestmark = pytest.mark.django_db


def member_of(community: Community, owner, role: str = Role.MEMBER, **user):
    joiner = person(**user)
    actions.invite_to_community(actor=owner, community=community, invitees=[joiner])
    actions.join_community(actor=joiner, community=community)
    if role != Role.MEMBER:
        actions.set_member_role(actor=owner, community=community, user=joiner, role=role)
    return joiner


def matrix_row(html: str, label: str) -> list[str]:
    """The cells (yes/no) of one row of the role × action table."""
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', html, re.S)
    assert match, f"no row {label!r}"
    return re.findall(r'<td class="(yes|no)">', match.group(1))


# --- the team page -----------------------------------------------------------------------------


def test_an_admin_sees_the_role_matrix_for_the_community_privacy(user):
    # given
    community = make_community(
        user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.PRIVATE
    )
    admin = member_of(community, user, Role.ADMIN)

    # when
    response = client_of(admin).get("/c/learn-to-cook/team/")

    # then
    assert response.status_code == 200
    html = response.content.decode()
    for column in ("Owner", "Administrator", "Editor", "Moderator", "Analyst", "Member"):
        assert f'<th scope="col">{column}</th>' in html
    assert matrix_row(html, "Hand over ownership") == ["yes", "no", "no", "no", "no", "no"]
    # In a private community only the team from moderators up may invite.
    assert matrix_row(html, "Invite people") == ["yes", "yes", "yes", "yes", "no", "no"]


def test_the_matrix_follows_the_privacy(user):
    make_community(user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.OPEN)

    html = client_of(user).get("/c/learn-to-cook/team/").content.decode()

    assert matrix_row(html, "Invite people") == ["yes"] * 6


def test_a_member_is_refused_the_team_page_of_a_community_they_see(user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    member = member_of(community, user)

    response = client_of(member).get("/c/learn-to-cook/team/")

    assert response.status_code == 403
    assert "see the team and this table" in response.content.decode()


def test_a_non_member_gets_404_for_the_team_page_of_a_private_community(user, other_user):
    make_community(user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.PRIVATE)

    assert client_of(other_user).get("/c/learn-to-cook/team/").status_code == 404


def test_an_analyst_and_a_moderator_are_refused_the_team_page(user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    analyst = member_of(community, user, Role.ANALYST)
    moderator = member_of(community, user, Role.MODERATOR)

    assert client_of(analyst).get("/c/learn-to-cook/team/").status_code == 403
    assert client_of(moderator).get("/c/learn-to-cook/team/").status_code == 403


def test_the_owner_appoints_an_editor_with_the_role_select(user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    member = member_of(community, user, username="carol")

    response = client_of(user).post(
        "/c/learn-to-cook/team/role/", {"user": "carol", "role": "editor"}
    )

    assert response.status_code == 302
    assert Membership.objects.get(community=community, user=member).role == Role.EDITOR


def test_an_admin_is_not_offered_the_admin_role_and_cannot_appoint_one(user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    admin = member_of(community, user, Role.ADMIN)
    member = member_of(community, user, username="carol")
    client = client_of(admin)

    page = client.get("/c/learn-to-cook/team/")
    response = client.post("/c/learn-to-cook/team/role/", {"user": "carol", "role": "admin"})

    assert "admin" not in dict(page.context["role_choices"])
    assert response.status_code == 400
    assert response.context["role_form"].errors["role"]
    assert Membership.objects.get(community=community, user=member).role == Role.MEMBER


def test_a_role_for_a_non_member_is_refused_beside_the_user_field(user, other_user):
    make_community(user, name="Learn to Cook", slug="learn-to-cook")

    response = client_of(user).post(
        "/c/learn-to-cook/team/role/", {"user": "bob", "role": "moderator"}
    )

    assert response.status_code == 422
    assert response.context["role_form"].errors["user"] == [
        "Only members can be given a role; invite them first."
    ]


# --- the ownership handover --------------------------------------------------------------------


def test_the_handover_form_shows_the_pending_handover_and_its_date(user):
    # given
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    recipient = member_of(community, user, username="carol")
    owner = client_of(user)

    # when
    response = owner.post("/c/learn-to-cook/team/handover/", {"user": "carol"})

    # then both see the pending handover with the date it takes effect
    assert response.status_code == 302
    transfer = OwnershipTransfer.objects.get(community=community)
    assert transfer.state == TransferState.PENDING
    date = date_format(timezone.localtime(transfer.effective_at), "DATETIME_FORMAT")
    team_page = owner.get("/c/learn-to-cook/team/").content.decode()
    assert date in team_page
    assert f'action="/communities/handovers/{transfer.pk}/cancel/"' in team_page
    recipient_client = client_of(recipient)
    mine = recipient_client.get("/communities/mine/").content.decode()
    assert date in mine

    # when the recipient cancels it
    recipient_client.post(f"/communities/handovers/{transfer.pk}/cancel/")

    # then
    transfer.refresh_from_db()
    assert transfer.state == TransferState.CANCELLED
    assert Membership.objects.get(community=community, role=Role.OWNER).user == user


def test_a_handover_to_a_non_member_is_refused_beside_the_user_field(user, other_user):
    make_community(user, name="Learn to Cook", slug="learn-to-cook")

    response = client_of(user).post("/c/learn-to-cook/team/handover/", {"user": "bob"})

    assert response.status_code == 422
    assert response.context["handover_form"].errors["user"] == [
        "Ownership can only go to a member of the community."
    ]
    assert not OwnershipTransfer.objects.exists()


def test_an_admin_cannot_start_a_handover(user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    admin = member_of(community, user, Role.ADMIN)
    member_of(community, user, username="carol")

    response = client_of(admin).post("/c/learn-to-cook/team/handover/", {"user": "carol"})

    assert response.status_code == 403
    assert not OwnershipTransfer.objects.exists()


def test_somebody_else_cannot_cancel_a_handover(user, other_user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    recipient = member_of(community, user)
    transfer = actions.request_ownership_transfer(
        actor=user, community=community, to_user=recipient
    )

    response = client_of(other_user).post(f"/communities/handovers/{transfer.pk}/cancel/")

    assert response.status_code == 404
    transfer.refresh_from_db()
    assert transfer.state == TransferState.PENDING


# --- the members list --------------------------------------------------------------------------


def test_the_team_sees_where_members_came_from_and_members_do_not(user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    member = member_of(community, user)

    team_view = client_of(user).get("/c/learn-to-cook/members/").content.decode()
    member_view = client_of(member).get("/c/learn-to-cook/members/").content.decode()

    assert "Came from" in team_view
    assert "Invitation" in team_view
    assert "Came from" not in member_view
    assert "/block/" not in member_view


def test_members_are_paged_by_cursor(user, settings):
    settings.COMMUNA = {**settings.COMMUNA, "PAGE_SIZE": 2}
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    for _n in range(2):
        member_of(community, user)
    client = client_of(user)

    first = client.get("/c/learn-to-cook/members/")
    second = client.get(f"/c/learn-to-cook/members/{first.context['next_link']}")

    shown = [row["membership"].user_id for row in first.context["rows"]] + [
        row["membership"].user_id for row in second.context["rows"]
    ]
    assert sorted(shown) == sorted(Membership.objects.values_list("user_id", flat=True))
    assert second.context["next_link"] is None


# Session, user, the viewer's membership with its community (one statement), what waits in the manage area (one statement
# for every count), one page of members: the same for any size. Their badges are read only where
# one was ever given (the community's `badges_version` is above 0, ADR 0021): one query more.
MEMBERS_PAGE_QUERIES = 5


@pytest.mark.parametrize(
    ("members", "badges_given"), [(5, False), (30, False), (5, True), (30, True)]
)
def test_the_members_page_takes_a_fixed_number_of_queries(
    user, members, badges_given, django_assert_num_queries
):
    # given
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    if badges_given:
        actions.refresh_member_badges(community_id=community.pk)
    moderator = member_of(community, user, Role.MODERATOR)
    for _n in range(members):
        member_of(community, user)
    client = client_of(moderator)

    # when
    with django_assert_num_queries(MEMBERS_PAGE_QUERIES + badges_given):
        response = client.get("/c/learn-to-cook/members/")

    # then the page really listed them (newest first), with block forms for plain members
    assert len(response.context["rows"]) == min(members + 2, 30)
    assert sum(row["blockable"] for row in response.context["rows"]) == min(members, 30)
