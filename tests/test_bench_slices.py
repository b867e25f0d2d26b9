"""`make bench-http` measures a scenario in slices: their latencies merge into the scenario's."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

SLICES_PY = Path(__file__).resolve().parents[1] / "bench" / "http" / "slices.py"
_spec = importlib.util.spec_from_file_location("bench_slices", SLICES_PY)
assert _spec is not None
assert _spec.loader is not None
slices = importlib.util.module_from_spec(_spec)
sys.modules["bench_slices"] = slices  # its dataclasses look their module up
_spec.loader.exec_module(slices)


def wrk_like(latencies_us: list[int]):
    """What a sliced script prints for these latencies: wrk's percentiles in steps of 0.1 %."""
    ordered = sorted(latencies_us)
    lines = [f"counter 0 {len(ordered)}", "counter 1 3"]
    for tenth in range(1, 1001):
        rank = max(1, -(-tenth * len(ordered) // 1000))  # the smallest value at this share
        lines.append(f"latency {tenth / 10:.1f} {ordered[rank - 1]}")
    return slices.parse("\n".join(lines))


def exact(latencies_us: list[int], percent: float) -> float:
    ordered = sorted(latencies_us)
    rank = max(1, -(-int(percent * 10) * len(ordered) // 1000))
    return ordered[rank - 1] / 1000


def test_the_slices_percentiles_are_those_of_all_their_requests():
    rng = random.Random(7)
    # Three slices of one scenario on a machine whose speed drifts: fast, slow, in between.
    runs = [
        [int(rng.lognormvariate(9.2, 0.3)) for _ in range(4000)],
        [int(rng.lognormvariate(9.9, 0.4)) for _ in range(2500)],
        [int(rng.lognormvariate(9.5, 0.3)) for _ in range(3300)],
    ]
    parts = [(len(run), wrk_like(run)) for run in runs]
    everything = [value for run in runs for value in run]
    for percent in (50, 90, 99):
        merged = slices.merged_percentile(parts, percent)
        # Known to 0.1 % of each slice's requests: within a few ranks of the exact value.
        ordered = sorted(everything)
        low = ordered[int(len(ordered) * (percent - 0.2) / 100)] / 1000
        high = ordered[min(len(ordered) - 1, int(len(ordered) * (percent + 0.2) / 100))] / 1000
        assert low <= merged <= high, (percent, merged, exact(everything, percent))
    # Neither a mean of the slices' own percentiles nor the worst of them.
    p99s = [exact(run, 99) for run in runs]
    assert slices.merged_percentile(parts, 99) != max(p99s)


def test_a_slice_goes_on_from_the_request_its_last_one_stopped_at():
    parsed = slices.parse("status 409: 2\ncounter 1 1187\ncounter 0 1200\nlatency 50.0 9000")
    # Each thread goes on from its own number (a thread's members are its own).
    assert parsed.next_counters == [1200, 1187]
    assert parsed.latencies == [(50.0, 9000.0)]
