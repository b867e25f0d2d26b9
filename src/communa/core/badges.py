"""A member's badges beside their name (R6.3, ADR 0021): the kernel's socket.

Walls and communities show people's names (bylines, comments, discussions, the members list);
engagement gives members titles and badges. Walls must not import engagement (ADR 0019), so the
pages ask here, and engagement plugs its answer in at start-up. Without engagement nobody has a
badge.

One question, answered in one query for a whole page: `badges_of(pairs)`, the badges to show
for (community id, user id) pairs. The app that answers must raise the community's
`badges_version` (communities' `refresh_member_badges`) in the transaction of every change of
what it answers: the cached cards, threads and walls that show names put that version in their
keys (walls/cards.py, ADR 0009), so a badge given or taken back shows at once, and pages ask
only when they render a name, never in a community whose version is still 0.
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
    """Socket: the badges shown beside members' names."""

    def badges_of(self, pairs: Collection[Pair]) -> dict[Pair, tuple[ShownBadge, ...]]:
        """The badges of each (community id, user id) pair that has any."""
        return {}


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
