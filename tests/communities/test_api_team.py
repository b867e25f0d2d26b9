"""The team through the API: roles, the table on the team page, ownership handover, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communa.communities.models import Membership, OwnershipTransfer, Privacy, Role
from communa.communities.permissions import Action, Relation, allowed
from communa.core.models import AuditEntry
from tests.factories import add_member, make_community, owner_of, pending_request, person
from tests.support import api_as, error_of

pytestmark = pytest.mark.django_db


def role_of(community, user) -> str:
    return Membership.objects.get(community=community, user=user).role


# --- the team page --------------------------------------------------------------------------


@pytest.mark.parametrize("privacy", [Privacy.OPEN, Privacy.CLOSED, Privacy.PRIVATE])
def test_the_team_page_lists_the_team_and_the_table_for_this_privacy(privacy):
    # given a community with one of each team role and a plain member
    community = make_community(slug="cooks", privacy=privacy)
    for role in (Role.ANALYST, Role.MODERATOR, Role.EDITOR, Role.ADMIN):
        add_member(community, user=person(username=f"the-{role}"), role=role)
    add_member(community, user=person(username="plain"))
    # when an admin opens the team page
    body = api_as(Membership.objects.get(role=Role.ADMIN).user).get("/communities/cooks/team")
    # then the team comes most powerful first, without plain members
    assert body.status_code == 200, body.content
    team = body.json()
    assert [m["role"] for m in team["members"]] == [
        "owner",
        "admin",
        "editor",
        "moderator",
        "analyst",
    ]
    # and every action has a row that agrees with the table, column by column
    assert team["columns"] == ["owner", "admin", "editor", "moderator", "analyst", "member"]
    assert [row["action"] for row in team["matrix"]] == [a.value for a in Action]
    for row in team["matrix"]:
        relations = [Relation(column) for column in team["columns"]]
        expected = [r in allowed(Action(row["action"]), privacy) for r in relations]
        assert row["allowed"] == expected, row["action"]
        assert row["label"]


def test_the_team_page_shows_what_each_role_may_do_as_the_issue_says():
    community = make_community(slug="cooks")
    rows = {
        row["action"]: dict(
            zip(
                ["owner", "admin", "editor", "moderator", "analyst", "member"],
                row["allowed"],
                strict=True,
            )
        )
        for row in api_as(owner_of(community)).get("/communities/cooks/team").json()["matrix"]
    }
    assert rows["appoint_admins"] == {
        "owner": True,
        "admin": False,
        "editor": False,
        "moderator": False,
        "analyst": False,
        "member": False,
    }
    assert rows["review_requests"]["moderator"]
    assert not rows["review_requests"]["analyst"]
    assert rows["edit_wiki"]["editor"]
    assert not rows["edit_settings"]["editor"]


# --- roles ----------------------------------------------------------------------------------


def test_the_owner_appoints_an_admin_and_the_change_is_audited():
    # given
    community = make_community(slug="cooks")
    owner = owner_of(community)
    member = add_member(community, user=person(username="trusted"))
    # when
    response = api_as(owner).call("put", "/communities/cooks/team/Trusted", {"role": "admin"})
    # then
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "admin"
    assert role_of(community, member) == Role.ADMIN
    entry = AuditEntry.objects.get(action="team.role")
    assert (entry.actor, entry.community) == (owner, community)
    assert (entry.before["role"], entry.after["role"]) == ("member", "admin")


def test_an_admin_appoints_a_moderator_but_not_an_admin():
    community = make_community(slug="cooks")
    admin = api_as(add_member(community, role=Role.ADMIN))
    member = add_member(community)
    ok = admin.call("put", f"/communities/cooks/team/{member.username}", {"role": "moderator"})
    assert ok.status_code == 200
    refused = admin.call("put", f"/communities/cooks/team/{member.username}", {"role": "admin"})
    assert refused.status_code == 403
    assert "Only the owner" in error_of(refused)["message"]
    assert role_of(community, member) == Role.MODERATOR


def test_an_admin_cannot_demote_another_admin():
    community = make_community(slug="cooks")
    admin = api_as(add_member(community, role=Role.ADMIN))
    other_admin = add_member(community, role=Role.ADMIN)
    response = admin.call(
        "put", f"/communities/cooks/team/{other_admin.username}", {"role": "member"}
    )
    assert response.status_code == 403
    assert role_of(community, other_admin) == Role.ADMIN


@pytest.mark.parametrize(
    ("target", "role", "field", "reason"),
    [
        ("outsider", "editor", "username", "Only members"),
        ("owner", "member", "username", "handing over ownership"),
        ("member", "owner", "role", "Choose one of"),
        ("member", "emperor", "role", "Choose one of"),
    ],
)
def test_a_role_change_that_breaks_a_rule_names_the_field(target, role, field, reason):
    community = make_community(slug="cooks")
    people = {
        "outsider": person(),
        "owner": owner_of(community),
        "member": add_member(community),
    }
    before = AuditEntry.objects.count()
    response = api_as(owner_of(community)).call(
        "put", f"/communities/cooks/team/{people[target].username}", {"role": role}
    )
    assert response.status_code == 422
    assert reason in error_of(response)["fields"][field][0]
    assert AuditEntry.objects.count() == before


def test_a_role_for_an_unknown_person_is_not_found():
    community = make_community(slug="cooks")
    response = api_as(owner_of(community)).call(
        "put", "/communities/cooks/team/nobody-at-all", {"role": "editor"}
    )
    assert response.status_code == 404


# --- ownership handover ---------------------------------------------------------------------


def test_a_handover_is_pending_for_fourteen_days_and_both_sides_see_it():
    # given
    community = make_community(slug="cooks")
    owner = owner_of(community)
    heir = add_member(community, user=person(username="heir"))
    admin = add_member(community, role=Role.ADMIN)
    # when the owner hands over
    started = api_as(owner).post("/communities/cooks/transfer", {"username": "heir"})
    # then it takes effect in fourteen days, and only the two people involved see it
    assert started.status_code == 201, started.content
    transfer = OwnershipTransfer.objects.get()
    assert transfer.effective_at - transfer.requested_at == timedelta(days=14)
    assert started.json()["to_username"] == "heir"
    for viewer in (owner, heir):
        assert api_as(viewer).get("/communities/cooks/transfer").json()["to_username"] == "heir"
        assert api_as(viewer).get("/communities/cooks").json()["transfer"]["to_username"] == "heir"
    assert api_as(admin).get("/communities/cooks/transfer").status_code == 404
    assert api_as(admin).get("/communities/cooks").json()["transfer"] is None
    assert role_of(community, owner) == Role.OWNER  # nothing changes before the date
    assert AuditEntry.objects.filter(action="ownership.request", actor=owner).exists()


def test_the_recipient_cancels_a_handover():
    community = make_community(slug="cooks")
    heir = add_member(community)
    api_as(owner_of(community)).post("/communities/cooks/transfer", {"username": heir.username})
    assert api_as(heir).delete("/communities/cooks/transfer").status_code == 204
    assert OwnershipTransfer.objects.get().state == "cancelled"
    assert api_as(heir).delete("/communities/cooks/transfer").status_code == 404


def test_a_second_handover_while_one_is_pending_is_a_conflict():
    community = make_community(slug="cooks")
    owner = api_as(owner_of(community))
    first, second = add_member(community), add_member(community)
    assert (
        owner.post("/communities/cooks/transfer", {"username": first.username}).status_code == 201
    )
    again = owner.post("/communities/cooks/transfer", {"username": second.username})
    assert again.status_code == 409
    assert OwnershipTransfer.objects.count() == 1


@pytest.mark.parametrize(("username", "reason"), [("stranger", "member"), ("ghost", "Nobody")])
def test_a_handover_to_a_non_member_is_refused_by_field(username, reason):
    community = make_community(slug="cooks")
    person(username="stranger")
    before = AuditEntry.objects.count()
    response = api_as(owner_of(community)).post(
        "/communities/cooks/transfer", {"username": username}
    )
    assert response.status_code == 422
    assert reason in error_of(response)["fields"]["username"][0]
    assert not OwnershipTransfer.objects.exists()
    assert AuditEntry.objects.count() == before


# --- every team action is audited -----------------------------------------------------------


def test_every_team_action_writes_an_audit_entry_with_actor_action_and_community():
    # given a community with an admin and a moderator, a member and a pending request
    community = make_community(slug="cooks", privacy="closed")
    admin = add_member(community, role=Role.ADMIN)
    moderator = add_member(community, role=Role.MODERATOR)
    member = add_member(community)
    join_request = pending_request(community)
    since = timezone.now()
    # when they change settings, a role, block someone and approve a request
    calls = [
        (admin, "patch", "/communities/cooks", {"description": "Changed"}),
        (admin, "put", f"/communities/cooks/team/{member.username}", {"role": "analyst"}),
        (
            moderator,
            "post",
            "/communities/cooks/blocks",
            {"username": person().username, "reason": "x"},
        ),
        (moderator, "post", f"/communities/cooks/requests/{join_request.pk}/approve", None),
    ]
    for actor, method, path, body in calls:
        response = api_as(actor).call(method, path, body)
        assert response.status_code < 300, (path, response.content)
    # then each left an entry naming who, what and where
    entries = AuditEntry.objects.filter(created_at__gte=since).order_by("id")
    assert [(e.actor, e.action, e.community) for e in entries] == [
        (admin, "community.update", community),
        (admin, "team.role", community),
        (moderator, "member.block", community),
        (moderator, "request.approve", community),
    ]
    assert all(e.created_at for e in entries)
