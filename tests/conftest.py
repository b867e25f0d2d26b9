"""Shared fixtures: clients, users, and a clean slate around every test.

The suite runs in random order (pytest-randomly) and in parallel (pytest-xdist), so nothing one
test leaves behind in this process may reach the next: the active language and time zone, the
caches and the caches derived from settings are reset before and after each test, and uploads go
to the test's own directory. Helpers live in tests/support.py, builders in tests/factories.py.
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.signals import setting_changed
from django.test import Client
from django.utils import timezone, translation

from communa.core import kept, ratelimit
from tests.factories import PASSWORD, person
from tests.support import (  # noqa: F401 - kept importable from here for older branches
    Api,
    database_url_for_subprocess,
    error_of,
    run_worker_batch,
)

# Functions that cache something read from settings: forgotten between tests and whenever a test
# changes a setting, so that the next call reads the settings in force.
SETTINGS_DERIVED_CACHES = (ratelimit.default_store,)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "real_rate_limits: keep the shipped hourly write limits (R5.5) in this test"
    )
    config.addinivalue_line(
        "markers", "real_spam_checks: keep the shipped repeat and burst checks (R5.1) in this test"
    )
    config.addinivalue_line(
        "markers", "settling: keep the rollups' settle time (analytics/rollups.py) in this test"
    )


def _forget_settings_derived_caches(**_kwargs: object) -> None:
    for cached in SETTINGS_DERIVED_CACHES:
        cached.cache_clear()


setting_changed.connect(_forget_settings_derived_caches, dispatch_uid="tests-settings-caches")


def _clean_slate() -> None:
    translation.deactivate()
    timezone.deactivate()
    for cache in caches.all():
        cache.clear()
    # HTML kept in this process under keys that name rows (a community's id and address): a
    # later test's rows may have the same ids, and must not find an earlier test's.
    kept.forget_all()
    _forget_settings_derived_caches()


@pytest.fixture(autouse=True)
def _reset_language_time_zone_and_caches():
    """Each test starts in the default language and time zone, with empty caches, and leaves
    them so (a page in Malay must not make the next test's messages Malay)."""
    _clean_slate()
    yield
    _clean_slate()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads go to this test's own directory: parallel workers and later tests never see them."""
    settings.MEDIA_ROOT = tmp_path / "media"


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
def _rate_limit_windows_hold_still(monkeypatch):
    """The write limits count in fixed windows of the wall clock (core.ratelimit): a test that
    runs across a window's edge (an hour's turn, for the sign-up and write limits) would see its
    counters start again halfway. Within a test the limits' clock stays at the moment the test
    began; tests about windows moving on set the clock themselves."""
    moment = ratelimit._clock()
    monkeypatch.setattr(ratelimit, "_clock", lambda: moment)


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
    return person("alice", password=PASSWORD, email="alice@example.org", display_name="Alice")


@pytest.fixture
def other_user(db):
    return person("bob", password=PASSWORD, email="bob@example.org", display_name="Bob")


@pytest.fixture
def logged_in(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def csrf_client() -> Client:
    """A client that enforces CSRF like a browser session would."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)
