"""The site operators' decisions: the verified mark and the catalog's featured list, through the
actions (audited) from the admin."""

from __future__ import annotations

import pytest

from communa.communities.actions import (
    decide_verification,
    feature_community,
    request_verification,
)
from communa.communities.models import Community, RequestStatus
from communa.core.errors import Conflict, PermissionRefused, ValidationFailed
from communa.core.models import AuditEntry
from tests.factories import make_community, person

pytestmark = pytest.mark.django_db


def _request(community: Community):
    return request_verification(
        actor=community.created_by,
        community=community,
        message="We are the official page of the school.",
        evidence_url="https://example.org/about",
    )


def test_an_operator_approves_a_request_and_the_community_is_verified_once():
    community = make_community()
    asked = _request(community)
    operator = person(is_staff=True)

    decided = decide_verification(actor=operator, request=asked, approve=True)

    community.refresh_from_db()
    assert community.verified
    assert decided.status == RequestStatus.APPROVED
    assert AuditEntry.objects.filter(action="verification.approve", actor=operator).count() == 1
    with pytest.raises(Conflict):
        decide_verification(actor=operator, request=asked, approve=False)


def test_a_rejected_request_leaves_the_community_unverified():
    community = make_community()
    decide_verification(actor=person(is_staff=True), request=_request(community), approve=False)
    community.refresh_from_db()
    assert not community.verified


def test_only_operators_decide_verification_and_featuring():
    community = make_community()
    asked = _request(community)
    with pytest.raises(PermissionRefused):
        decide_verification(actor=community.created_by, request=asked, approve=True)
    with pytest.raises(PermissionRefused):
        feature_community(actor=community.created_by, community=community, featured=True)
    community.refresh_from_db()
    assert (community.verified, community.featured) == (False, False)


def test_featuring_is_audited_with_before_and_after_and_a_negative_rank_is_refused():
    community = make_community()
    operator = person(is_staff=True)
    feature_community(actor=operator, community=community, featured=True, rank=3)
    community.refresh_from_db()
    assert (community.featured, community.featured_rank) == (True, 3)
    entry = AuditEntry.objects.get(action="community.feature")
    assert entry.before == {"featured": False, "featured_rank": 0}
    assert entry.after == {"featured": True, "featured_rank": 3}
    with pytest.raises(ValidationFailed) as refused:
        feature_community(actor=operator, community=community, featured=True, rank=-1)
    assert "featured_rank" in refused.value.fields


def test_the_admin_features_and_approves_through_the_actions(client):
    community = make_community()
    asked = _request(community)
    operator = person(is_staff=True, is_superuser=True)
    client.force_login(operator)

    response = client.post(
        "/admin/communities/community/",
        {"action": "feature", "_selected_action": [community.pk]},
    )
    assert response.status_code == 302
    response = client.post(
        "/admin/communities/verificationrequest/",
        {"action": "approve", "_selected_action": [asked.pk]},
    )
    assert response.status_code == 302

    community.refresh_from_db()
    assert (community.featured, community.verified) == (True, True)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"community.feature", "verification.approve"} <= actions
