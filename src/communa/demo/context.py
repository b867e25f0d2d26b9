"""What one demo load shares: its seed, its "now", the clock, the logins to print, the people."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test.utils import override_settings
from django.utils import timezone

from communa.demo.clock import DemoClock


@dataclass
class DemoLogin:
    """A demo account to print: what it is for, and how to log in."""

    username: str
    password: str
    role: str


@dataclass
class DemoContext:
    """One demo load: a seeded random source, the moment it ends, the logins to print."""

    seed: int = 20261123
    now: datetime = field(default_factory=timezone.now)
    logins: list[DemoLogin] = field(default_factory=list)
    objects: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # reactions the rules refused (see Timeline)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.clock = DemoClock(self.now)

    def add_login(self, username: str, password: str, role: str) -> None:
        self.logins.append(DemoLogin(username=username, password=password, role=role))

    def at(self, moment: datetime) -> None:
        """Set the clock to a moment of the timeline (never after the load's "now")."""
        self.clock.set(min(moment, self.now))

    def days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)


@cache
def data(name: str) -> Any:
    """One data file of `communa/demo/data/` (`people`, `communities`, `posts`, ...)."""
    text = resources.files("communa.demo").joinpath("data", f"{name}.json").read_text("utf-8")
    return json.loads(text)


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with tiny costs, for the demo's few hundred accounts only.

    The hash names its own costs, so the site's normal Argon2 hasher checks it, and Django
    rehashes the password with the full costs at the person's first log-in.
    """

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


# While the demo loads, its people act far faster than people can: the write limits would stop
# them, and the checks that watch new accounts (bursts, repeated texts) would hold their
# ordinary comments. Loading switches both off; everything else (permissions, the other
# automatic checks, counters, audit entries, events) applies as usual.
RELAXED = {
    "SIGNUPS_PER_IP": 0,
    "INVITATIONS_PER_DAY": 100_000,
    "FILTER_BURST_ACCOUNT_HOURS": 0,
    "FILTER_REPEAT_HOURS": 0,
    **{
        f"RATE_{kind}_{scope}": 0
        for kind in ("POST", "DRAFT", "COMMENT", "LIKE", "REPORT", "INVITE", "JOIN")
        for scope in ("PER_HOUR", "NEW_PER_HOUR", "NEW_PER_IP_PER_HOUR")
    },
}


@contextmanager
def relaxed_limits() -> Iterator[None]:
    """The settings the demo loads under (see RELAXED), and quick password hashing."""
    hashers = [
        f"{QuickArgon2PasswordHasher.__module__}.{QuickArgon2PasswordHasher.__qualname__}",
        *settings.PASSWORD_HASHERS,
    ]
    with override_settings(COMMUNA={**settings.COMMUNA, **RELAXED}, PASSWORD_HASHERS=hashers):
        yield
