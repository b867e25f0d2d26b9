"""Typed access to the operator-tunable limits in settings.COMMUNA."""

from typing import Any

from django.conf import settings


def setting(name: str) -> Any:
    """One value of settings.COMMUNA (see docs/operations.md for each)."""
    return settings.COMMUNA[name]


def int_setting(name: str) -> int:
    """A whole-number limit of settings.COMMUNA."""
    return int(settings.COMMUNA[name])
