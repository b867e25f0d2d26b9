"""Shared fixtures: clients, users, and the address other processes use for the test database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from tests.factories import PASSWORD, UserFactory


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "real_rate_limits: keep the shipped hourly write limits (R5.5) in this test"
    )
    config.addinivalue_line(
        "markers", "real_spam_checks: keep the shipped repeat and burst checks (R5.1) in this test"
    )


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    from communa.core.ratelimit import default_store

    default_store.cache_clear()


@pytest.fixture(autouse=True)
def _roomy_write_limits(request, settings):
    """Tests write more in a second than a person does in an hour, all from one address: the
    hourly write limits stay on (every write still counts) but are a thousand times larger.
    Tests marked `real_rate_limits` keep the shipped numbers."""
    if request.node.get_closest_marker("real_rate_limits"):
        return
    settings.COMMUNA = {
        **settings.COMMUNA,
        **{
            name: value * 1000
            for name, value in settings.COMMUNA.items()
            if name.startswith("RATE_") and name.endswith("_PER_HOUR")
        },
    }


@pytest.fixture(autouse=True)
def _quiet_spam_history(request, settings):
    """Test accounts are minutes old and write the same sample texts many times: the checks of
    repeats and new-account bursts would hold them. Those two checks read an empty history here
    (the window is zero) unless the test is marked `real_spam_checks`; every other check runs."""
    if request.node.get_closest_marker("real_spam_checks"):
        return
    settings.COMMUNA = {**settings.COMMUNA, "FILTER_REPEAT_HOURS": 0, "FILTER_BURST_MINUTES": 0}


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory(username="alice", email="alice@example.org", display_name="Alice")


@pytest.fixture
def other_user(db):
    return UserFactory(username="bob", email="bob@example.org", display_name="Bob")


@pytest.fixture
def logged_in(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def csrf_client() -> Client:
    """A client that enforces CSRF like a browser session would."""
    return Client(enforce_csrf_checks=True)


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


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


def database_url_for_subprocess() -> str:
    """The URL of the database this test runs on, for a worker or demo started by the test."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def error_of(response) -> dict[str, Any]:
    """The `error` object of an API answer, checking the one shape every error has."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"]
    return body["error"]


def run_worker_batch(var_dir) -> None:
    """Run `communa worker --batch` in a separate process against the test database."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "COMMUNA_DATABASE_URL": database_url_for_subprocess(),
        "COMMUNA_VAR_DIR": str(var_dir),
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
