"""Analytics' tables: raw events and viewers (append-only), rollups kept by the worker,
watched pages for benchmarks, KPI goals and reported conversions."""

from communa.analytics.models.events import (
    AppliedImpressionBatch,
    Event,
    ImpressionBuffer,
    PostViewer,
)
from communa.analytics.models.goals import Goal, GoalStatus, GoalType
from communa.analytics.models.sales import Conversion, ConversionKey
from communa.core.events import EventKind, Platform

__all__ = [
    "AppliedImpressionBatch",
    "Conversion",
    "ConversionKey",
    "Event",
    "EventKind",
    "Goal",
    "GoalStatus",
    "GoalType",
    "ImpressionBuffer",
    "Platform",
    "PostViewer",
]
