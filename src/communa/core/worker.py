"""`communa worker`: runs django-tasks' database worker with a heartbeat beside it."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import datetime

from django.core.management import call_command
from django.db import DatabaseError, connection
from django.utils import timezone

from communa.core.conf import int_setting
from communa.core.events import flush_impressions
from communa.core.lifecycle import run_due_lifecycles
from communa.core.models import WorkerHeartbeat
from communa.core.ratelimit import purge_expired

logger = logging.getLogger(__name__)


def beat(worker_id: str, started_at: datetime) -> None:
    """Record that this worker is alive now."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen_at": timezone.now(),
        },
    )


def _heartbeat_loop(worker_id: str, stop: threading.Event) -> None:
    started_at = timezone.now()
    interval = int_setting("WORKER_HEARTBEAT_SECONDS")
    lifecycle_every = int_setting("LIFECYCLE_SECONDS")
    last_lifecycle = 0.0
    try:
        while True:
            try:
                beat(worker_id, started_at)
                purge_expired()
                if time.monotonic() - last_lifecycle >= lifecycle_every:
                    last_lifecycle = time.monotonic()
                    run_due_lifecycles()
            except DatabaseError:
                # The database may be briefly unavailable; the next beat tries again.
                logger.warning("worker heartbeat failed", exc_info=True)
            if stop.wait(interval):
                return
    finally:
        connection.close()


# -- impressions: the buffer pages append to is flushed on its own thread and interval ---------


def _impressions_flush_loop(stop: threading.Event) -> None:
    """Write buffered impressions every COMMUNA_IMPRESSIONS_FLUSH_SECONDS (analytics answers)."""
    interval = int_setting("IMPRESSIONS_FLUSH_SECONDS")
    try:
        while True:
            try:
                flush_impressions()
            except Exception:
                # Nothing is lost: a batch whose flush failed stays in the buffer or its claim.
                logger.warning("impressions flush failed", exc_info=True)
            if stop.wait(interval):
                return
    finally:
        connection.close()


def _start_impressions_flush(stop: threading.Event) -> threading.Thread:
    flusher = threading.Thread(target=_impressions_flush_loop, args=(stop,), daemon=True)
    flusher.start()
    return flusher


# -- the worker ---------------------------------------------------------------------------------


def run_worker(
    *,
    queue_name: str = "default",
    interval: float = 1.0,
    batch: bool = False,
    max_tasks: int | None = None,
    verbosity: int = 1,
) -> None:
    """Process tasks until stopped (SIGINT/SIGTERM finish the current task first)."""
    worker_id = f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    beat(worker_id, timezone.now())
    if batch:
        run_due_lifecycles()
        flush_impressions()
    stop = threading.Event()
    heart = threading.Thread(target=_heartbeat_loop, args=(worker_id, stop), daemon=True)
    heart.start()
    flusher = _start_impressions_flush(stop)
    options: dict[str, object] = {
        "queue_name": queue_name,
        "interval": interval,
        "batch": batch,
        "reload": False,
        "startup_delay": False,
        "worker_id": worker_id[:64],
        "verbosity": verbosity,
    }
    if max_tasks:
        options["max_tasks"] = max_tasks
    try:
        call_command("db_worker", **options)
    finally:
        stop.set()
        heart.join(timeout=5)
        flusher.join(timeout=30)
