"""The moderation queue (R5.3): what waits (`items`), the decisions (`decisions`), the figures."""

from communa.moderation.queue.decisions import (
    BulkResult,
    DecisionInput,
    decide,
    decide_many,
)
from communa.moderation.queue.items import (
    DECISIONS,
    DESTRUCTIVE,
    KIND_LABELS,
    REASONS,
    Decision,
    ItemKind,
    QueueItem,
    QueuePage,
    decisions_for,
    item_for,
    queue_page,
    summary_of,
)
from communa.moderation.queue.stats import ModerationStats, ModeratorFigures, moderation_stats

__all__ = [
    "DECISIONS",
    "DESTRUCTIVE",
    "KIND_LABELS",
    "REASONS",
    "BulkResult",
    "Decision",
    "DecisionInput",
    "ItemKind",
    "ModerationStats",
    "ModeratorFigures",
    "QueueItem",
    "QueuePage",
    "decide",
    "decide_many",
    "decisions_for",
    "item_for",
    "moderation_stats",
    "queue_page",
    "summary_of",
]
