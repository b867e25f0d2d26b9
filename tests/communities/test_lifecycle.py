"""Handing over ownership: pending for 14 days, cancellable by both sides, completed on time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communa.accounts.models import User
from communa.communities.actions import (
    cancel_ownership_transfer,
    complete_due_ownership_transfers,
    create_community,
    join_community,
    leave_community,
    request_ownership_transfer,
    set_member_role,
)
from communa.communities.models import (
    Community,
    Membership,
    OwnershipTransfer,
    Role,
    TransferState,
)
from communa.core.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from communa.core.models import AuditEntry
from tests.factories import person
from tests.support import run_worker_batch


@pytest.fixture
def people(db) -> dict[str, User]:
    return {name: person(name) for name in ("owner", "heir", "admin", "outsider")}


@pytest.fixture
def community(people) -> Community:
    found = create_community(actor=people["owner"], data={"name": "Bakers", "slug": "bakers"})
    for name in ("heir", "admin"):
        join_community(actor=people[name], community=found)
    set_member_role(actor=people["owner"], community=found, user=people["admin"], role=Role.ADMIN)
    return found


def roles(community: Community) -> dict[str, str]:
    return dict(
        Membership.objects.filter(community=community).values_list("user__username", "role")
    )


@pytest.fixture
def transfer(people, community) -> OwnershipTransfer:
    return request_ownership_transfer(
        actor=people["owner"], community=community, to_user=people["heir"]
    )


def test_a_handover_waits_the_configured_number_of_days(settings, transfer):
    days = settings.COMMUNA["OWNERSHIP_TRANSFER_DAYS"]

    assert transfer.state == TransferState.PENDING
    assert transfer.effective_at == transfer.requested_at + timedelta(days=days)
    assert abs(transfer.requested_at - timezone.now()) < timedelta(minutes=5)
    assert roles(transfer.community)["owner"] == Role.OWNER


def test_the_waiting_time_follows_the_instance_setting(settings, people, community):
    settings.COMMUNA = {**settings.COMMUNA, "OWNERSHIP_TRANSFER_DAYS": 3}

    transfer = request_ownership_transfer(
        actor=people["owner"], community=community, to_user=people["heir"]
    )

    assert transfer.effective_at - transfer.requested_at == timedelta(days=3)


@pytest.mark.parametrize("who", ["owner", "heir"])
def test_the_owner_or_the_recipient_cancels_a_pending_handover(people, transfer, who):
    cancelled = cancel_ownership_transfer(actor=people[who], transfer=transfer)

    assert cancelled.state == TransferState.CANCELLED
    assert cancelled.cancelled_by == people[who]
    assert complete_due_ownership_transfers(now=transfer.effective_at + timedelta(days=1)) == 0
    assert roles(transfer.community)["owner"] == Role.OWNER
    assert AuditEntry.objects.filter(action="ownership.cancel", actor=people[who]).exists()


@pytest.mark.parametrize("who", ["admin", "outsider"])
def test_a_third_person_cannot_cancel_a_handover(people, transfer, who):
    with pytest.raises(NotFound):
        cancel_ownership_transfer(actor=people[who], transfer=transfer)

    transfer.refresh_from_db()
    assert transfer.state == TransferState.PENDING


def test_a_handover_is_cancelled_only_once(people, transfer):
    cancel_ownership_transfer(actor=people["owner"], transfer=transfer)

    with pytest.raises(Conflict):
        cancel_ownership_transfer(actor=people["heir"], transfer=transfer)

    transfer.refresh_from_db()
    assert transfer.cancelled_by == people["owner"]


def test_nothing_happens_before_the_date(transfer):
    done = complete_due_ownership_transfers(now=transfer.effective_at - timedelta(seconds=1))

    assert done == 0
    transfer.refresh_from_db()
    assert transfer.state == TransferState.PENDING
    assert roles(transfer.community)["owner"] == Role.OWNER


def test_on_the_date_the_recipient_becomes_owner_and_the_old_owner_an_admin(transfer):
    # when the runner runs just after the date
    done = complete_due_ownership_transfers(now=transfer.effective_at + timedelta(seconds=1))

    # then the roles are swapped, with exactly one owner
    assert done == 1
    held = roles(transfer.community)
    assert held["heir"] == Role.OWNER
    assert held["owner"] == Role.ADMIN
    assert list(held.values()).count(Role.OWNER) == 1
    transfer.refresh_from_db()
    assert transfer.state == TransferState.COMPLETED
    assert AuditEntry.objects.filter(action="ownership.complete").count() == 1


def test_completing_is_idempotent(transfer):
    later = transfer.effective_at + timedelta(hours=1)
    assert complete_due_ownership_transfers(now=later) == 1

    assert complete_due_ownership_transfers(now=later) == 0
    assert complete_due_ownership_transfers(now=later + timedelta(days=30)) == 0
    assert roles(transfer.community)["heir"] == Role.OWNER
    assert AuditEntry.objects.filter(action="ownership.complete").count() == 1


def test_a_handover_to_someone_who_left_meanwhile_is_voided(people, transfer):
    # given the recipient left before the date
    leave_community(actor=people["heir"], community=transfer.community)

    # when the date comes
    done = complete_due_ownership_transfers(now=transfer.effective_at + timedelta(seconds=1))

    # then nothing was handed over and the handover is closed
    assert done == 0
    transfer.refresh_from_db()
    assert transfer.state == TransferState.CANCELLED
    assert roles(transfer.community)["owner"] == Role.OWNER
    assert AuditEntry.objects.filter(action="ownership.void").exists()


def test_ownership_goes_only_to_a_member(people, community):
    with pytest.raises(ValidationFailed) as refused:
        request_ownership_transfer(
            actor=people["owner"], community=community, to_user=people["outsider"]
        )

    assert "user" in refused.value.fields
    assert not OwnershipTransfer.objects.exists()


def test_only_the_owner_hands_over_ownership(people, community):
    with pytest.raises(PermissionRefused):
        request_ownership_transfer(
            actor=people["admin"], community=community, to_user=people["heir"]
        )

    assert not OwnershipTransfer.objects.exists()


def test_one_handover_is_pending_at_a_time(people, transfer):
    with pytest.raises(Conflict):
        request_ownership_transfer(
            actor=people["owner"], community=transfer.community, to_user=people["admin"]
        )

    assert OwnershipTransfer.objects.filter(state=TransferState.PENDING).count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_completes_a_due_handover(tmp_path):
    # given a handover whose date has passed
    owner, heir = person("owner"), person("heir")
    community = create_community(actor=owner, data={"name": "Bakers", "slug": "bakers"})
    join_community(actor=heir, community=community)
    transfer = request_ownership_transfer(actor=owner, community=community, to_user=heir)
    OwnershipTransfer.objects.filter(pk=transfer.pk).update(
        effective_at=timezone.now() - timedelta(minutes=1)
    )

    # when a worker process runs once
    run_worker_batch(tmp_path)

    # then the roles are swapped
    assert roles(community) == {"heir": Role.OWNER, "owner": Role.ADMIN}
    transfer.refresh_from_db()
    assert transfer.state == TransferState.COMPLETED
