"""A member's badges beside their name (R6.3, ADR 0021): the kernel's socket.

Walls and communities show people's names (bylines, comments, discussions, the members list);
engagement gives members titles and badges. Walls must not import engagement (ADR 0019), so the
pages ask here, and engagement plugs its answer in at start-up. Without engagement nobody has a
badge and every version is "".

Two questions, each answered in at most one query for a whole page:

- `versions(community_ids)`: a stamp per community that changes whenever a badge there is
  given, taken back or changes; cached card keys name it, so a cached byline never shows a stale
  badge (ADR 0009);
- `badges_of(pairs)`: the badges to show for (community id, user id) pairs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from communa.core.hooks import answer

Pair = tuple[int, int]


@dataclass(frozen=True)
class ShownBadge:
    """A title or a badge as shown beside a name: its label, kind ("title" or "badge"), how
    many times the member earned it and a line that says why (the tooltip)."""

    label: str
    kind: str = "badge"
    count: int = 1
    description: str = ""


class MemberBadges:
    """Socket: the badges shown beside members' names, and a version of them per community."""

    def versions(self, community_ids: Collection[int]) -> dict[int, str]:
        """A stamp per community that changes whenever its badges change (missing: "")."""
        return {}

    def badges_of(self, pairs: Collection[Pair]) -> dict[Pair, tuple[ShownBadge, ...]]:
        """The badges of each (community id, user id) pair that has any."""
        return {}


def badge_versions(community_ids: Iterable[int | None]) -> dict[int, str]:
    """The badge stamp of each community (cache keys of what shows names include it)."""
    wanted = {pk for pk in community_ids if pk is not None}
    if not wanted:
        return {}
    return answer(MemberBadges).versions(wanted)


def attach_badges(
    rows: Iterable[Any],
    *,
    community_of: Callable[[Any], int | None],
    user_of: Callable[[Any], int | None],
    attribute: str = "author_badges",
) -> None:
    """Set `row.<attribute>` to the badges of the row's person in the row's community (an empty
    tuple when none): one question to the socket for all the rows."""
    listed = list(rows)
    pairs: dict[int, Pair | None] = {}
    for row in listed:
        community_id, user_id = community_of(row), user_of(row)
        pairs[id(row)] = (
            (community_id, user_id) if community_id is not None and user_id is not None else None
        )
    wanted = {pair for pair in pairs.values() if pair is not None}
    found = answer(MemberBadges).badges_of(wanted) if wanted else {}
    for row in listed:
        pair = pairs[id(row)]
        setattr(row, attribute, found.get(pair, ()) if pair is not None else ())
