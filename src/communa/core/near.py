"""Pages kept whole for many readers, held in this process too, in front of the shared cache.

A community's wall page, its answer in the API, a visitor's post page and community home are
kept in the shared cache (Redis in production) under a key that names everything they are made
of (ADR 0009): a changed row makes another key, so a kept page is never stale, and nothing is
ever deleted to invalidate one. Taking a 60 KB page from Redis cost a member's wall about 0.3 ms
of the request's CPU (the round trip, the reading, the unpickling). So the last pages a process
took or kept are held here too (`COMMUNA_KEPT_IN_PROCESS` of them, the least recently used
dropped first; 0 takes every page from the shared cache), and a page asked for again is taken
from here.

Only for what many readers share: a member's feed page, kept for the members who get the same
posts, is taken from the shared cache each time (walls.kept_feed).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.core.cache import cache as default_cache

from communa.core import kept
from communa.core.conf import int_setting

_HELD: OrderedDict[str, Any] = OrderedDict()


def forget() -> None:
    """Drop every page held in this process (the shared cache keeps its own)."""
    _HELD.clear()


# Emptied with the other keeps of the process: on a changed setting, between tests.
kept.on_forget(forget)


def _hold(key: str, value: Any, limit: int) -> None:
    _HELD[key] = value
    _HELD.move_to_end(key)
    while len(_HELD) > limit:
        _HELD.popitem(last=False)


def get(key: str) -> Any:
    """The page kept under `key`: from this process when held here, else from the shared cache
    (and held here from now on); None when kept in neither."""
    limit = int_setting("KEPT_IN_PROCESS")
    if limit <= 0:
        return default_cache.get(key)
    found = _HELD.get(key)
    if found is not None:
        _HELD.move_to_end(key)
        return found
    found = default_cache.get(key)
    if found is not None:
        _hold(key, found, limit)
    return found


def keep(key: str, value: Any, timeout: int) -> None:
    """Keep `value` under `key` in the shared cache for `timeout` seconds, and hold it here."""
    default_cache.set(key, value, timeout=timeout)
    limit = int_setting("KEPT_IN_PROCESS")
    if limit > 0:
        _hold(key, value, limit)
