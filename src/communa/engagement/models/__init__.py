"""Engagement's rows, one module per feature."""

from communa.engagement.models.contests import (  # noqa: F401
    Contest,
    ContestCorrection,
    ContestEntry,
    ContestKind,
    ContestState,
    ContestVote,
    ContestWinner,
    CorrectableField,
    DrawSource,
    VoteScope,
)
