"""A scenario measured in slices, each between two measures of the floor (`make bench-http`).

This shared machine's speed drifts within a run by more than the differences measured: one run
saw /api/health at 622 requests/s just before the commenting scenario and at 857 just after it.
A scenario measured once, between one floor before and one after, takes its share against
whatever the machine did meanwhile. Measured in BENCH_SLICES slices with the floor before each
and after the last (floor, slice, floor, slice, ... floor), each slice's share is taken against
the floors on either side of it, close in time.

The slices of a scenario are one measurement: each wrk run goes on from the request its last
one stopped at (the scripts number their requests, and the write scenarios choose the member,
the text and like or unlike by that number), so no slice repeats another's likes or comments.
The scenario's figures are those of all its requests: requests per second over the slices'
time, and p50 and p99 from the slices' latency distributions merged (each printed to 0.1 %).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

# wrk's Lua: where each thread's request numbers start (the arguments after `--`, one for each
# thread: a thread takes every member of its own, so each goes on from its own last number), and
# at the end each thread's next number and the latency distribution in steps of 0.1 %.
LUA_SLICE = """
function init(args)
  local start = args[thread_index + 1]
  if start then counter = tonumber(start) end
end
"""

LUA_SLICE_DONE = """
  for _, thread in ipairs(__threads) do
    io.write(string.format("counter %d %d\\n", thread:get("thread_index"), thread:get("counter")))
  end
  for tenth = 1, 1000 do
    io.write(string.format("latency %.1f %d\\n", tenth / 10, latency:percentile(tenth / 10)))
  end
"""


@dataclass
class Slice:
    """What one wrk run of a slice reported besides its summary."""

    # each thread's next request number, in the order of the threads: where the next slice starts
    next_counters: list[int] = field(default_factory=list)
    # (percentile, microseconds), percentile from 0.1 to 100 in steps of 0.1
    latencies: list[tuple[float, float]] = field(default_factory=list)


def parse(output: str) -> Slice:
    """The counters and the latency distribution a sliced script printed."""
    counters = {
        int(parts[1]): int(parts[2])
        for parts in (line.split() for line in output.splitlines() if line.startswith("counter "))
    }
    latencies = [
        (float(parts[1]), float(parts[2]))
        for parts in (line.split() for line in output.splitlines() if line.startswith("latency "))
    ]
    return Slice([counters[index] for index in sorted(counters)], latencies)


def merged_percentile(parts: Sequence[tuple[int, Slice]], percent: float) -> float:
    """The latency (ms) below which `percent` of all the slices' requests (count, slice) fell.

    Each slice's distribution is known to 0.1 %: a value v is at or above the share of a
    slice's requests the highest printed percentile whose latency is at most v says."""
    total = sum(count for count, _ in parts)
    tables = [
        (count, [p for p, _ in s.latencies], [v for _, v in s.latencies])
        for count, s in parts
        if s.latencies
    ]
    if not total or not tables:
        return 0.0
    wanted = percent / 100 * total
    for value in sorted({v for _count, _ps, values in tables for v in values}):
        below = 0.0
        for count, percents, values in tables:
            index = bisect_right(values, value)
            below += count * (percents[index - 1] / 100 if index else 0.0)
        if below >= wanted - 1e-9:
            return value / 1000
    return tables[-1][2][-1] / 1000
