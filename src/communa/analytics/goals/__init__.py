"""KPI goals (R9.8): goals of five types with a metric, a target and a deadline; their progress,
a forecast from the trend, and a warning when the deadline will be missed."""
