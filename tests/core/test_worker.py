"""A task enqueued in this process is done by a separate `communa worker` process: from the
database queue, or from RQ in Redis (COMMUNA_TASKS_BACKEND=rq)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus

from communa.core.models import WorkerHeartbeat
from communa.core.tasks import ping
from tests.support import TEST_REDIS_URL, redis_or_skip, run_worker_batch


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_task_enqueued_here_is_done_by_a_worker_process(tmp_path):
    # given a task waiting in the database queue
    result = ping.enqueue("hello")
    assert result.status == TaskResultStatus.READY

    # when a worker process runs what is queued
    run_worker_batch(tmp_path)

    # then the task is done, with its return value, and the worker was seen
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "pong: hello"
    assert WorkerHeartbeat.objects.count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_task_enqueued_on_rq_is_done_by_a_worker_process_on_redis(tmp_path, settings):
    # given tasks on RQ in the real Redis, on a queue of this test's own: one now, one deferred
    # to a moment that has come
    client = redis_or_skip()
    queue = f"test-{uuid.uuid4().hex}"
    settings.REDIS_URL = settings.TASKS_REDIS_URL = TEST_REDIS_URL
    settings.RQ_QUEUES = {"default": {"URL": TEST_REDIS_URL}, queue: {"URL": TEST_REDIS_URL}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", queue]}
    }
    now = ping.using(queue_name=queue).enqueue("over redis")
    later = ping.using(queue_name=queue, run_after=timezone.now() - timedelta(seconds=1)).enqueue(
        "deferred"
    )
    assert now.status == later.status == TaskResultStatus.READY

    # when `communa worker` runs with the RQ backend on that queue until it is empty
    env = {
        "COMMUNA_TASKS_BACKEND": "rq",
        "COMMUNA_REDIS_URL": TEST_REDIS_URL,
        "COMMUNA_TASKS_QUEUES": queue,
    }
    run_worker_batch(tmp_path, env, ("--queue", queue))

    # then both are done by that process, their results readable here, and it kept its heartbeat
    now.refresh()
    later.refresh()
    assert (now.status, now.return_value) == (TaskResultStatus.SUCCESSFUL, "pong: over redis")
    assert (later.status, later.return_value) == (TaskResultStatus.SUCCESSFUL, "pong: deferred")
    heartbeat = WorkerHeartbeat.objects.get()
    assert now.worker_ids == [heartbeat.worker_id]
    client.srem("rq:queues", f"rq:queue:{queue}")
