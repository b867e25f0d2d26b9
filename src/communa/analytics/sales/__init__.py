"""Sales metrics (R9.9): conversion keys, reported conversions, CTR, conversion rate and average
order value per campaign and per post (docs/metrics.md, "Traffic and sales")."""
