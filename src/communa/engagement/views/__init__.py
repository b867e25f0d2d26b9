"""Engagement's pages: members take part, the team runs them from the manage area."""

from communa.engagement.views.contests import (  # noqa: F401
    contest,
    contest_enter,
    contest_vote,
    contests,
    manage_contest,
    manage_contest_announce,
    manage_contest_correct,
    manage_contest_delete,
    manage_contest_delivered,
    manage_contests,
)
