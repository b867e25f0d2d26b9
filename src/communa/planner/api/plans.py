"""Planner API: plans."""
