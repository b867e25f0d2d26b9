"""/api/health reports each dependency: the database, Redis, the task queue, upload storage and
whether a worker has been seen recently; /api/health/dependencies reaches the costly ones too."""

import uuid
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from communa.core import selectors
from communa.core.models import WorkerHeartbeat
from communa.core.tasks import ping
from tests.factories import make_community
from tests.support import TEST_REDIS_URL, redis_or_skip
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

NOTHING_LISTENS = "redis://127.0.0.1:1/0"
RQ = "django_tasks_rq.RQBackend"


def heartbeat(age: timedelta) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w1", started_at=now - age, last_seen_at=now - age)


@pytest.fixture
def rq_queue(settings):
    """Tasks on RQ in the test Redis, on a queue of this test's own (emptied afterwards)."""
    client = redis_or_skip()
    name = f"test-{uuid.uuid4().hex}"
    settings.REDIS_URL = settings.TASKS_REDIS_URL = TEST_REDIS_URL
    settings.RQ_QUEUES = {"default": {"URL": TEST_REDIS_URL}, name: {"URL": TEST_REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": RQ, "QUEUES": [name]}}
    yield name
    client.delete(selectors.RQ_QUEUE_KEY_PREFIX + name)
    client.srem("rq:queues", selectors.RQ_QUEUE_KEY_PREFIX + name)
    for key in client.scan_iter("rq:job:*"):
        if client.hget(key, "origin") == name.encode():
            client.delete(key)


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


def test_quick_health_names_the_queue_and_storage_without_reaching_them(
    api, settings, django_assert_num_queries
):
    # given the default profile: no Redis, tasks in the database, uploads on the file system
    settings.REDIS_URL = ""

    # when the quick health is asked: the benchmark floor, so two selects and nothing more
    with django_assert_num_queries(2):
        body = api.get("/health").json()

    # then each dependency is named, and what was not checked says null
    assert body["redis"] == {"configured": False, "ok": None, "error": None}
    assert body["tasks"]["backend"] == "database"
    assert body["tasks"]["ok"] is None
    assert body["storage"] == {"backend": "filesystem", "ok": None, "error": None}


def test_health_pings_a_configured_redis(api, settings):
    redis_or_skip()
    settings.REDIS_URL = TEST_REDIS_URL
    heartbeat(timedelta(seconds=1))
    response = api.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["redis"] == {"configured": True, "ok": True, "error": None}


def test_health_is_503_when_the_configured_redis_is_down(api, settings):
    # given a Redis URL where nothing listens (a worker is alive, the database answers)
    settings.REDIS_URL = NOTHING_LISTENS
    heartbeat(timedelta(seconds=1))

    # when the load balancer asks
    response = api.get("/health")

    # then this process is out: it cannot count rate limits or read sessions
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["redis"]["ok"] is False
    assert body["redis"]["error"] == "ConnectionError"
    assert body["database"]["ok"] is True


def test_quick_health_counts_the_rq_queue_in_the_same_single_redis_round_trip(
    api, rq_queue, monkeypatch
):
    # given two tasks waiting on RQ, on the Redis of COMMUNA_REDIS_URL
    ping.using(queue_name=rq_queue).enqueue("one")
    ping.using(queue_name=rq_queue).enqueue("two")
    round_trips: list[str] = []
    real_execute = redis.client.Pipeline.execute
    real_command = redis.Redis.execute_command

    def count_pipeline(pipe, *args, **kwargs):
        round_trips.append("pipeline")
        return real_execute(pipe, *args, **kwargs)

    def count_command(client, *args, **kwargs):
        round_trips.append(str(args[0]))
        return real_command(client, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", count_pipeline)
    monkeypatch.setattr(redis.Redis, "execute_command", count_command)

    # when the quick health is asked
    body = api.get("/health").json()

    # then one round trip told both that Redis answers and how long the queue is
    assert round_trips == ["pipeline"]
    assert body["redis"]["ok"] is True
    assert body["tasks"] == {
        "backend": "rq",
        "ok": True,
        "queued": 2,
        "workers": None,
        "error": None,
    }


def test_deep_health_reaches_a_task_queue_on_its_own_redis(api, settings):
    # given the queue on a Redis of its own that is down, the cache's Redis up
    redis_or_skip()
    settings.REDIS_URL = TEST_REDIS_URL
    settings.TASKS_REDIS_URL = NOTHING_LISTENS
    settings.TASKS = {"default": {"BACKEND": RQ, "QUEUES": ["default"]}}
    heartbeat(timedelta(seconds=1))

    # when both checks are asked
    quick = api.get("/health")
    deep = api.get("/health/dependencies")

    # then the quick one did not go that far; the deep one did and says the site cannot serve
    assert quick.status_code == 200
    assert quick.json()["tasks"]["ok"] is None
    assert deep.status_code == 503
    assert deep.json()["status"] == "down"
    assert deep.json()["tasks"]["ok"] is False
    assert deep.json()["tasks"]["error"] == "ConnectionError"


def test_deep_health_counts_rq_workers(api, rq_queue):
    body = api.get("/health/dependencies").json()
    assert body["tasks"]["ok"] is True
    assert body["tasks"]["queued"] == 0
    assert body["tasks"]["workers"] == 0


def test_deep_health_counts_the_database_queue(api):
    # given a task waiting in the database queue
    ping.enqueue("waiting")

    # when the deep check is asked
    body = api.get("/health/dependencies").json()

    # then it counts it
    assert body["tasks"] == {
        "backend": "database",
        "ok": True,
        "queued": 1,
        "workers": None,
        "error": None,
    }


def test_deep_health_writes_and_deletes_a_probe_file_in_upload_storage(api, settings):
    heartbeat(timedelta(seconds=1))
    body = api.get("/health/dependencies").json()
    assert body["storage"] == {"backend": "filesystem", "ok": True, "error": None}
    assert body["status"] == "ok"
    assert list((settings.MEDIA_ROOT / "health").iterdir()) == []


def test_deep_health_is_degraded_when_upload_storage_refuses_a_write(api, settings, tmp_path):
    # given uploads under a path that is a file, so nothing can be written there
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    settings.MEDIA_ROOT = blocked
    heartbeat(timedelta(seconds=1))

    # when the deep check is asked
    response = api.get("/health/dependencies")

    # then the site still serves, degraded, and says where
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["storage"]["ok"] is False
    assert body["storage"]["error"]


def test_health_answers_are_documented_with_their_statuses(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ["/api/health", "/api/health/dependencies"]:
        responses = paths[path]["get"]["responses"]
        assert set(responses) == {"200", "503"}
        assert "degraded" in responses["200"]["description"]
        assert "down" in responses["503"]["description"]


def test_deep_health_counts_the_page_views_waiting_for_the_worker(api, client, settings):
    # given buffered impressions on the database buffer and a wall a visitor opened twice
    settings.COMMUNA = {
        **settings.COMMUNA,
        "IMPRESSIONS_MODE": "buffered",
        "IMPRESSIONS_BUFFER": "database",
    }
    community = make_community(slug="buffered")
    make_post(community, body="Seen twice")
    for _ in range(2):
        assert client.get("/c/buffered/wall/", HTTP_HX_REQUEST="true").status_code == 200

    # when the operator asks, quickly and deeply
    quick = api.get("/health").json()["impressions"]
    deep = api.get("/health/dependencies").json()["impressions"]

    # then the deep answer counts the two page views; the quick one does not look
    assert quick == {"mode": "buffered", "pending": None}
    assert deep == {"mode": "buffered", "pending": 2}


def test_health_says_when_impressions_are_written_directly(api):
    assert api.get("/health/dependencies").json()["impressions"] == {
        "mode": "direct",
        "pending": None,
    }
