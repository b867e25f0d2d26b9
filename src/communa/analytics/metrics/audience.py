"""Audience query functions: members at a moment (METRICS.md "Members at a time t")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Exists, OuterRef, Q

from communa.communities.models import MembershipEvent

# The events that change whether someone is a member; an unblock does not make a member.
MEMBER_CHANGES = (
    MembershipEvent.Kind.JOIN,
    MembershipEvent.Kind.LEAVE,
    MembershipEvent.Kind.BLOCK,
)


def members_at(community_id: int, moment: datetime) -> int:
    """Memberships active at `moment`: people whose latest join, leave or block up to then is a
    join. (A block of someone who was not a member is in the history too, so counting joins
    minus leaves minus blocks would undercount.)"""
    later_change = MembershipEvent.objects.filter(
        community_id=community_id,
        user_id=OuterRef("user_id"),
        kind__in=MEMBER_CHANGES,
        at__lte=moment,
    ).filter(Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk")))
    return (
        MembershipEvent.objects.filter(
            community_id=community_id, kind=MembershipEvent.Kind.JOIN, at__lte=moment
        )
        .filter(~Exists(later_change))
        .count()
    )


def members_at_moments(community_id: int, moments: Sequence[datetime]) -> list[int]:
    """`metrics.audience.members_at` for many moments in one statement: the membership history
    up to the latest moment is read once in its order and replayed (a test checks that both
    agree)."""
    if not moments:
        return []
    changes = (
        MembershipEvent.objects.filter(
            community_id=community_id, kind__in=MEMBER_CHANGES, at__lte=max(moments)
        )
        .order_by("at", "pk")
        .values_list("user_id", "kind", "at")
    )
    order = sorted(range(len(moments)), key=lambda i: moments[i])
    members: set[int] = set()
    counts = [0] * len(moments)
    history = iter(changes.iterator(chunk_size=5000))
    pending = next(history, None)
    for index in order:
        while pending is not None and pending[2] <= moments[index]:
            user_id, kind, _at = pending
            if kind == MembershipEvent.Kind.JOIN:
                members.add(user_id)
            else:
                members.discard(user_id)
            pending = next(history, None)
        counts[index] = len(members)
    return counts
