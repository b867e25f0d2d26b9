"""Engagement's pages: members take part, the team runs them from the manage area."""
