"""Analytics query functions: one function per metric of docs/metrics.md.

Pages, the API, CSV exports and reports all read through these, never through raw tables, so
every surface shows the same number and the store can move behind them.
"""
