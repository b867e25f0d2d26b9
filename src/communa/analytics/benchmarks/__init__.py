"""Benchmarks (R9.10) and imported activity (R8.5's input).

`parsers` reads exports (nothing written), `actions` writes watched pages and imported events,
`queries` measures the community and its watched pages alike, `api` and `views` are the two
front doors. Definitions: docs/metrics.md, "Benchmarks"; choices: ADR 0016.
"""
