"""The draw anyone can verify (R6.2): a commitment published before entries close, then the
seed, the frozen ordered entries and the winners, computed by the algorithm below.

Pure Python, no Django: docs/contest-draws.md repeats these few lines so that any member can run
them on the published inputs and get the same winners.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable


def new_seed() -> str:
    """A secret random seed: 32 random bytes as 64 hexadecimal characters."""
    return secrets.token_hex(32)


def commitment_of(seed: str) -> str:
    """What is published before the draw: the SHA-256 of the seed, in hexadecimal."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def ordered_entries(names: Iterable[str]) -> list[str]:
    """The entries in the published order: each name once, sorted by its lower-case form
    (then by the name itself, so the order never depends on how the rows were read)."""
    return sorted(set(names), key=lambda name: (name.casefold(), name))


def pick_winners(seed: str, entries: list[str], winners: int) -> list[str]:
    """The winners, in order: for the i-th pick, the SHA-256 of "seed:i:" followed by every
    entry joined by new lines, read as a number, modulo the entries still in the draw, is the
    position of the winner among them; the winner leaves the draw before the next pick."""
    joined = "\n".join(entries)
    remaining = list(entries)
    picked: list[str] = []
    for i in range(min(winners, len(remaining))):
        digest = hashlib.sha256(f"{seed}:{i}:{joined}".encode()).hexdigest()
        picked.append(remaining.pop(int(digest, 16) % len(remaining)))
    return picked


# The same algorithm as a script any member can run on the answer of
# GET /api/contests/<id>/draw (docs/contest-draws.md shows it; a test runs it from there).
VERIFY_SCRIPT = """\
import hashlib, json, sys

draw = json.load(sys.stdin)  # the answer of GET /api/contests/<id>/draw
seed, entries, k = draw["seed"], draw["entries"], draw["winners_count"]
assert hashlib.sha256(seed.encode()).hexdigest() == draw["commitment"], "not the committed seed"
assert entries == sorted(set(entries), key=lambda n: (n.casefold(), n)), "entries out of order"
joined = "\\n".join(entries)
remaining = list(entries)
winners = []
for i in range(min(k, len(remaining))):
    digest = hashlib.sha256(f"{seed}:{i}:{joined}".encode()).hexdigest()
    winners.append(remaining.pop(int(digest, 16) % len(remaining)))
print("\\n".join(winners))
"""
