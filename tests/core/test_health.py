"""/api/health reports the database and whether a worker has been seen recently."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communa.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def heartbeat(age: timedelta) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w1", started_at=now - age, last_seen_at=now - age)


def test_health_without_a_worker_is_degraded(api):
    response = api.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}
    assert body["worker"]["seen_recently"] is False
    assert body["worker"]["last_seen_at"] is None


def test_health_with_a_recent_worker_is_ok(api):
    heartbeat(timedelta(seconds=5))
    body = api.get("/health").json()
    assert body["status"] == "ok"
    assert body["worker"]["seen_recently"] is True


def test_health_with_a_stale_worker_is_degraded(api, settings):
    heartbeat(timedelta(seconds=settings.COMMUNA["WORKER_SEEN_SECONDS"] + 5))
    body = api.get("/health").json()
    assert body["worker"]["seen_recently"] is False
    assert body["worker"]["last_seen_at"] is not None
