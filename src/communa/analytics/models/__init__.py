"""Analytics' tables: raw events and viewers (append-only), rollups kept by the worker,
watched pages for benchmarks, KPI goals and reported conversions."""

from communa.analytics.models.events import (
    AppliedImpressionBatch,
    Event,
    ImpressionBuffer,
    PostViewer,
)
from communa.analytics.models.negative import NegativeComment
from communa.analytics.models.rollups import (
    CommunityDay,
    JoinDay,
    MemberDay,
    PostDay,
    PostFacts,
    ReachDay,
    RollupState,
)
from communa.core.events import EventKind, Platform

__all__ = [
    "AppliedImpressionBatch",
    "CommunityDay",
    "Event",
    "EventKind",
    "ImpressionBuffer",
    "JoinDay",
    "MemberDay",
    "NegativeComment",
    "Platform",
    "PostDay",
    "PostFacts",
    "PostViewer",
    "ReachDay",
    "RollupState",
]
