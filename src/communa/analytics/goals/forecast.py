"""Where a goal's metric is heading: an ordinary least-squares line through its daily series,
projected to the deadline, with a 95 % prediction interval (docs/metrics.md, "KPI goals").

For days x₀…xₙ₋₁ (counted from the goal's start) and values y: slope b = Σ(x−x̄)(y−ȳ) / Σ(x−x̄)²,
intercept a = ȳ − b·x̄, residual standard error s = √(Σ(y − a − b·x)² / (n − 2)); at the deadline
day x_D the forecast is a + b·x_D ± 1.96 · s · √(1 + 1/n + (x_D − x̄)² / Σ(x−x̄)²).

A sum is fitted on its running total, so the line's slope is the daily rate; the days of a running
total are not independent, so the interval is a guide to the spread, not an exact 95 %.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

Z_95: Final = 1.96


@dataclass(frozen=True)
class Trend:
    """A fitted line and its projection to day `at` with the interval around it."""

    slope: float
    intercept: float
    points: int
    residual_error: float
    at: int
    projected: float
    low: float
    high: float
    mean_x: float
    sxx: float

    def band_at(self, x: float) -> tuple[float, float, float]:
        """The line and the interval around it on day `x`."""
        centre = self.intercept + self.slope * x
        half = (
            Z_95
            * self.residual_error
            * math.sqrt(1 + 1 / self.points + (x - self.mean_x) ** 2 / self.sxx)
        )
        return centre, centre - half, centre + half


def fit(points: list[tuple[int, Decimal]], at: int) -> Trend | None:
    """The least-squares line through (day, value) points projected to day `at`; None with fewer
    than two distinct days."""
    n = len(points)
    if n < 2:
        return None
    xs = [float(x) for x, _y in points]
    ys = [float(y) for _x, y in points]
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = mean_y - slope * mean_x
    squares = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    error = math.sqrt(squares / (n - 2)) if n > 2 else 0.0
    trend = Trend(slope, intercept, n, error, at, 0.0, 0.0, 0.0, mean_x, sxx)
    projected, low, high = trend.band_at(at)
    return Trend(slope, intercept, n, error, at, projected, low, high, mean_x, sxx)
