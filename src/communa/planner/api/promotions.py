"""Planner API: promotions."""
