"""Planner API: calendar."""
