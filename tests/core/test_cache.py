"""core.cache: Django's Redis cache with one client kept per pool, against the real Redis."""

from __future__ import annotations

import uuid

from communa.core.cache import KeptClientRedisCache
from tests.support import TEST_REDIS_URL, redis_or_skip


def make_cache() -> KeptClientRedisCache:
    redis_or_skip()
    return KeptClientRedisCache(TEST_REDIS_URL, {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}"})


def test_it_reads_and_writes_as_djangos_redis_cache_does():
    cache = make_cache()
    try:
        assert cache.get("missing") is None
        cache.set("card", {"html": "<p>Bread</p>", "likes": 3}, timeout=60)
        assert cache.get("card") == {"html": "<p>Bread</p>", "likes": 3}
        cache.set_many({"a": 1, "b": "two"}, timeout=60)
        assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": "two"}
        assert cache.add("a", 5) is False
        assert cache.incr("a", 4) == 5
        assert cache.delete("card") is True
        assert cache.get("card") is None
    finally:
        cache.delete_many(["card", "a", "b"])


def test_one_client_serves_every_call():
    cache = make_cache()
    client = cache._cache
    first = client.get_client("x")
    assert client.get_client("y") is first
    assert client.get_client("z", write=True) is first  # one server: reads and writes share it
    cache.set("k", "v", timeout=60)
    assert cache.get("k") == "v"
    assert client.get_client() is first
    cache.delete("k")


def test_any_key_redis_takes_is_kept_without_a_warning(recwarn):
    # Keys memcached would refuse (long, with spaces) are fine in Redis: no check, no warning.
    cache = make_cache()
    long_key = "walls:card:" + "x" * 300
    try:
        cache.set_many({long_key: "long", "with space": "spaced"}, timeout=60)
        assert cache.get_many([long_key, "with space"]) == {
            long_key: "long",
            "with space": "spaced",
        }
        assert not [w for w in recwarn.list if "CacheKeyWarning" in type(w.message).__name__]
    finally:
        cache.delete_many([long_key, "with space"])
