"""Engagement's pages: members take part, the team runs them from the manage area."""

from communa.engagement.views import polls  # noqa: F401
