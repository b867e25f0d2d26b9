"""R6.3: titles and badges: the member of the month, badges by the community's rules, badges
given by hand with a reason, and taken back by the team, all in the audit log."""

from __future__ import annotations

from datetime import date

import pytest

from communa.core.models import AuditEntry
from communa.engagement.actions.recognition import (
    award_badge,
    create_badge_rule,
    revoke_badge,
)
from communa.engagement.models import BadgeKind, MemberBadge
from tests.engagement.recognition_kit import (
    IN_MARCH,
    comment_by,
    community_in,
    computed,
    post_by,
)
from tests.factories import add_member, owner_of, person
from tests.support import api_as, error_of

pytestmark = pytest.mark.django_db


def held(community, user) -> list[tuple[str, str, str]]:
    """(kind, label, period) of the member's badges not taken back."""
    return sorted(
        MemberBadge.objects.filter(
            community=community, user=user, revoked_at__isnull=True
        ).values_list("kind", "label", "period")
    )


def rule(community, label, contribution, threshold, scope="month"):
    return create_badge_rule(
        actor=owner_of(community),
        community=community,
        data={
            "label": label,
            "contribution": contribution,
            "threshold": threshold,
            "scope": scope,
        },
    )


def test_the_top_leader_becomes_the_member_of_the_month_and_rules_give_their_badges():
    # given three rules: the top 2 of a month, a first post ever, 2 comments in a month
    community = community_in()
    rule(community, "Top contributor", "rank", 2)
    rule(community, "First post", "posts", 1, scope="total")
    rule(community, "Chatty", "comments", 2)
    ann, bob, cat = (add_member(community, person(n)) for n in ("ann", "bob", "cat"))
    post = post_by(community, ann)
    post_by(community, ann)
    comment_by(post, bob)
    comment_by(post, bob)
    comment_by(post, cat)

    computed(community)

    assert held(community, ann) == [
        ("badge", "First post", ""),
        ("badge", "Top contributor", "2024-03"),
        ("title", "Member of the month", "2024-03"),
    ]
    assert held(community, bob) == [
        ("badge", "Chatty", "2024-03"),
        ("badge", "Top contributor", "2024-03"),
    ]
    assert held(community, cat) == []


def test_computing_a_month_again_gives_nothing_twice_and_takes_back_what_is_no_longer_earned():
    community = community_in()
    ann, bob = add_member(community, person("ann")), add_member(community, person("bob"))
    post_by(community, ann)
    computed(community)
    assert held(community, ann) == [("title", "Member of the month", "2024-03")]

    # when Bob turns out to have done more in March and the team computes it again
    post_by(community, bob)
    post_by(community, bob)
    computed(community)
    computed(community)

    assert held(community, ann) == []
    assert held(community, bob) == [("title", "Member of the month", "2024-03")]


def test_a_total_rule_gives_its_badge_once_ever():
    community = community_in()
    rule(community, "First post", "posts", 1, scope="total")
    ann = add_member(community, person("ann"))
    post_by(community, ann)
    post_by(community, ann, at=IN_MARCH.replace(month=4))
    computed(community)
    computed(community, date(2024, 4, 1))

    assert held(community, ann).count(("badge", "First post", "")) == 1


def test_a_badge_given_by_hand_needs_a_reason_and_is_in_the_audit_log():
    community = community_in(slug="cooks")
    owner, ann = owner_of(community), add_member(community, person("ann"))

    refused = api_as(owner).post(
        "/communities/cooks/recognition/badges",
        {"username": "ann", "label": "Helper", "reason": " "},
    )
    answer = api_as(owner).post(
        "/communities/cooks/recognition/badges",
        {"username": "ann", "label": "Helper", "reason": "Answered every newcomer"},
    )

    assert refused.status_code == 422
    assert "reason" in error_of(refused)["fields"]
    assert answer.status_code == 201
    assert answer.json()["automatic"] is False
    assert held(community, ann) == [("badge", "Helper", "")]
    entry = AuditEntry.objects.get(action="recognition.badge.award")
    assert entry.actor == owner
    assert entry.after["reason"] == "Answered every newcomer"


def test_only_members_get_badges():
    community = community_in(slug="cooks")
    person("stranger")

    answer = api_as(owner_of(community)).post(
        "/communities/cooks/recognition/badges",
        {"username": "stranger", "label": "Helper", "reason": "Nice"},
    )

    assert answer.status_code == 404


def test_the_team_takes_a_badge_back_once_and_a_rule_does_not_give_it_again():
    community = community_in(slug="cooks")
    owner, ann = owner_of(community), add_member(community, person("ann"))
    post_by(community, ann)
    computed(community)
    title = MemberBadge.objects.get(user=ann, kind=BadgeKind.TITLE)

    first = api_as(owner).post(f"/recognition/badges/{title.pk}/revoke", {"reason": "Spam"})
    again = api_as(owner).post(f"/recognition/badges/{title.pk}/revoke", {"reason": "Spam"})
    computed(community)

    assert first.status_code == 200
    assert first.json()["revoked_at"] is not None
    assert again.status_code == 409
    assert held(community, ann) == []
    entry = AuditEntry.objects.get(action="recognition.badge.revoke")
    assert (entry.actor, entry.after) == (owner, {"reason": "Spam"})


def test_a_member_badges_are_listed_and_taken_back_ones_only_to_the_team():
    community = community_in(slug="cooks")
    owner, ann = owner_of(community), add_member(community, person("ann"))
    kept = award_badge(actor=owner, community=community, user=ann, label="Kind", reason="Always")
    gone = award_badge(actor=owner, community=community, user=ann, label="Oops", reason="Wrong")
    revoke_badge(actor=owner, badge=gone)

    seen_by_member = api_as(ann).get("/communities/cooks/members/ann/badges").json()
    seen_by_team = api_as(owner).get("/communities/cooks/members/ann/badges").json()

    assert [b["label"] for b in seen_by_member] == [kept.label]
    assert [b["label"] for b in seen_by_team] == ["Oops", "Kind"]


def test_badge_rules_are_created_changed_and_deleted_through_the_api():
    community = community_in(slug="cooks")
    api = api_as(owner_of(community))

    created = api.post(
        "/communities/cooks/recognition/rules",
        {"label": "Top contributor", "contribution": "rank", "threshold": 3},
    )
    wrong = api.post(
        "/communities/cooks/recognition/rules",
        {"label": "Forever top", "contribution": "rank", "threshold": 3, "scope": "total"},
    )
    rule_id = created.json()["id"]
    changed = api.patch(f"/recognition/rules/{rule_id}", {"threshold": 5, "active": False})
    listed = api.get("/communities/cooks/recognition/rules")
    deleted = api.delete(f"/recognition/rules/{rule_id}")

    assert created.status_code == 201
    assert created.json()["scope"] == "month"
    assert wrong.status_code == 422
    assert "scope" in error_of(wrong)["fields"]
    assert changed.json()["threshold"] == 5
    assert changed.json()["active"] is False
    assert [r["label"] for r in listed.json()] == ["Top contributor"]
    assert deleted.status_code == 204
    assert api.get(f"/recognition/rules/{rule_id}").status_code == 404


def test_a_community_has_a_limited_number_of_rules(settings):
    settings.COMMUNA = {**settings.COMMUNA, "RECOGNITION_RULES_PER_COMMUNITY": 1}
    community = community_in(slug="cooks")
    api = api_as(owner_of(community))
    body = {"label": "First post", "contribution": "posts", "threshold": 1, "scope": "total"}

    assert api.post("/communities/cooks/recognition/rules", body).status_code == 201
    assert api.post("/communities/cooks/recognition/rules", body).status_code == 409
