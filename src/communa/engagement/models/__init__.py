"""Engagement's rows, one module per feature."""
