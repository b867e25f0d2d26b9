"""The cursor that statements written once run on (`core.rows`, `core.writes`).

On PostgreSQL it binds its parameters on the server, so that the driver prepares a statement
after `PREPARE_AFTER` uses on a connection and PostgreSQL keeps its plan: planning cost more than
running for most of these statements (a visitor's wall rows took 0.41 ms to plan and 0.12 ms to
run). The ORM's own statements keep binding on the client (Django's default), where nothing is
prepared.

Each connection keeps one such cursor and runs every statement written once on it. A new driver
cursor and Django's wrapper around it cost about 20 µs a statement, as much as a select's own
work in the driver, and a comment runs eight of them (docs/performance.md). The kept cursor
does what Django's wrapper does for these statements: it refuses to run in a transaction an
error has broken, and raises the database's errors as the ORM's (`IntegrityError`, ...).

While queries are being recorded (debug, a test counting them), or while something wraps the
connection's statements (`connection.execute_wrapper`), the statements go through Django's
cursor, binding on the client: the driver then records them with their values, which a
server-bound statement does not show (it records `$1`). In a block sent together (psycopg's
pipeline mode) each statement gets a cursor of its own, whose result is read at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings

# Executions of one statement on a connection before PostgreSQL keeps its plan: a statement
# whose shape changes with its arguments (an IN list) is not prepared for a single use.
PREPARE_AFTER = 2

# Where a connection (Django's wrapper) keeps its cursor.
_KEPT = "_communa_kept_cursor"


class KeptCursor:
    """A connection's server-binding cursor, run again for each statement: a context manager
    that leaves it open, as the next statement uses it."""

    __slots__ = ("cursor", "db")

    def __init__(self, cursor: Any, db: Any) -> None:
        self.cursor = cursor
        self.db = db

    def __enter__(self) -> KeptCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def close(self) -> None:
        """Nothing to do: the cursor stays for the connection's next statement."""

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        self.db.validate_no_broken_transaction()
        with self.db.wrap_database_errors:
            return self.cursor.execute(sql, params)

    def fetchone(self) -> Any:
        with self.db.wrap_database_errors:
            return self.cursor.fetchone()

    def fetchall(self) -> list[Any]:
        with self.db.wrap_database_errors:
            return self.cursor.fetchall()

    @property
    def rowcount(self) -> int:
        return int(self.cursor.rowcount)

    @property
    def description(self) -> Any:
        return self.cursor.description


class OwnCursor(KeptCursor):
    """A server-binding cursor of one statement's own (its result is read after others ran):
    closed when its caller is done with it."""

    __slots__ = ()

    def __exit__(self, *exc: object) -> None:
        self.cursor.close()

    def close(self) -> None:
        self.cursor.close()


def statement_cursor(connection: Any, *, fresh: bool = False) -> Any:
    """The cursor for a statement written once on `connection` (Django's wrapper); `fresh`: one
    of its own, which the caller closes (a result read after other statements ran)."""
    if (
        connection.vendor != "postgresql"
        or connection.queries_logged
        or connection.execute_wrappers
        or not settings.COMMUNA.get("DATABASE_PREPARED_STATEMENTS", True)
    ):
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    connection.validate_thread_sharing()
    if fresh or getattr(raw, "_pipeline", None) is not None:  # psycopg's pipeline mode
        import psycopg

        _prepare(raw)
        return OwnCursor(psycopg.Cursor(raw), connection)
    kept: KeptCursor | None = connection.__dict__.get(_KEPT)
    if kept is None or kept.cursor.connection is not raw or kept.cursor.closed:
        import psycopg

        _prepare(raw)
        kept = KeptCursor(psycopg.Cursor(raw), connection)
        connection.__dict__[_KEPT] = kept
    return kept


def _prepare(raw: Any) -> None:
    if raw.prepare_threshold is None:  # Django leaves the connection's statements unprepared
        raw.prepare_threshold = PREPARE_AFTER
