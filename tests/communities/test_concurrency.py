"""Concurrent joins, approvals and invitations keep memberships unique and counts exact.

Threads start together at a barrier, each on its own database connection, so the database's
constraints and locks (not Python) decide who wins. PostgreSQL only: SQLite serialises every
writer, which proves nothing about races.
"""

from __future__ import annotations

import pytest
from django.db import connection

from communa.accounts.models import User
from communa.communities.actions import (
    decide_join_request,
    invite_to_community,
    join_community,
    request_to_join,
    set_member_role,
    update_community,
)
from communa.communities.models import (
    Community,
    Invitation,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
)
from communa.core.errors import Conflict, DomainError
from tests.factories import make_community, person
from tests.support import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races need concurrent writers; SQLite runs one writer at a time",
    ),
]


def member_count(community: Community) -> int:
    return Community.objects.get(pk=community.pk).member_count


def test_one_person_joining_eight_times_at_once_becomes_one_member():
    # given an open community and one person
    community = make_community(person("owner"), name="Bakers", slug="bakers")
    joiner = person("joiner")
    before = member_count(community)

    # when eight requests to join arrive at the same moment
    results, errors = run_together(
        [lambda: join_community(actor=joiner, community=community) for _ in range(8)]
    )

    # then one succeeded, the others were told they are already members, and the count is exact
    assert len(results) == 1, errors
    assert all(isinstance(error, Conflict) for error in errors), errors
    assert Membership.objects.filter(community=community, user=joiner).count() == 1
    assert member_count(community) == before + 1


def test_twenty_people_joining_at_once_are_all_counted():
    community = make_community(person("owner"), name="Bakers", slug="bakers")
    joiners = [person(f"joiner{i}") for i in range(20)]

    results, errors = run_together(
        [lambda user=user: join_community(actor=user, community=community) for user in joiners]
    )

    assert errors == []
    assert len(results) == 20
    assert member_count(community) == Membership.objects.filter(community=community).count()
    assert member_count(community) == 21


def test_two_moderators_approving_one_request_at_once_add_one_member():
    # given a closed community with two moderators and one pending request
    owner = person("owner")
    community = make_community(owner, name="Bakers", slug="bakers")
    moderators = [person("mod1"), person("mod2")]
    for moderator in moderators:
        join_community(actor=moderator, community=community)
        set_member_role(actor=owner, community=community, user=moderator, role=Role.MODERATOR)
    update_community(actor=owner, community=community, changes={"privacy": "closed"})
    asker = person("asker")
    join_request = request_to_join(actor=asker, community=community, message="Hello")
    before = member_count(community)

    # when both approve it at the same moment
    results, errors = run_together(
        [
            lambda moderator=moderator: decide_join_request(
                actor=moderator,
                join_request=JoinRequest.objects.get(pk=join_request.pk),
                approve=True,
            )
            for moderator in moderators
        ]
    )

    # then exactly one decision counted and the person is a member once
    assert len(results) == 1, errors
    assert len(errors) == 1
    assert isinstance(errors[0], Conflict)
    assert Membership.objects.filter(community=community, user=asker).count() == 1
    assert member_count(community) == before + 1
    assert JoinRequest.objects.get(pk=join_request.pk).status == RequestStatus.APPROVED


def test_concurrent_invitations_by_one_inviter_never_pass_the_daily_cap(settings):
    # given an inviter three invitations short of the cap
    limit = settings.COMMUNA["INVITATIONS_PER_DAY"]
    inviter = person("inviter")
    community = make_community(inviter, name="Bakers", slug="bakers")
    guests = User.objects.bulk_create(
        [User(username=f"guest{i}", email=f"guest{i}@example.org") for i in range(limit + 5)]
    )
    invite_to_community(actor=inviter, community=community, invitees=guests[: limit - 3])

    # when eight more invitations are sent at the same moment, one person each
    results, errors = run_together(
        [
            lambda guest=guest: invite_to_community(
                actor=inviter, community=community, invitees=[guest]
            )
            for guest in guests[limit - 3 :]
        ]
    )

    # then exactly the three left went out, and the others were told the cap
    assert len(results) == 3, errors
    assert len(errors) == 5
    assert all(isinstance(error, DomainError) and "0 left" in str(error.fields) for error in errors)
    assert Invitation.objects.filter(inviter=inviter).count() == limit
