"""Fixed-window rate limits shared by every app process (database by default, Redis when set)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from communa.core.errors import RateLimited


@dataclass(frozen=True)
class Limit:
    """At most `limit` hits of `scope` per key in each window of `window` seconds."""

    scope: str
    limit: int
    window: int

    def window_start(self, now: float) -> int:
        return int(now // self.window * self.window)

    def retry_after(self, now: float) -> int:
        return max(1, math.ceil(self.window_start(now) + self.window - now))


class Store(Protocol):
    def incr(self, key: str, window_start: int, window: int) -> int: ...
    def get(self, key: str, window_start: int) -> int: ...
    def clear(self, key: str, window_start: int) -> None: ...


class DatabaseStore:
    """Counters in the `core_ratelimitcounter` table; atomic increments, no lost updates."""

    @staticmethod
    def _start(window_start: int) -> datetime:
        return datetime.fromtimestamp(window_start, tz=UTC)

    def incr(self, key: str, window_start: int, window: int) -> int:
        from communa.core.models import RateLimitCounter

        start = self._start(window_start)
        rows = RateLimitCounter.objects.filter(key=key, window_start=start)
        with transaction.atomic():
            if not rows.update(count=F("count") + 1):
                try:
                    # A savepoint: a concurrent insert of this window only retries the update.
                    with transaction.atomic():
                        RateLimitCounter.objects.create(
                            key=key,
                            window_start=start,
                            count=1,
                            expires_at=start + timedelta(seconds=window),
                        )
                except IntegrityError:
                    rows.update(count=F("count") + 1)
            return int(rows.values_list("count", flat=True).get())

    def get(self, key: str, window_start: int) -> int:
        from communa.core.models import RateLimitCounter

        found = RateLimitCounter.objects.filter(key=key, window_start=self._start(window_start))
        return int(found.values_list("count", flat=True).first() or 0)

    def clear(self, key: str, window_start: int) -> None:
        from communa.core.models import RateLimitCounter

        RateLimitCounter.objects.filter(key=key, window_start=self._start(window_start)).delete()


class RedisStore:
    """Counters in Redis: INCR plus an expiry, one round trip."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)

    @staticmethod
    def _name(key: str, window_start: int) -> str:
        return f"communa:rl:{key}:{window_start}"

    def incr(self, key: str, window_start: int, window: int) -> int:
        pipe = self.client.pipeline()
        name = self._name(key, window_start)
        pipe.incr(name)
        pipe.expire(name, window + 1)
        count, _ = pipe.execute()
        return int(count)

    def get(self, key: str, window_start: int) -> int:
        value = self.client.get(self._name(key, window_start))
        return int(value) if value is not None else 0

    def clear(self, key: str, window_start: int) -> None:
        self.client.delete(self._name(key, window_start))


@cache
def default_store() -> Store:
    """The store the settings choose: Redis when COMMUNA_REDIS_URL is set, else the database."""
    if settings.COMMUNA["RATE_LIMIT_STORE"] == "redis" and settings.REDIS_URL:
        return RedisStore(settings.REDIS_URL)
    return DatabaseStore()


def _key(limit: Limit, key: str) -> str:
    return f"{limit.scope}:{key}"[:200]


def check(limit: Limit, key: str, *, store: Store | None = None) -> None:
    """Refuse with RateLimited when the key has used up its window, without counting a hit."""
    store = store or default_store()
    now = time.time()
    if store.get(_key(limit, key), limit.window_start(now)) >= limit.limit:
        raise RateLimited(retry_after=limit.retry_after(now))


def hit(limit: Limit, key: str, *, store: Store | None = None) -> int:
    """Count one hit and return the count in the current window."""
    store = store or default_store()
    now = time.time()
    return store.incr(_key(limit, key), limit.window_start(now), limit.window)


def consume(limit: Limit, key: str, *, store: Store | None = None) -> None:
    """Count a hit and refuse it when it goes over the limit."""
    store = store or default_store()
    now = time.time()
    if store.incr(_key(limit, key), limit.window_start(now), limit.window) > limit.limit:
        raise RateLimited(retry_after=limit.retry_after(now))


def reset(limit: Limit, key: str, *, store: Store | None = None) -> None:
    """Forget the hits of the current window (e.g. after a successful log-in)."""
    store = store or default_store()
    store.clear(_key(limit, key), limit.window_start(time.time()))


def purge_expired() -> int:
    """Delete database counters whose window has ended; returns how many."""
    from django.utils import timezone

    from communa.core.models import RateLimitCounter

    deleted, _ = RateLimitCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
