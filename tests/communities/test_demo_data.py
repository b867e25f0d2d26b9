"""The demo communities: believable, idempotent, with a login for every role."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from communa.communities.models import (
    Block,
    Community,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    MembershipEvent,
    RequestStatus,
    Role,
    WikiPage,
)
from communa.core.demo import DemoContext, load_demo_data
from communa.core.models import AuditEntry

pytestmark = pytest.mark.django_db

BRAND = "learn-to-cook"
COUNTED = (Community, Membership, MembershipEvent, JoinRequest, Invitation, Block, WikiPage)


def counts() -> dict[str, int]:
    from communa.accounts.models import User

    found = {model.__name__: model.objects.count() for model in COUNTED}
    found["User"] = User.objects.count()
    found["AuditEntry"] = AuditEntry.objects.count()
    return found


@pytest.fixture
def demo() -> DemoContext:
    return load_demo_data()


def test_loading_twice_creates_nothing_new(demo):
    # given the demo loaded once
    before = counts()
    assert before["Community"] >= 3

    # when it loads again
    again = load_demo_data()

    # then nothing was added, and the same logins are printed
    assert counts() == before
    assert [login.username for login in again.logins] == [login.username for login in demo.logins]


def test_every_team_role_has_a_login_that_works(demo, client):
    brand = Community.objects.get(slug=BRAND)
    roles_of = dict(
        Membership.objects.filter(community=brand).values_list("user__username", "role")
    )
    logins = {login.username: login for login in demo.logins}
    for role in [Role.OWNER, Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.ANALYST]:
        holders = [name for name, held in roles_of.items() if held == role and name in logins]
        assert holders, f"no demo login holds the {role} role"
        login = logins[holders[0]]
        # the printed line says which role the login holds
        assert str(role) in login.role.lower() or role.label.lower() in login.role.lower()
        assert client.login(username=login.username, password=login.password), login.username
        client.logout()


def test_the_brand_community_has_a_varied_audience(demo):
    brand = Community.objects.get(slug=BRAND)
    memberships = Membership.objects.filter(community=brand).select_related("user")

    assert brand.member_count >= 200
    assert brand.member_count == memberships.count()
    assert len({m.source for m in memberships}) >= 6
    assert {"female", "male"} <= {m.user.gender for m in memberships}
    assert len({str(m.user.country) for m in memberships if m.user.country}) >= 5
    assert len({m.joined_at.date() for m in memberships}) >= 60
    assert any(m.utm_campaign for m in memberships), "ads carry UTM parameters"
    ages = {demo.now.year - m.user.birth_year for m in memberships if m.user.birth_year}
    assert min(ages) < 25
    assert max(ages) > 55
    # each bulk join has the join event the join action would have written
    joins = MembershipEvent.objects.filter(community=brand, kind=MembershipEvent.Kind.JOIN)
    assert joins.count() >= memberships.count()


def test_every_demo_community_counts_its_members_exactly(demo):
    for community in Community.objects.all():
        assert community.member_count == community.memberships.count(), community.slug
        assert community.memberships.filter(role=Role.OWNER).count() == 1, community.slug


def test_pending_requests_invitations_and_a_block_are_there_to_handle(demo):
    assert JoinRequest.objects.filter(status=RequestStatus.PENDING).count() >= 5
    pending = Invitation.objects.filter(status=InvitationStatus.PENDING)
    assert pending.count() >= 5
    assert pending.filter(invitee__username="anna").exists(), "anna's login shows an invitation"
    assert Block.objects.exclude(reason="").exists()
    brand_members = set(
        Membership.objects.filter(community__slug=BRAND).values_list("user__username", flat=True)
    )
    assert {"anna", "taras", "linh", "aiman", "emma"} <= brand_members


def brand_joins() -> list[tuple[str, str]]:
    brand = Community.objects.get(slug=BRAND)
    return sorted(
        Membership.objects.filter(community=brand).values_list("user__username", "source")
    )


def test_the_demo_is_the_same_every_time_it_is_made():
    # given what one load made from its seed on an empty database, then undone (the audit log
    # is append-only, so the way back to nothing is a rolled-back transaction, not deletes)
    now = timezone.now()
    with transaction.atomic():
        load_demo_data(DemoContext(now=now))
        first = brand_joins()
        transaction.set_rollback(True)
    assert not Community.objects.exists()

    # when it is loaded again from nothing with the same seed
    load_demo_data(DemoContext(now=now))

    # then the same people joined the same way
    assert brand_joins() == first
