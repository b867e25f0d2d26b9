"""The one set of test helpers that are not data: clients, the API error shape, other processes.

Data builders (people, communities, relations) live in tests/factories.py; fixtures in
tests/conftest.py. This module holds no tests of its own.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis
from django.db import connection
from django.test import Client

from communa.accounts.models import User


def client_of(user: User | None = None) -> Client:
    """A fresh web client, logged in as `user` (anonymous when None)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


class Api:
    """Thin JSON helper around the test client."""

    def __init__(self, client: Client, token: str | None = None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, body: Any = None, **extra: Any):
        kwargs: dict[str, Any] = {"headers": {**self.headers, **extra.pop("headers", {})}, **extra}
        if body is not None:
            kwargs["data"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
            kwargs["content_type"] = kwargs.get("content_type", "application/json")
        return getattr(self.client, method)(f"/api{path}", **kwargs)

    def get(self, path: str, **kw: Any):
        return self.call("get", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any):
        return self.call("post", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any):
        return self.call("patch", path, body, **kw)

    def delete(self, path: str, **kw: Any):
        return self.call("delete", path, **kw)


def api_as(user: User | None) -> Api:
    """The API through a fresh client, logged in as `user` (anonymous when None)."""
    return Api(client_of(user))


def error_of(response) -> dict[str, Any]:
    """The `error` object of an API answer, checking the one shape every error has."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"]
    return body["error"]


def database_url_for_subprocess() -> str:
    """The URL of the database this test runs on, for a worker or demo started by the test.

    Under pytest-xdist each worker has its own test database (a `_gwN` suffix), so a process
    started by one worker's test never sees another worker's rows.
    """
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def run_worker_batch(
    var_dir: Path | str, env: dict[str, str] | None = None, args: tuple[str, ...] = ()
) -> None:
    """Run `communa worker --batch` in a separate process against the test database (`env`
    adds or changes COMMUNA_* variables, e.g. to run the RQ worker; `args` adds options)."""
    env = {
        **os.environ,
        "COMMUNA_DATABASE_URL": database_url_for_subprocess(),
        "COMMUNA_VAR_DIR": str(var_dir),
        **(env or {}),
    }
    done = subprocess.run(
        [sys.executable, "-m", "communa", "worker", "--batch", "--verbosity", "0", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


# The Redis the tests may use (CI sets its own database number; .ci/run starts the server).
TEST_REDIS_URL = os.environ.get("COMMUNA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip(url: str = TEST_REDIS_URL) -> redis.Redis:
    """A client of the test Redis; the test is skipped when no Redis answers there."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis does not answer at {url}: {exc}")
    return client


def run_together(calls: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Run each call in its own thread, all released at once; collect results and errors.

    Each thread has its own database connection, so the database's constraints and locks (not
    Python) decide who wins.
    """
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            result = call()
        except BaseException as exc:  # noqa: BLE001 - every failure is reported to the test
            with lock:
                errors.append(exc)
        else:
            with lock:
                results.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results, errors


# -- pages kept whole for visitors (core.fragments) ------------------------------------------------

# A reader's CSRF token in a page: a form's hidden field, htmx's header on the body.
TOKENS = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([^"]+)"')


def without_tokens(html: str) -> str:
    """The page with every reader's token replaced by the same word, to compare two readers'."""
    return TOKENS.sub(r"\1TOKEN", html)


def page_text(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def fresh_page(settings: Any, path: str) -> str:
    """The page as a visitor gets it with nothing kept (no card, no thread, no page), tokens
    replaced."""
    saved = settings.COMMUNA
    settings.COMMUNA = {**saved, "CARD_CACHE_SECONDS": 0}
    try:
        return without_tokens(page_text(Client(), path))
    finally:
        settings.COMMUNA = saved


def record_kept_renders(monkeypatch: Any, module: Any) -> list[str | None]:
    """The key each page `module.render_page` rendered was to be kept under (None: not kept),
    in order; a page taken as kept is not in the list."""
    calls: list[str | None] = []
    original = module.render_page

    def counted(request: Any, key: str | None, template: str, context: Any, **kwargs: Any) -> Any:
        calls.append(key)
        return original(request, key, template, context, **kwargs)

    monkeypatch.setattr(module, "render_page", counted)
    return calls


def calls_of(monkeypatch: Any, owner: Any, name: str) -> list[int]:
    """A list that grows by one at each call of `owner.name` (a selector, counted as it runs)."""
    calls: list[int] = []
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls
