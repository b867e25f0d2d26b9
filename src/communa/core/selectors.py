"""Reads of the shared kernel: the health of the database and of the workers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import DatabaseError, connection
from django.utils import timezone

from communa.core.conf import int_setting
from communa.core.models import WorkerHeartbeat


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
