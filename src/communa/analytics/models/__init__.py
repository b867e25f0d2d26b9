"""Analytics' tables: raw events and viewers (append-only), rollups kept by the worker,
watched pages for benchmarks, KPI goals and reported conversions."""

from communa.analytics.models.benchmarks import (
    ActivityImport,
    ImportedPerson,
    ImportFormat,
    WatchedPage,
    WatchedPost,
)
from communa.analytics.models.events import (
    AppliedImpressionBatch,
    Event,
    ImpressionBuffer,
    PostViewer,
    ShownPosts,
)
from communa.analytics.models.goals import Goal, GoalStatus, GoalType
from communa.analytics.models.negative import NegativeComment
from communa.analytics.models.reports import MonthlyReport
from communa.analytics.models.rollups import (
    CommunityDay,
    JoinDay,
    MemberDay,
    PostDay,
    PostFacts,
    ReachSpan,
    RollupState,
)
from communa.analytics.models.sales import Conversion, ConversionKey
from communa.core.events import EventKind, Platform

__all__ = [
    "ActivityImport",
    "AppliedImpressionBatch",
    "CommunityDay",
    "Conversion",
    "ConversionKey",
    "Event",
    "EventKind",
    "Goal",
    "GoalStatus",
    "GoalType",
    "ImportFormat",
    "ImportedPerson",
    "ImpressionBuffer",
    "JoinDay",
    "MemberDay",
    "MonthlyReport",
    "NegativeComment",
    "Platform",
    "PostDay",
    "PostFacts",
    "PostViewer",
    "ReachSpan",
    "RollupState",
    "ShownPosts",
    "WatchedPage",
    "WatchedPost",
]
