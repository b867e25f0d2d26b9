"""`communa worker`: runs the task queue's worker (django-tasks' database worker, or RQ's when
COMMUNA_TASKS_BACKEND=rq) with a heartbeat beside it that also runs due lifecycles."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import datetime

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.utils import timezone

from communa.core.conf import int_setting
from communa.core.events import flush_impressions
from communa.core.lifecycle import prompt_intervals, run_due_lifecycles, run_prompt_lifecycles
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


def _prompt_loop(every: str, stop: threading.Event) -> None:
    """Call the prompt runners of one interval (scheduled publishing) until stopped."""
    interval = int_setting(every)
    try:
        while True:
            try:
                run_prompt_lifecycles(every)
            except Exception:
                # The claims of a failed run run out and are taken over: nothing is lost.
                logger.warning("prompt lifecycle %s failed", every, exc_info=True)
            if stop.wait(interval):
                return
    finally:
        connection.close()


def _start_prompt_runners(stop: threading.Event) -> list[threading.Thread]:
    threads = []
    for every in sorted(prompt_intervals()):
        thread = threading.Thread(target=_prompt_loop, args=(every, stop), daemon=True)
        thread.start()
        threads.append(thread)
    return threads


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
        run_prompt_lifecycles()
        flush_impressions()
    stop = threading.Event()
    heart = threading.Thread(target=_heartbeat_loop, args=(worker_id, stop), daemon=True)
    heart.start()
    flusher = _start_impressions_flush(stop)
    prompt = _start_prompt_runners(stop)
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
        if task_queue_is_rq():
            run_rq_worker(
                queue_name=queue_name,
                batch=batch,
                max_tasks=max_tasks,
                worker_id=worker_id,
                verbosity=verbosity,
            )
        else:
            call_command("db_worker", **options)
    finally:
        stop.set()
        heart.join(timeout=5)
        flusher.join(timeout=30)
        for thread in prompt:
            thread.join(timeout=30)


def task_queue_is_rq() -> bool:
    """Whether tasks go through RQ (COMMUNA_TASKS_BACKEND=rq) rather than the database."""
    return bool(settings.TASKS["default"]["BACKEND"] == settings.TASKS_BACKENDS["rq"])


def run_rq_worker(
    *, queue_name: str, batch: bool, max_tasks: int | None, worker_id: str, verbosity: int
) -> None:
    """Run RQ's worker on the queues in Redis until stopped (or, with `batch`, until empty).

    django-rq's `rqworker` closes this thread's database connections before RQ forks a process
    for each task, so no task shares a connection with another; RQ's own scheduler runs tasks
    deferred with `run_after`. SIGINT or SIGTERM let the current task finish first.
    """
    if queue_name == "*":
        queues = list(settings.RQ_QUEUES)
    else:
        queues = [name.strip() for name in queue_name.split(",") if name.strip()]
    options: dict[str, object] = {
        "job_class": "django_tasks_rq.Job",
        "burst": batch,
        "with_scheduler": True,
        "name": worker_id,
        "verbosity": verbosity,
    }
    if max_tasks:
        options["max_jobs"] = max_tasks
    call_command("rqworker", *queues, **options)
