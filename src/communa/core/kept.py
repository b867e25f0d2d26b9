"""Rendered text a process keeps for its life, under keys that name all it is made of.

Small pieces every reader gets alike (the page frame's blocks, a like button, a views text, a
community's card, the wall's empty composer, a feed page's frame) are rendered once per process
and kept here rather than in the shared cache: a round trip to Redis cost more than rendering
some of them. Each `ProcessKept` holds at most `limit` entries and starts again when full; every
one is emptied when a setting changes (tests change them; a deploy starts new processes), and
by `forget_all` (tests, between them). Keys must name everything the text shows: nothing kept
here is ever invalidated otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

# What `forget_all` empties: every ProcessKept, and what other modules keep (core.near).
_FORGETTERS: list[Callable[[], None]] = []


class ProcessKept:
    """A dict of at most `limit` entries, emptied when full and when a setting changes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: dict[Hashable, Any] = {}
        _FORGETTERS.append(self._items.clear)

    def get(self, key: Hashable) -> Any:
        return self._items.get(key)

    def put(self, key: Hashable, value: Any) -> Any:
        """Keep `value` under `key` (emptying this keep first when it is full); `value`."""
        if len(self._items) >= self.limit:
            self._items.clear()
        self._items[key] = value
        return value

    def __len__(self) -> int:
        return len(self._items)


def on_forget(forget: Callable[[], None]) -> None:
    """Have `forget` called with every ProcessKept's emptying (a keep of another shape)."""
    _FORGETTERS.append(forget)


def forget_all() -> None:
    """Empty everything this process keeps."""
    for forget in _FORGETTERS:
        forget()


@receiver(setting_changed)
def _forget(**_: Any) -> None:
    forget_all()
