"""The participation ladder (R9.6, METRICS.md "Participation ladder (90-9-1)").

Over a period of whole local days, each member of the audience (current members without a team
role) stands on one rung by their views and contributions in the community:

- inactive: no view and no contribution (shown apart, outside the ladder's shares);
- lurker: at least one view, no contribution;
- contributor: at least one contribution;
- core: the contributors ranked in the top 1 % of the ladder (lurkers, contributors and core;
  at least one member); everyone tied with the last core place is core too.

A contribution is a like (likes − unlikes, at least 0 over the period), a comment, a share, or a
post published in the community by the member in the period and still published. Views and
contributions come from the worker's `MemberDay` cells, posts from walls. The core's definition
(`Contributions`, `core_of`) lives in the kernel (core/participation.py), shared with engagement's
recognition, which reads these rows through the `MemberContributions` socket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum

from communa.accounts.models import User
from communa.analytics.models import MemberDay
from communa.analytics.periods import Period, period_of
from communa.communities.models import Community, Membership, Role

# The core's definition, shared with engagement (kept importable from here: see __all__).
from communa.core.participation import CORE_PERCENT, Contributions, MemberContributions, core_of
from communa.walls.models import Post, PostStatus

# How many core members a page or an answer lists at most (the count is always given).
CORE_LISTED = 100


def audience(community: Community) -> QuerySet[Membership]:
    """The members the audience figures count: current memberships without a team role (the
    team's activity is its work, not the audience's). Blocked people are not members."""
    return Membership.objects.filter(community=community, role=Role.MEMBER)


def in_audience(community: Community, user_field: str = "user_id") -> Exists:
    """A filter: the row's person is in the community's audience now."""
    return Exists(audience(community).filter(user_id=OuterRef(user_field)))


@dataclass(frozen=True)
class CoreMember:
    user: User
    contributions: Contributions


@dataclass(frozen=True)
class Ladder:
    """The rungs of the period: counts, shares and the core members (the first `CORE_LISTED`)."""

    period: Period
    members: int
    inactive: int
    lurkers: int
    contributors: int
    core_count: int
    core_target: int
    core: list[CoreMember]
    contributions: int
    core_contributions: int

    @property
    def on_ladder(self) -> int:
        return self.lurkers + self.contributors + self.core_count

    def share(self, count: int) -> float | None:
        """A rung's share of the ladder in percent (None when nobody is on it)."""
        return None if self.on_ladder == 0 else round(100 * count / self.on_ladder, 2)

    @property
    def lurkers_share(self) -> float | None:
        return self.share(self.lurkers)

    @property
    def contributors_share(self) -> float | None:
        return self.share(self.contributors)

    @property
    def core_share(self) -> float | None:
        return self.share(self.core_count)

    @property
    def inactive_share(self) -> float | None:
        """Inactive members of all members, in percent."""
        return None if self.members == 0 else round(100 * self.inactive / self.members, 2)

    @property
    def core_share_of_contributions(self) -> float | None:
        if self.contributions == 0:
            return None
        return round(100 * self.core_contributions / self.contributions, 2)


def contributions_of(community: Community, period: Period) -> list[Contributions]:
    """Every audience member with a view or a contribution in the period (two queries)."""
    cells = (
        MemberDay.objects.filter(community=community, day__gte=period.first, day__lte=period.last)
        .filter(in_audience(community))
        .values("user_id")
        .annotate(
            views=Sum("views"), likes=Sum("likes"), comments=Sum("comments"), shares=Sum("shares")
        )
    )
    posts = dict(
        Post.objects.filter(
            community=community,
            status=PostStatus.PUBLISHED,
            published_at__gte=period.start,
            published_at__lt=period.end,
        )
        .filter(in_audience(community, "author_id"))
        .values("author_id")
        .annotate(n=Count("pk"))
        .values_list("author_id", "n")
    )
    found: dict[int, Contributions] = {}
    for cell in cells:
        found[cell["user_id"]] = Contributions(
            user_id=cell["user_id"],
            views=cell["views"] or 0,
            # An unlike of a like given before the period would make the net negative.
            likes=max(0, cell["likes"] or 0),
            comments=cell["comments"] or 0,
            shares=cell["shares"] or 0,
            posts=posts.pop(cell["user_id"], 0),
        )
    for user_id, count in posts.items():
        found[user_id] = Contributions(user_id=user_id, posts=count)
    return [c for c in found.values() if c.views > 0 or c.total > 0]


def participation_ladder(community: Community, period: Period) -> Ladder:
    """The ladder of the period (four queries: cells, posts, members, the listed core)."""
    rows = contributions_of(community, period)
    members = audience(community).count()
    core, target = core_of(rows, len(rows))
    core_ids = {r.user_id for r in core}
    contributors = sum(1 for r in rows if r.total > 0 and r.user_id not in core_ids)
    lurkers = sum(1 for r in rows if r.total == 0)
    listed = core[:CORE_LISTED]
    users = User.objects.in_bulk([r.user_id for r in listed])
    return Ladder(
        period=period,
        members=members,
        # Everyone counted is a member now, so the rest of the members did nothing.
        inactive=max(0, members - len(rows)),
        lurkers=lurkers,
        contributors=contributors,
        core_count=len(core),
        core_target=target,
        core=[CoreMember(users[r.user_id], r) for r in listed if r.user_id in users],
        contributions=sum(r.total for r in rows),
        core_contributions=sum(r.total for r in core),
    )


def ladder_as_dict(ladder: Ladder) -> dict[str, Any]:
    """The figures as the API and the CSV give them."""
    return {
        "members": ladder.members,
        "inactive": ladder.inactive,
        "inactive_share": ladder.inactive_share,
        "on_ladder": ladder.on_ladder,
        "lurkers": ladder.lurkers,
        "lurkers_share": ladder.lurkers_share,
        "contributors": ladder.contributors,
        "contributors_share": ladder.contributors_share,
        "core_count": ladder.core_count,
        "core_share": ladder.core_share,
        "core_target": ladder.core_target,
        "contributions": ladder.contributions,
        "core_contributions": ladder.core_contributions,
        "core_share_of_contributions": ladder.core_share_of_contributions,
    }


class LadderContributions(MemberContributions):
    """Answers the kernel's `MemberContributions` with the ladder's own rows."""

    def of(self, community: Any, first: date, last: date) -> list[Contributions] | None:
        return contributions_of(community, period_of(community, start=first, end=last))


__all__ = [
    "CORE_LISTED",
    "CORE_PERCENT",
    "Contributions",
    "CoreMember",
    "Ladder",
    "LadderContributions",
    "audience",
    "contributions_of",
    "core_of",
    "in_audience",
    "ladder_as_dict",
    "participation_ladder",
]
