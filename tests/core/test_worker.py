"""A task enqueued in this process is done by a separate `communa worker` process."""

import pytest
from django_tasks import TaskResultStatus

from communa.core.models import WorkerHeartbeat
from communa.core.tasks import ping
from tests.support import run_worker_batch


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
