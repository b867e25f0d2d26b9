"""A publishing process that kills itself (SIGKILL, no clean-up) at a chosen point of a run.

Run by tests/walls/test_publishing.py as `python -m tests.walls.publish_until_killed <stage>`
with the test's database in the environment. Stages: `claimed` (the batch is claimed and
committed, nothing published), `publishing` (the publishing step's writes are done, not
committed).
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

from communa.walls.actions import publishing  # noqa: E402


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(stage: str) -> int:
    if stage == "claimed":
        # The claim is committed; the process dies before it publishes anything.
        publishing.publish_claimed_posts = lambda **_kwargs: die()  # type: ignore[assignment,misc]
    else:
        # The history rows are written twice a batch: by the claim, then by the publishing
        # step; the process dies after the second, before its transaction commits.
        real_bulk = publishing.PostTransition.objects.bulk_create
        calls = []

        def bulk_then_die(*args, **kwargs):  # type: ignore[no-untyped-def]
            real_bulk(*args, **kwargs)
            calls.append(1)
            if len(calls) == 2:
                die()

        publishing.PostTransition.objects.bulk_create = bulk_then_die  # type: ignore[method-assign]
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid if connection.vendor == "postgresql" else 0
    print(backend, flush=True)
    publishing.publish_due_posts()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
