"""The demo loader: every app may ship `demo.py` with `load(ctx)`; they run in app order.

Loaders must be idempotent (look up by stable keys before creating), so `make demo` can run
again on existing data. Later apps use what earlier ones made through `ctx.objects`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone


@dataclass
class DemoLogin:
    """A demo account to print: what it is for, and how to log in."""

    username: str
    password: str
    role: str


@dataclass
class DemoContext:
    """Shared state of one demo load: a seeded random source, the clock, logins and objects."""

    seed: int = 20261123
    now: Any = field(default_factory=timezone.now)
    logins: list[DemoLogin] = field(default_factory=list)
    objects: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def add_login(self, username: str, password: str, role: str) -> None:
        self.logins.append(DemoLogin(username=username, password=password, role=role))


def load_demo_data(ctx: DemoContext | None = None) -> DemoContext:
    """Run every installed app's demo loader, each in its own transaction."""
    ctx = ctx or DemoContext()
    for config in apps.get_app_configs():
        if not config.name.startswith("communa."):
            continue
        module_name = f"{config.name}.demo"
        if find_spec(module_name) is None:
            continue
        loader = import_module(module_name)
        if not hasattr(loader, "load"):
            continue  # this module: the loader itself
        with transaction.atomic():
            loader.load(ctx)
    return ctx
