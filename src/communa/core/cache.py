"""Django's Redis cache, with one Redis client kept per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` object around its pool for
every call: 60 µs of Python each time on this machine, more than half of a `GET` on the loopback
(about 100 µs). A page that reads its cards, footers and fragments pays it several times. A
`redis.Redis` object with a connection pool is safe to share (each command takes a connection
from the pool), so one is kept per pool. Keys are not checked for memcached's limits, which
Redis does not have. `COMMUNA_REDIS_URL` selects this backend (settings.py); everything else is
Django's.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's client, reusing one `redis.Redis` per pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class KeptClientRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` with `KeptClientRedisCacheClient`."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient

    def validate_key(self, key: str) -> None:
        """Nothing to check: Redis takes any key. Django's check warns of keys memcached would
        refuse (longer than 250 characters, spaces, control characters) by reading every
        character of every key: 4 µs a key, a quarter of a millisecond for a page of 30 posts
        cards and footers."""
