"""The scale-out profile holds across processes: two app servers (`communa serve`) and two
workers (`communa worker` on RQ) against one PostgreSQL database and one Redis, driven over HTTP.

A session made on app A works on app B; a rate limit counts the hits on A and on B together;
likes taken by both apps at once keep an exact count; reach counts one viewer once whichever app
showed the posts; a due lifecycle runs exactly once with two workers; tasks enqueued anywhere are
run once by one of the workers. PostgreSQL only (SQLite is one machine's file); skipped when no
Redis answers at COMMUNA_TEST_REDIS_URL.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus

from communa.accounts.actions import create_access_token
from communa.communities.actions import request_ownership_transfer
from communa.communities.models import Membership, OwnershipTransfer, Role, TransferState
from communa.core.models import AuditEntry, WorkerHeartbeat
from communa.core.tasks import ping
from communa.walls.actions.posts import create_post
from communa.walls.models import Like, Post
from tests.factories import PASSWORD, add_member, crowd, make_community, person
from tests.support import TEST_REDIS_URL, database_url_for_subprocess, redis_or_skip, run_together

pytestmark = [
    pytest.mark.slow,
    # Four server processes at a time are enough for this machine: never two clusters at once.
    pytest.mark.xdist_group("scale-out"),
    pytest.mark.django_db(transaction=True),
]

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
START_SECONDS = 120
WAIT_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Answer:
    status: int
    headers: Any
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def cookie(self, name: str) -> str:
        for header in self.headers.get_all("Set-Cookie") or []:
            key, _, rest = header.partition("=")
            if key.strip() == name:
                return rest.split(";", 1)[0]
        raise AssertionError(f"no {name} cookie in {self.headers}")


def call(
    url: str,
    method: str = "GET",
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """One HTTP request to a server of this test; errors are answers too."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("User-Agent", BROWSER)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def wait_until(condition: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS) -> None:
    """Poll until the condition holds (the workers act on their own clock), failing past a
    deadline; no fixed sleep stands in for the condition."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@dataclass
class Cluster:
    """Two app servers and two workers sharing one database and one Redis."""

    a: str
    b: str
    cache_prefix: str  # also the name of this cluster's own task queue
    processes: list[tuple[str, subprocess.Popen[bytes], Path]] = field(default_factory=list)

    def logs(self) -> str:
        return "\n".join(
            f"--- {name} ---\n{log.read_text(errors='replace')[-3000:]}"
            for name, _p, log in self.processes
        )


def _start(name: str, argv: list[str], env: dict[str, str], tmp: Path) -> tuple[Any, ...]:
    log = tmp / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "communa", *argv],
            env={**env, "COMMUNA_VAR_DIR": str(tmp / name)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # RQ forks a process per task: stop the whole group
        )
    return name, process, log


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Cluster]:
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("several machines share PostgreSQL; SQLite is one machine's file")
        database_url = database_url_for_subprocess()
    redis_or_skip()
    tmp = tmp_path_factory.mktemp("scale-out")
    prefix = f"scale-{uuid.uuid4().hex[:12]}"  # this run's own cache keys and task queue
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMUNA_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "COMMUNA_DATABASE_URL": database_url,
            "COMMUNA_REDIS_URL": TEST_REDIS_URL,
            "COMMUNA_TASKS_BACKEND": "rq",
            "COMMUNA_TASKS_QUEUES": prefix,
            # Every machine of one site shares the secret key; each has its own var directory.
            "COMMUNA_SECRET_KEY": secrets.token_urlsafe(50),
            "COMMUNA_CACHE_KEY_PREFIX": prefix,
            # All requests come from 127.0.0.1: only the per-account log-in limit is under test.
            "COMMUNA_LOGIN_ATTEMPTS_PER_IP": "100000",
            # Fixed windows of a day: one boundary, at midnight UTC (see `before_a_boundary`).
            "COMMUNA_LOGIN_WINDOW_SECONDS": str(LOGIN_WINDOW),
            # Test accounts are minutes old; the stricter limits of new accounts are not tested.
            "COMMUNA_NEW_ACCOUNT_HOURS": "0",
            "COMMUNA_LIFECYCLE_SECONDS": "1",
            "COMMUNA_WORKER_HEARTBEAT_SECONDS": "1",
        }
    )
    ports = [free_port(), free_port()]
    started = Cluster(
        a=f"http://127.0.0.1:{ports[0]}", b=f"http://127.0.0.1:{ports[1]}", cache_prefix=prefix
    )
    try:
        for name, port in zip(["app-a", "app-b"], ports, strict=True):
            argv = ["serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--quiet"]
            started.processes.append(_start(name, [*argv, "--skip-collectstatic"], env, tmp))
        for name in ["worker-1", "worker-2"]:
            argv = ["worker", "--queue", "*", "--verbosity", "1"]
            started.processes.append(_start(name, argv, env, tmp))
        deadline = time.monotonic() + START_SECONDS
        for base in [started.a, started.b]:
            while True:
                for name, process, _log in started.processes:
                    assert process.poll() is None, f"{name} exited\n{started.logs()}"
                try:
                    if call(base + "/api/health").status == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, f"{base} did not start\n{started.logs()}"
                time.sleep(0.3)
        yield started
    finally:
        for _name, process, _log in started.processes:
            _stop(process)
        client = redis_or_skip()
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.srem("rq:queues", f"rq:queue:{prefix}")
        with django_db_blocker.unblock():
            # The stopped workers' last heartbeats must not reach the next test on this database.
            WorkerHeartbeat.objects.all().delete()


def both_workers_alive() -> set[str]:
    """The ids of the two workers, once both have beaten since the last test emptied the tables."""
    recent = WorkerHeartbeat.objects.filter(
        last_seen_at__gte=timezone.now() - timedelta(seconds=30)
    )
    wait_until(lambda: recent.count() >= 2, "two workers' heartbeats")
    return set(recent.values_list("worker_id", flat=True))


def login(base: str, username: str, password: str) -> Answer:
    return call(base + "/api/auth/login", "POST", {"username": username, "password": password})


def test_a_session_made_on_app_a_works_on_app_b(cluster):
    # given a person who logs in on app A
    person("nadia", password=PASSWORD)
    logged_in = login(cluster.a, "nadia", PASSWORD)
    assert logged_in.status == 200
    session = logged_in.cookie("sessionid")

    # when their next request reaches app B
    me = call(cluster.b + "/api/me", headers={"Cookie": f"sessionid={session}"})

    # then B knows them: the session is in Redis (and written through to the database)
    assert me.status == 200
    assert me.json()["username"] == "nadia"
    client = redis_or_skip()
    cached = list(client.scan_iter(f"{cluster.cache_prefix}:*sessions.cached_db*{session}"))
    assert len(cached) == 1
    assert call(cluster.b + "/api/me").status == 401  # and without the cookie, nobody


LOGIN_WINDOW = 86_400


def before_a_boundary(margin: float = 120) -> None:
    """Wait out the end of a fixed window when it is near: a test whose hits straddle two
    windows finds its count started again (a `make test` that passed a boundary failed)."""
    left = LOGIN_WINDOW - time.time() % LOGIN_WINDOW
    if left < margin:
        time.sleep(left + 1)


def test_a_rate_limit_counts_the_hits_on_both_apps_together(cluster):
    # given an account with a limit of 5 failed log-ins per window
    before_a_boundary()
    username = f"rl{uuid.uuid4().hex[:10]}"
    person(username, password=PASSWORD)

    # when 3 wrong passwords go to app A and 2 to app B
    wrong = [login(base, username, "wrong-password") for base in [cluster.a] * 3 + [cluster.b] * 2]

    # then all five are counted as one account's: the next attempt is refused on either app,
    # even with the right password
    assert [answer.status for answer in wrong] == [401] * 5
    refused = [login(base, username, PASSWORD) for base in [cluster.a, cluster.b]]
    assert [answer.status for answer in refused] == [429, 429]
    assert all(int(answer.headers["Retry-After"]) > 0 for answer in refused)
    counters = list(redis_or_skip().scan_iter(f"communa:rl:login-account:{username}:*"))
    assert len(counters) == 1  # one counter in Redis, shared by both apps


def test_a_like_counter_stays_exact_when_both_apps_take_likes_at_once(cluster):
    # given a post and 40 members with API tokens
    owner = person("olga")
    community = make_community(owner, name="Bakers", slug="bakers")
    post = create_post(actor=owner, community=community, data={"body": "Rye or wheat?"})
    members = crowd(40, prefix="liker")
    for member in members:
        add_member(community, member)
    tokens = [create_access_token(actor=m, name="likes")[1] for m in members]

    # when they all like it at once, half through app A and half through app B
    def like(index: int, token: str) -> int:
        base = cluster.a if index % 2 else cluster.b
        answer = call(
            f"{base}/api/posts/{post.pk}/like", "POST", headers={"Authorization": f"Bearer {token}"}
        )
        return answer.status

    results, errors = run_together([lambda i=i, t=t: like(i, t) for i, t in enumerate(tokens)])

    # then each like counted once; and the same when half of them take it back at once
    assert errors == []
    assert sorted(results) == [201] * 40
    post.refresh_from_db()
    assert post.like_count == 40 == Like.objects.filter(post=post).count()

    def unlike(index: int, token: str) -> int:
        base = cluster.a if index % 2 else cluster.b
        headers = {"Authorization": f"Bearer {token}"}
        return call(f"{base}/api/posts/{post.pk}/like", "DELETE", headers=headers).status

    results, errors = run_together(
        [lambda i=i, t=t: unlike(i, t) for i, t in enumerate(tokens[:20])]
    )
    assert errors == []
    assert sorted(results) == [200] * 20
    post.refresh_from_db()
    assert post.like_count == 20 == Like.objects.filter(post=post).count()


def test_reach_counts_one_viewer_once_whichever_app_showed_the_posts(cluster):
    # given a public wall with three posts
    owner = person("lena")
    community = make_community(owner, name="Gardeners", slug="gardeners")
    posts = [
        create_post(actor=owner, community=community, data={"body": f"Tip {n}"}) for n in range(3)
    ]
    ids = [post.pk for post in posts]
    member = add_member(community, person("ivan", password=PASSWORD))
    session = login(cluster.b, member.username, PASSWORD).cookie("sessionid")
    visitor = f"communa_vid={uuid.uuid4().hex}"
    viewers = [visitor, f"sessionid={session}"]

    # when a visitor and a member each open the wall 6 times on each app, all at once
    def view(base: str, cookie: str) -> int:
        return call(base + "/c/gardeners/wall/", headers={"Cookie": cookie}).status

    calls = [
        lambda base=base, cookie=cookie: view(base, cookie)
        for base in [cluster.a, cluster.b]
        for cookie in viewers
        for _ in range(6)
    ]
    results, errors = run_together(calls)
    assert errors == []
    assert results == [200] * 24

    # then (once the impressions are in, however they are batched) each post was shown 24
    # times to exactly two viewers
    def counted() -> list[tuple[int, int]]:
        return list(Post.objects.filter(pk__in=ids).values_list("impression_count", "reach_count"))

    wait_until(lambda: all(shown == 24 for shown, _reach in counted()), "24 impressions a post")
    assert counted() == [(24, 2)] * 3
    assert member.pk != owner.pk  # the owner, who posted, is no viewer here


def test_a_due_lifecycle_runs_exactly_once_with_two_workers(cluster):
    # given both workers alive, and ten handovers of ownership that fall due at the same moment
    both_workers_alive()
    handovers = []
    for n in range(10):
        owner = person(f"owner{n}")
        community = make_community(owner, name=f"Club {n}", slug=f"club-{n}")
        heir = add_member(community, person(f"heir{n}"))
        handovers.append(
            (
                community,
                heir,
                request_ownership_transfer(actor=owner, community=community, to_user=heir),
            )
        )
    ids = [transfer.pk for _c, _h, transfer in handovers]
    OwnershipTransfer.objects.filter(pk__in=ids).update(
        effective_at=timezone.now() - timedelta(minutes=1)
    )

    # when the two workers' lifecycle runners race for them
    wait_until(
        lambda: (
            not OwnershipTransfer.objects.filter(pk__in=ids, state=TransferState.PENDING).exists()
        ),
        "the handovers to complete",
    )

    # then each was carried out once: completed, one audit entry, one owner, the heir
    assert set(OwnershipTransfer.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        TransferState.COMPLETED
    }
    completed = AuditEntry.objects.filter(action="ownership.complete")
    assert sorted(int(pk) for pk in completed.values_list("target_id", flat=True)) == sorted(ids)
    for community, heir, _transfer in handovers:
        owners = Membership.objects.filter(community=community, role=Role.OWNER)
        assert list(owners.values_list("user_id", flat=True)) == [heir.pk]


def test_tasks_enqueued_here_run_once_on_one_of_the_two_workers(cluster, settings):
    # given twenty tasks on RQ in the shared Redis, enqueued by a third process (this one)
    settings.REDIS_URL = settings.TASKS_REDIS_URL = TEST_REDIS_URL
    queue = cluster.cache_prefix
    settings.RQ_QUEUES = {"default": {"URL": TEST_REDIS_URL}, queue: {"URL": TEST_REDIS_URL}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", queue]}
    }
    results = [ping.using(queue_name=queue).enqueue(f"task {n}") for n in range(20)]

    # when the workers take them
    def all_done() -> bool:
        for result in results:
            result.refresh()
        return all(result.status == TaskResultStatus.SUCCESSFUL for result in results)

    wait_until(all_done, "the tasks to run")

    # then each ran once, with its own result, on one of the cluster's workers
    workers = both_workers_alive()
    assert [result.return_value for result in results] == [f"pong: task {n}" for n in range(20)]
    for result in results:
        assert len(result.worker_ids) == 1
        assert result.worker_ids[0] in workers
