"""A flushing process that kills itself (SIGKILL, no clean-up) at a chosen point of a flush.

Run by tests/analytics/test_buffered_impressions.py as
`python -m tests.analytics.flush_until_killed <stage>` with the test's database and buffer in
the environment. Stages: `claimed` (the batch is taken, nothing written), `written` (the writes
are done, not committed), `acknowledging` (committed for Redis, the buffer not yet told).
It prints its database backend's id first, so the test can wait for the database to let go.
"""

from __future__ import annotations

import os
import signal
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communa.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from communa.analytics import impressions  # noqa: E402


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(stage: str) -> int:
    real_write = impressions.write_batch

    def write_then_maybe_die(views):  # type: ignore[no-untyped-def]
        if stage == "claimed":
            die()
        written = real_write(views)
        if stage == "written":
            die()
        return written

    def acknowledge_never(*_args: object) -> None:
        die()

    impressions.write_batch = write_then_maybe_die
    if stage == "acknowledging":
        impressions.DatabaseBuffer.acknowledge = acknowledge_never  # type: ignore[method-assign]
        impressions.RedisBuffer.acknowledge = acknowledge_never  # type: ignore[method-assign]
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid if connection.vendor == "postgresql" else 0
    print(backend, flush=True)
    impressions.flush_impressions()
    return 3  # not reached when the buffer held anything


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
