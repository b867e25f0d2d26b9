"""Engagement in Django's admin."""
