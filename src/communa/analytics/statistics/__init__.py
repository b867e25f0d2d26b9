"""The statistics front doors (R9.2, R9.3): the dashboard, the post table and the printable
report, as pages and as API routes, all reading `analytics.metrics`."""
