"""Rate limits count in a store shared by processes: the database, or the real Redis."""

import os
import uuid

import pytest

from communa.core import ratelimit
from communa.core.errors import RateLimited
from communa.core.text import describe_wait

REDIS_URL = os.environ.get("COMMUNA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_store():
    store = ratelimit.RedisStore(REDIS_URL)
    store.client.ping()  # fails loudly when Redis is not running: these tests need the real one
    return store


def stores():
    return ["database", "redis"]


@pytest.fixture(params=stores())
def store(request, db):
    if request.param == "redis":
        return request.getfixturevalue("redis_store")
    return ratelimit.DatabaseStore()


def test_consume_refuses_past_the_limit_with_retry_after(store):
    limit = ratelimit.Limit(f"test-{uuid.uuid4().hex}", 3, 60)
    for _ in range(3):
        ratelimit.consume(limit, "k", store=store)
    with pytest.raises(RateLimited) as refused:
        ratelimit.consume(limit, "k", store=store)
    assert 1 <= refused.value.retry_after <= 60
    # Other keys are not affected.
    ratelimit.consume(limit, "other", store=store)


def test_check_does_not_count_and_reset_forgets(store):
    limit = ratelimit.Limit(f"test-{uuid.uuid4().hex}", 2, 60)
    ratelimit.check(limit, "k", store=store)
    assert ratelimit.hit(limit, "k", store=store) == 1
    assert ratelimit.hit(limit, "k", store=store) == 2
    with pytest.raises(RateLimited):
        ratelimit.check(limit, "k", store=store)
    ratelimit.reset(limit, "k", store=store)
    ratelimit.check(limit, "k", store=store)


def test_window_start_and_retry_after():
    limit = ratelimit.Limit("x", 1, 900)
    assert limit.window_start(1000.0) == 900
    assert limit.retry_after(1000.0) == 800


@pytest.mark.django_db(transaction=True)
def test_database_counts_from_two_processes_add_up():
    """Two processes hitting the same key concurrently lose no increments."""
    import subprocess
    import sys

    from tests.support import database_url_for_subprocess

    scope = f"test-{uuid.uuid4().hex}"
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='communa.settings'; django.setup();"
        "from communa.core import ratelimit;"
        f"limit = ratelimit.Limit({scope!r}, 10**6, 3600);"
        "[ratelimit.hit(limit, 'shared', store=ratelimit.DatabaseStore()) for _ in range(40)]"
    )
    env = {
        **os.environ,
        "COMMUNA_DATABASE_URL": database_url_for_subprocess(),
        "COMMUNA_RATE_LIMIT_STORE": "database",
    }
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    limit = ratelimit.Limit(scope, 10**6, 3600)
    assert ratelimit.hit(limit, "shared", store=ratelimit.DatabaseStore()) == 81


def test_redis_store_is_used_when_redis_is_configured(settings, redis_store):
    settings.REDIS_URL = REDIS_URL
    settings.COMMUNA = {**settings.COMMUNA, "RATE_LIMIT_STORE": "redis"}
    ratelimit.default_store.cache_clear()
    assert isinstance(ratelimit.default_store(), ratelimit.RedisStore)
    ratelimit.default_store.cache_clear()


def test_expired_database_counters_are_purged(db):
    from datetime import timedelta

    from django.utils import timezone

    from communa.core.models import RateLimitCounter

    now = timezone.now()
    RateLimitCounter.objects.create(
        key="old",
        window_start=now - timedelta(hours=2),
        count=3,
        expires_at=now - timedelta(hours=1),
    )
    RateLimitCounter.objects.create(
        key="new", window_start=now, count=1, expires_at=now + timedelta(hours=1)
    )
    assert ratelimit.purge_expired() == 1
    assert list(RateLimitCounter.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "1 second"),
        (45, "45 seconds"),
        (61, "2 minutes"),
        (900, "15 minutes"),
        (7200, "2 hours"),
    ],
)
def test_waits_are_said_in_a_sensible_unit(seconds, text):
    assert describe_wait(seconds) == text
