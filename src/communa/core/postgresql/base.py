"""Django's PostgreSQL backend, reading `timestamptz` columns with psycopg's compiled loader.

Django registers a loader of its own for `timestamptz` (a Python subclass of psycopg's, which
sets the zone it is configured with): every date and time of every row goes through Python,
3.3 µs each against 0.16 µs for psycopg's compiled loader. A wall page reads about 65 of them
(docs/performance.md). When the connection's zone is UTC, which Django sets it to whenever
`USE_TZ` is on and the database has no `TIME_ZONE` of its own, the compiled loader gives the same
values (aware, in `datetime.timezone.utc`), so this backend registers it on each new connection.
Otherwise, or without psycopg's compiled package, it is Django's backend unchanged.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import BaseTzLoader

try:
    from psycopg_binary._psycopg import (  # type: ignore[attr-defined]
        TimestamptzLoader as CompiledTimestamptzLoader,
    )
except ImportError:  # pragma: no cover — psycopg[binary] is a dependency; without it, Django's
    CompiledTimestamptzLoader = None


class _UtcLoader(BaseTzLoader):
    """Django's loader for UTC: what its named-cursor path expects to find on the connection."""

    timezone = UTC


class DatabaseWrapper(base.DatabaseWrapper):
    def compiled_timestamps(self) -> bool:
        """Whether this connection reads timestamps with psycopg's compiled loader."""
        return (
            CompiledTimestamptzLoader is not None
            and self.timezone is UTC
            and self.timezone_name == "UTC"
        )

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        if self.compiled_timestamps():
            connection.adapters.register_loader("timestamptz", CompiledTimestamptzLoader)
        return connection

    def create_cursor(self, name: str | None = None) -> Any:
        if not self.compiled_timestamps():
            return super().create_cursor(name)
        if name is None:
            # Django's own path would compare the loader's zone with the connection's, which
            # the compiled loader does not carry: the connection's zone is UTC, as it needs.
            return self.connection.cursor()
        # A named (server-side) cursor: Django's path, shown its own loader for the comparison,
        # then the compiled loader again for the rows.
        adapters = self.connection.adapters
        adapters.register_loader("timestamptz", _UtcLoader)
        try:
            return super().create_cursor(name)
        finally:
            adapters.register_loader("timestamptz", CompiledTimestamptzLoader)
