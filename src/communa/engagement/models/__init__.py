"""Engagement's rows, one module per feature."""

from communa.engagement.models.polls import (  # noqa: F401
    Ballot,
    BallotChoice,
    Poll,
    PollOption,
    PollState,
    ResultsShown,
)
