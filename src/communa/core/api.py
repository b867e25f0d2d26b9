"""Kernel endpoints: health, quick (`/api/health`) and deep (`/api/health/dependencies`)."""

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from communa import __version__
from communa.core.selectors import health_report

router = Router(tags=["health"])


class DatabaseHealth(Schema):
    ok: bool
    vendor: str
    error: str | None = None


class RedisHealth(Schema):
    configured: bool
    ok: bool | None = None
    error: str | None = None


class TasksHealth(Schema):
    backend: str
    ok: bool | None = None
    queued: int | None = None
    workers: int | None = None
    error: str | None = None


class StorageHealth(Schema):
    backend: str
    ok: bool | None = None
    error: str | None = None


class ImpressionsHealth(Schema):
    """How impressions are recorded; `pending`: page views the worker has yet to write (deep)."""

    mode: Literal["direct", "buffered"]
    pending: int | None = None


class WorkerHealth(Schema):
    seen_recently: bool
    last_seen_at: str | None
    window_seconds: int


class Health(Schema):
    """Each dependency's health; `ok: null` means it was not checked by this request."""

    status: Literal["ok", "degraded", "down"]
    version: str
    database: DatabaseHealth
    redis: RedisHealth
    tasks: TasksHealth
    storage: StorageHealth
    impressions: ImpressionsHealth
    worker: WorkerHealth


ANSWERS = {
    200: "`ok`, or `degraded`: no worker has reported within `worker.window_seconds`, or upload "
    "storage refused a write. The site serves.",
    503: "`down`: the database, the Redis of `COMMUNA_REDIS_URL` or the task queue's Redis does "
    "not answer. Take this process out of the load balancer.",
}
RESPONSES = {"responses": {status: {"description": text} for status, text in ANSWERS.items()}}


def _answer(*, deep: bool) -> Status:
    serving, report = health_report(deep=deep)
    return Status(200 if serving else 503, {**report, "version": __version__})


@router.get("/health", auth=None, response={200: Health, 503: Health}, openapi_extra=RESPONSES)
def health(request: HttpRequest) -> Status:
    """Quick: the database, Redis (one round trip), the task queue's length when it is on that
    Redis, the worker heartbeat; storage and other queues are named, not reached."""
    return _answer(deep=False)


@router.get(
    "/health/dependencies",
    auth=None,
    response={200: Health, 503: Health},
    openapi_extra=RESPONSES,
)
def health_of_dependencies(request: HttpRequest) -> Status:
    """Deep: also the task queue wherever it is (length, RQ workers), a probe file written to
    and deleted from upload storage (at most every 30 seconds per process), and the page views
    whose impressions the worker has yet to write (buffered mode)."""
    return _answer(deep=True)
