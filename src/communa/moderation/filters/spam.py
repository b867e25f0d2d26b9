"""Spam that needs the author's history: the same text again, and bursts from new accounts.

`TextHistory` is what the engine asks of the database. It is bound to one author (and to the
scope the caller chooses: a community, or the whole site), so the engine stays pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Protocol, runtime_checkable

from communa.moderation.filters.normalise import fingerprint

__all__ = ["TextHistory", "is_near_duplicate", "shingles", "similarity"]

SHINGLE = 4


@runtime_checkable
class TextHistory(Protocol):
    """The author's recent writing and account, as the caller's storage knows them."""

    def recent_texts(self, within: timedelta) -> Sequence[str]:
        """Texts the author submitted within this time before now (newest first is fine)."""
        ...

    def recent_count(self, within: timedelta) -> int:
        """How many texts the author submitted within this time before now."""
        ...

    def account_age_hours(self) -> float | None:
        """Hours since the author's account was made; None when unknown."""
        ...


def shingles(text: str) -> frozenset[str]:
    """The overlapping 4-character pieces of a text's fingerprint (the whole of a shorter one)."""
    reduced = fingerprint(text)
    if len(reduced) <= SHINGLE:
        return frozenset((reduced,)) if reduced else frozenset()
    return frozenset(reduced[i : i + SHINGLE] for i in range(len(reduced) - SHINGLE + 1))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def is_near_duplicate(
    text: str, earlier: Iterable[str], *, threshold: float, min_chars: int
) -> float:
    """The highest similarity of the text to an earlier one if it reaches the threshold, else 0.

    Texts shorter than `min_chars` once reduced ("Thanks!") are never repeats.
    """
    if len(fingerprint(text)) < min_chars:
        return 0.0
    mine = shingles(text)
    best = 0.0
    for other in earlier:
        score = similarity(mine, shingles(other))
        best = max(best, score)
    return best if best >= threshold else 0.0
