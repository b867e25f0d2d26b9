"""Template tags of the walls app."""
