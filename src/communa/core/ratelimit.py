"""Fixed-window rate limits shared by every app process (database by default, Redis when set)."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import NamedTuple, Protocol

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
    def incr(self, key: str, window_start: int, window: int, amount: int = 1) -> int: ...
    def decr(self, key: str, window_start: int, amount: int = 1) -> None: ...
    def get(self, key: str, window_start: int) -> int: ...
    def clear(self, key: str, window_start: int) -> None: ...
    def consume(self, hits: Sequence[Hit], amount: int = 1) -> int | None:
        """Count every hit; past a ceiling, take back what was counted and give the position
        of the hit refused (None: all counted)."""
        ...


class Hit(NamedTuple):
    """One count `consume_all` asks a store for: the counter, its window, its ceiling."""

    key: str
    window_start: int
    window: int
    limit: int


def _consume_in_turn(store: Store, hits: Sequence[Hit], amount: int) -> int | None:
    """Count the hits one at a time; past a ceiling, take back those counted. The position of
    the hit refused, or None."""
    counted: list[Hit] = []
    for index, hit in enumerate(hits):
        count = store.incr(hit.key, hit.window_start, hit.window, amount)
        counted.append(hit)
        if count > hit.limit:
            for done in counted:
                store.decr(done.key, done.window_start, amount)
            return index
    return None


class DatabaseStore:
    """Counters in the `core_ratelimitcounter` table; atomic increments, no lost updates."""

    @staticmethod
    def _start(window_start: int) -> datetime:
        return datetime.fromtimestamp(window_start, tz=UTC)

    def incr(self, key: str, window_start: int, window: int, amount: int = 1) -> int:
        from communa.core.models import RateLimitCounter

        start = self._start(window_start)
        rows = RateLimitCounter.objects.filter(key=key, window_start=start)
        with transaction.atomic():
            if not rows.update(count=F("count") + amount):
                try:
                    # A savepoint: a concurrent insert of this window only retries the update.
                    with transaction.atomic():
                        RateLimitCounter.objects.create(
                            key=key,
                            window_start=start,
                            count=amount,
                            expires_at=start + timedelta(seconds=window),
                        )
                except IntegrityError:
                    rows.update(count=F("count") + amount)
            return int(rows.values_list("count", flat=True).get())

    def decr(self, key: str, window_start: int, amount: int = 1) -> None:
        from django.db.models.functions import Greatest

        from communa.core.models import RateLimitCounter

        RateLimitCounter.objects.filter(key=key, window_start=self._start(window_start)).update(
            count=Greatest(F("count") - amount, 0)
        )

    def consume(self, hits: Sequence[Hit], amount: int = 1) -> int | None:
        return _consume_in_turn(self, hits, amount)

    def get(self, key: str, window_start: int) -> int:
        from communa.core.models import RateLimitCounter

        found = RateLimitCounter.objects.filter(key=key, window_start=self._start(window_start))
        return int(found.values_list("count", flat=True).first() or 0)

    def clear(self, key: str, window_start: int) -> None:
        from communa.core.models import RateLimitCounter

        RateLimitCounter.objects.filter(key=key, window_start=self._start(window_start)).delete()


class RedisStore:
    """Counters in Redis: INCR plus an expiry, one round trip; every counter of a write, and
    taking them back on a refusal, in one script (one round trip, atomic)."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self._consume = self.client.register_script(self._CONSUME)

    @staticmethod
    def _name(key: str, window_start: int) -> str:
        return f"communa:rl:{key}:{window_start}"

    # Only an existing counter goes down: a DECR after expiry would leave a key that never expires.
    _DECR = (
        "if redis.call('exists', KEYS[1]) == 1 then "
        "return redis.call('decrby', KEYS[1], ARGV[1]) end return 0"
    )

    def incr(self, key: str, window_start: int, window: int, amount: int = 1) -> int:
        pipe = self.client.pipeline()
        name = self._name(key, window_start)
        pipe.incrby(name, amount)
        pipe.expire(name, window + 1)
        count, _ = pipe.execute()
        return int(count)

    # KEYS: the counters; ARGV: the amount, then each counter's expiry and ceiling. Returns the
    # position (from 1) of the counter that went past its ceiling, having taken back what this
    # call counted, or 0.
    _CONSUME = (
        "local amount = tonumber(ARGV[1]) "
        "for i, key in ipairs(KEYS) do "
        "local count = redis.call('incrby', key, amount) "
        "redis.call('expire', key, ARGV[2 * i]) "
        "if count > tonumber(ARGV[2 * i + 1]) then "
        "for j = 1, i do redis.call('decrby', KEYS[j], amount) end "
        "return i end end return 0"
    )

    def consume(self, hits: Sequence[Hit], amount: int = 1) -> int | None:
        names = [self._name(hit.key, hit.window_start) for hit in hits]
        ceilings = [value for hit in hits for value in (hit.window + 1, hit.limit)]
        refused = int(self._consume(keys=names, args=[amount, *ceilings]))
        return refused - 1 if refused else None

    def decr(self, key: str, window_start: int, amount: int = 1) -> None:
        self.client.eval(self._DECR, 1, self._name(key, window_start), amount)

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


def _clock() -> float:
    """Seconds since the epoch; one seam, so tests can hold a moment inside a window."""
    return time.time()


def _key(limit: Limit, key: str) -> str:
    return f"{limit.scope}:{key}"[:200]


def check(limit: Limit, key: str, *, store: Store | None = None) -> None:
    """Refuse with RateLimited when the key has used up its window, without counting a hit."""
    store = store or default_store()
    now = _clock()
    if store.get(_key(limit, key), limit.window_start(now)) >= limit.limit:
        raise RateLimited(retry_after=limit.retry_after(now))


def hit(limit: Limit, key: str, *, store: Store | None = None) -> int:
    """Count one hit and return the count in the current window."""
    store = store or default_store()
    now = _clock()
    return store.incr(_key(limit, key), limit.window_start(now), limit.window)


def consume(limit: Limit, key: str, *, store: Store | None = None) -> None:
    """Count a hit and refuse it when it goes over the limit."""
    store = store or default_store()
    now = _clock()
    if store.incr(_key(limit, key), limit.window_start(now), limit.window) > limit.limit:
        raise RateLimited(retry_after=limit.retry_after(now))


class LimitExceeded(RateLimited):
    """A refusal by `consume_all`, naming the limit that refused."""

    def __init__(self, limit: Limit, *, retry_after: int) -> None:
        self.limit = limit
        super().__init__(retry_after=retry_after)


def consume_all(
    hits: Sequence[tuple[Limit, str]], *, amount: int = 1, store: Store | None = None
) -> None:
    """Count `amount` hits on every (limit, key); past any limit, take them all back and refuse.

    Each increment is atomic, so concurrent processes never let more than a limit through; taking
    the hits back means a refusal costs nothing (an address over its limit does not use up the
    person's own allowance), so a count is the number of writes that were let through.
    """
    store = store or default_store()
    now = _clock()
    asked = [
        Hit(_key(limit, key), limit.window_start(now), limit.window, limit.limit)
        for limit, key in hits
    ]
    refused = store.consume(asked, amount)
    if refused is not None:
        limit = hits[refused][0]
        raise LimitExceeded(limit, retry_after=limit.retry_after(now))


def reset(limit: Limit, key: str, *, store: Store | None = None) -> None:
    """Forget the hits of the current window (e.g. after a successful log-in)."""
    store = store or default_store()
    store.clear(_key(limit, key), limit.window_start(_clock()))


def purge_expired() -> int:
    """Delete database counters whose window has ended; returns how many."""
    from django.utils import timezone

    from communa.core.models import RateLimitCounter

    deleted, _ = RateLimitCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
