"""Writes of the walls app, one module per subject: posts, comments, interactions, boards."""
