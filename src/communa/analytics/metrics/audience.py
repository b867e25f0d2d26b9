"""Audience query functions: members at a moment (METRICS.md "Members at a time t")."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q

from communa.communities.models import MembershipEvent

# The events that change whether someone is a member; an unblock does not make a member.
_CHANGES = (MembershipEvent.Kind.JOIN, MembershipEvent.Kind.LEAVE, MembershipEvent.Kind.BLOCK)


def members_at(community_id: int, moment: datetime) -> int:
    """Memberships active at `moment`: people whose latest join, leave or block up to then is a
    join. (A block of someone who was not a member is in the history too, so counting joins
    minus leaves minus blocks would undercount.)"""
    later_change = MembershipEvent.objects.filter(
        community_id=community_id,
        user_id=OuterRef("user_id"),
        kind__in=_CHANGES,
        at__lte=moment,
    ).filter(Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk")))
    return (
        MembershipEvent.objects.filter(
            community_id=community_id, kind=MembershipEvent.Kind.JOIN, at__lte=moment
        )
        .filter(~Exists(later_change))
        .count()
    )
