"""Reads of the shared kernel: the health of each dependency (database, Redis, the task queue,
upload storage) and of the workers.

`health_report()` is what `/api/health` answers. Quick by default, because load balancers and
the benchmarks call it all the time: the database's two selects and at most one Redis round trip
(a pipelined PING, plus the task queue's length when the queue lives on that Redis). `deep=True`
(`/api/health/dependencies`) also reaches the things that cost more: a task queue on another
Redis, the number of RQ workers, the database queue's length, and a probe file written to and
deleted from upload storage.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from datetime import timedelta
from functools import cache
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.utils import timezone

from communa.core.conf import int_setting
from communa.core.events import pending_impressions
from communa.core.models import WorkerHeartbeat

# RQ keeps the waiting jobs of a queue in a list under this prefix (rq.Queue.key).
RQ_QUEUE_KEY_PREFIX = "rq:queue:"
# A probe of the upload storage (a write to a bucket, perhaps) is reused this long.
STORAGE_PROBE_SECONDS = 30
STORAGE_PROBE_CACHE_KEY = "communa:health:storage-probe"


def database_health() -> dict[str, Any]:
    """Whether the database answers a query, and which engine it is."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def worker_health() -> dict[str, Any]:
    """Whether any worker has sent a heartbeat within COMMUNA_WORKER_SEEN_SECONDS."""
    window = int_setting("WORKER_SEEN_SECONDS")
    try:
        last = (
            WorkerHeartbeat.objects.order_by("-last_seen_at")
            .values_list("last_seen_at", flat=True)
            .first()
        )
    except DatabaseError:
        last = None
    seen = last is not None and last >= timezone.now() - timedelta(seconds=window)
    return {
        "seen_recently": seen,
        "last_seen_at": last.isoformat() if last else None,
        "window_seconds": window,
    }


@cache
def _redis_client(url: str) -> redis.Redis:
    # Short timeouts: a health check must answer "down", not hang with the Redis it checks.
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _redis_round_trip(url: str, queues: Sequence[str] = ()) -> dict[str, Any]:
    """PING, and the length of each RQ queue, in one pipelined round trip."""
    client = _redis_client(url)
    try:
        if not queues:
            client.ping()
            return {"ok": True, "queued": None}
        pipe = client.pipeline(transaction=False)
        pipe.ping()
        for name in queues:
            pipe.llen(RQ_QUEUE_KEY_PREFIX + name)
        _pong, *lengths = pipe.execute()
    except redis.RedisError as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "queued": sum(int(length) for length in lengths)}


def _rq_workers(url: str, queues: Sequence[str]) -> int | None:
    """How many RQ workers listen on these queues (RQ registers each one in Redis)."""
    from rq import Queue, Worker

    client = _redis_client(url)
    try:
        keys: set[str] = set()
        for name in queues:
            keys |= set(Worker.all_keys(queue=Queue(name, connection=client)))
    except redis.RedisError:
        return None
    return len(keys)


def _database_queue_length() -> int | None:
    """Tasks waiting in the database queue (django-tasks-db)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        return DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    except DatabaseError:
        return None


def task_backend_name() -> str:
    """`database`, `rq`, or the dotted path of another django-tasks backend."""
    backend = str(settings.TASKS["default"]["BACKEND"])
    names = {path: name for name, path in settings.TASKS_BACKENDS.items()}
    return names.get(backend, backend)


def storage_backend_name() -> str:
    """`filesystem`, `s3`, or the dotted path of another storage class for uploads."""
    backend = str(settings.STORAGES["default"]["BACKEND"])
    names = {
        "django.core.files.storage.FileSystemStorage": "filesystem",
        "storages.backends.s3.S3Storage": "s3",
    }
    return names.get(backend, backend)


def storage_probe() -> dict[str, Any]:
    """Write a small file to upload storage and delete it again; reused STORAGE_PROBE_SECONDS."""
    try:
        found = django_cache.get(STORAGE_PROBE_CACHE_KEY)
    except redis.RedisError:
        found = None  # the cache's Redis is down: the report says so under `redis`
    if found is not None:
        return dict(found)
    try:
        name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        default_storage.delete(name)
        result: dict[str, Any] = {"ok": True}
    except Exception as exc:  # noqa: BLE001 - any storage failure (OS, network, S3) is "not ok"
        result = {"ok": False, "error": exc.__class__.__name__}
    with contextlib.suppress(redis.RedisError):
        django_cache.set(STORAGE_PROBE_CACHE_KEY, result, STORAGE_PROBE_SECONDS)
    return result


def _pending_impressions() -> int | None:
    """Page views waiting for the worker; None when the buffer cannot be read now."""
    try:
        return pending_impressions()
    except (DatabaseError, redis.RedisError):
        return None


def health_report(*, deep: bool = False) -> tuple[bool, dict[str, Any]]:
    """Each dependency's health and the overall status; the flag says whether the site can serve.

    `down` (cannot serve) when the database or a configured Redis does not answer; `degraded`
    when no worker was seen recently or upload storage refuses a write; else `ok`.
    """
    database = database_health()
    worker = worker_health()
    redis_url = settings.REDIS_URL
    tasks_backend = task_backend_name()
    tasks_url = settings.TASKS_REDIS_URL if tasks_backend == "rq" else ""
    queues = list(settings.TASKS["default"].get("QUEUES") or ["default"])

    redis_part: dict[str, Any] = {"configured": bool(redis_url), "ok": None}
    tasks: dict[str, Any] = {"backend": tasks_backend, "ok": None, "queued": None, "workers": None}
    if redis_url:
        answer = _redis_round_trip(redis_url, queues if tasks_url == redis_url else ())
        redis_part.update(ok=answer["ok"], error=answer.get("error"))
        if tasks_url == redis_url:
            tasks.update(ok=answer["ok"], queued=answer.get("queued"))
    if tasks_url and (deep or not redis_url) and tasks["ok"] is None:
        # The queue on a Redis of its own: one round trip when no other Redis was asked.
        answer = _redis_round_trip(tasks_url, queues)
        tasks.update(ok=answer["ok"], queued=answer.get("queued"), error=answer.get("error"))
    if deep and tasks_url and tasks["ok"]:
        tasks["workers"] = _rq_workers(tasks_url, queues)
    if deep and tasks_backend == "database":
        tasks["queued"] = _database_queue_length()
        tasks["ok"] = tasks["queued"] is not None

    storage: dict[str, Any] = {"backend": storage_backend_name(), "ok": None}
    if deep:
        storage.update(storage_probe())
    impressions: dict[str, Any] = {
        "mode": settings.COMMUNA["IMPRESSIONS_MODE"],
        "pending": None,
    }
    if deep and impressions["mode"] == "buffered":
        impressions["pending"] = _pending_impressions()

    serving = database["ok"] and redis_part["ok"] is not False and tasks["ok"] is not False
    if not serving:
        status = "down"
    elif not worker["seen_recently"] or storage["ok"] is False:
        status = "degraded"
    else:
        status = "ok"
    return serving, {
        "status": status,
        "database": database,
        "redis": redis_part,
        "tasks": tasks,
        "storage": storage,
        "impressions": impressions,
        "worker": worker,
    }
