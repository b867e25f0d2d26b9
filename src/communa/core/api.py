"""Kernel endpoints: health."""

from django.http import HttpRequest
from ninja import Router, Schema, Status

from communa import __version__
from communa.core.selectors import database_health, worker_health

router = Router(tags=["health"])


class DatabaseHealth(Schema):
    ok: bool
    vendor: str
    error: str | None = None


class WorkerHealth(Schema):
    seen_recently: bool
    last_seen_at: str | None
    window_seconds: int


class Health(Schema):
    status: str
    version: str
    database: DatabaseHealth
    worker: WorkerHealth


@router.get("/health", auth=None, response={200: Health, 503: Health})
def health(request: HttpRequest) -> Status:
    """Whether the database answers and a worker has been seen recently."""
    database = database_health()
    worker = worker_health()
    if not database["ok"]:
        status = "down"
    elif not worker["seen_recently"]:
        status = "degraded"
    else:
        status = "ok"
    body = {"status": status, "version": __version__, "database": database, "worker": worker}
    return Status(200 if database["ok"] else 503, body)
