"""The participation ladder's definition of the core (METRICS.md "Participation ladder (90-9-1)"),
kept in the kernel so every app that names "the 1 % core" means the same members.

Analytics shows the whole ladder from its day cells; engagement offers the core to the team
(recognition, R6.3). Both rank the same `Contributions` with `core_of`. Which rows a community
has over a period is a socket: analytics answers it from its day cells (views and contributions,
the figures its ladder shows); without analytics, `MemberContributions` answers None and the
caller counts what it can read itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

CORE_PERCENT = 1


@dataclass(frozen=True)
class Contributions:
    """One member's views and contributions over the period."""

    user_id: int
    views: int = 0
    likes: int = 0
    comments: int = 0
    shares: int = 0
    posts: int = 0

    @property
    def total(self) -> int:
        return self.likes + self.comments + self.shares + self.posts


def core_of(rows: Sequence[Contributions], on_ladder: int) -> tuple[list[Contributions], int]:
    """The core (most contributions first, then by user id) and its target size: 1 % of the
    members on the ladder rounded down, at least 1; members tied with the last place join."""
    target = max(1, on_ladder * CORE_PERCENT // 100)
    ranked = sorted((r for r in rows if r.total > 0), key=lambda r: (-r.total, r.user_id))
    if not ranked:
        return [], target
    bar = ranked[min(target, len(ranked)) - 1].total
    return [r for r in ranked if r.total >= bar], target


class MemberContributions:
    """Socket: every audience member's views and contributions over whole local days."""

    def of(self, community: Any, first: date, last: date) -> list[Contributions] | None:
        """The rows of members with a view or a contribution from `first` to `last` (the
        community's days); None when nothing installed counts them."""
        return None
