"""Planner API: drafts."""
