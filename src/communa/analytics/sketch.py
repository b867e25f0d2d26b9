"""A mergeable count of distinct viewers: exact for small sets, HyperLogLog beyond.

Unique reach over a period cannot be summed from daily counts (a person seen on two days is one
person), and keeping every viewer of every day for every period query would scan as much as the
raw events. So each (community, day, platform) keeps a sketch that merges:

- up to `EXACT_LIMIT` viewers it is the exact set of their 64-bit hashes, so small communities
  get exact reach (a collision of two keys' 64-bit hashes is negligible);
- beyond, it is a HyperLogLog of 2^16 registers (one byte each), read with Ertl's improved
  estimator ("New cardinality estimation algorithms for HyperLogLog sketches", 2017), which
  needs no bias tables: a standard error of 1.04 / 256 ≈ 0.41 %, so 1 % is about 2.5 standard
  errors.

Stored zlib-compressed: a first byte says which form follows.
"""

from __future__ import annotations

import hashlib
import math
import zlib
from collections.abc import Iterable

import numpy as np

PRECISION = 16
REGISTERS = 1 << PRECISION
# Hash bits left for the rank once PRECISION bits chose the register.
_RANK_BITS = 64 - PRECISION
EXACT_LIMIT = 4096
_EXACT, _DENSE = b"E", b"H"


def hash_viewer(key: str) -> int:
    """A viewer key's 64-bit hash (stable across processes and machines)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")


class ReachSketch:
    """The distinct viewers of one or more (community, day, platform) cells."""

    __slots__ = ("exact", "registers")

    def __init__(self) -> None:
        self.exact: set[int] | None = set()
        self.registers: np.ndarray | None = None

    # -- building -------------------------------------------------------------------------
    def add_hashes(self, hashes: Iterable[int]) -> None:
        if self.exact is not None:
            self.exact.update(hashes)
            if len(self.exact) > EXACT_LIMIT:
                self._to_dense()
            return
        self._add_dense(np.fromiter(hashes, dtype=np.uint64))

    def add(self, keys: Iterable[str]) -> None:
        self.add_hashes(hash_viewer(key) for key in keys)

    def merge(self, other: ReachSketch) -> None:
        if other.exact is not None:
            self.add_hashes(other.exact)
            return
        registers = self._to_dense()
        np.maximum(registers, other._to_dense(), out=registers)

    def _to_dense(self) -> np.ndarray:
        """The registers, made from the exact set first if the sketch is still exact."""
        if self.registers is None:
            hashes = np.fromiter(self.exact or (), dtype=np.uint64)
            self.exact = None
            self.registers = np.zeros(REGISTERS, dtype=np.uint8)
            self._add_dense(hashes)
        return self.registers

    def _add_dense(self, hashes: np.ndarray) -> None:
        if not hashes.size:
            return
        registers = self._to_dense()
        index = (hashes >> np.uint64(_RANK_BITS)).astype(np.int64)
        rest = hashes & np.uint64((1 << _RANK_BITS) - 1)
        # The rank: 1 + the leading zeros of the remaining bits (their bit length from the top).
        lengths = np.zeros(hashes.size, dtype=np.int64)
        nonzero = rest > 0
        lengths[nonzero] = np.floor(np.log2(rest[nonzero].astype(np.float64))).astype(np.int64) + 1
        ranks = (_RANK_BITS - lengths + 1).astype(np.uint8)
        np.maximum.at(registers, index, ranks)

    # -- reading --------------------------------------------------------------------------
    def count(self) -> int:
        """The number of distinct viewers: exact below `EXACT_LIMIT`, estimated above."""
        if self.exact is not None:
            return len(self.exact)
        histogram = np.bincount(self._to_dense(), minlength=_RANK_BITS + 2).astype(np.float64)
        m = float(REGISTERS)
        z = m * _tau(1.0 - histogram[_RANK_BITS + 1] / m)
        for k in range(_RANK_BITS, 0, -1):
            z = 0.5 * (z + histogram[k])
        z += m * _sigma(histogram[0] / m)
        return round(m * m / (2.0 * math.log(2)) / z)

    # -- storing --------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        if self.exact is not None:
            body = np.array(sorted(self.exact), dtype=">u8").tobytes()
            return _EXACT + zlib.compress(body)
        return _DENSE + zlib.compress(self._to_dense().tobytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> ReachSketch:
        sketch = cls()
        if not data:
            return sketch
        kind, body = data[:1], zlib.decompress(data[1:])
        if kind == _EXACT:
            sketch.exact = {int(h) for h in np.frombuffer(body, dtype=">u8")}
        else:
            sketch.exact = None
            sketch.registers = np.frombuffer(body, dtype=np.uint8).copy()
        return sketch


def merged(blobs: Iterable[bytes]) -> ReachSketch:
    """One sketch of the union of stored sketches."""
    total = ReachSketch()
    for blob in blobs:
        total.merge(ReachSketch.from_bytes(blob))
    return total


def _sigma(x: float) -> float:
    if x == 1.0:
        return math.inf
    y, z = 1.0, x
    while True:
        x *= x
        previous = z
        z += x * y
        y += y
        if z == previous:
            return z


def _tau(x: float) -> float:
    if x in (0.0, 1.0):
        return 0.0
    y, z = 1.0, 1.0 - x
    while True:
        x = math.sqrt(x)
        previous = z
        y *= 0.5
        z -= (1.0 - x) ** 2 * y
        if z == previous:
            return z / 3.0
