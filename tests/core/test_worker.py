"""A task enqueued in this process is done by a separate `communa worker` process."""

import os
import subprocess
import sys

import pytest
from django_tasks import TaskResultStatus

from communa.core.models import WorkerHeartbeat
from communa.core.tasks import ping
from tests.conftest import database_url_for_subprocess


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_task_enqueued_here_is_done_by_a_worker_process(tmp_path):
    # given a task waiting in the database queue
    result = ping.enqueue("hello")
    assert result.status == TaskResultStatus.READY

    # when a worker process runs what is queued
    env = {
        **os.environ,
        "COMMUNA_DATABASE_URL": database_url_for_subprocess(),
        "COMMUNA_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "communa", "worker", "--batch", "--verbosity", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    # then the task is done, with its return value, and the worker was seen
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "pong: hello"
    assert WorkerHeartbeat.objects.count() == 1
