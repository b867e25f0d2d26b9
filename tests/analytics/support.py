"""Helpers of the analytics tests: events at chosen moments, and rollups run to the end."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from communa.analytics.models import Event, EventKind, Platform
from communa.analytics.rollups import roll_up


def event_at(
    kind: str,
    at: datetime,
    *,
    post: Any = None,
    community: Any = None,
    user: Any = None,
    viewer: str = "",
    platform: str = Platform.WEB,
) -> Event:
    """An event as ingest records it, at a chosen moment."""
    community_id = community.pk if community is not None else post.community_id
    if not viewer and user is not None:
        viewer = f"u{user.pk}"
    return Event.objects.create(
        kind=kind,
        community_id=community_id,
        post_id=post.pk if post is not None else None,
        user_id=user.pk if user is not None else None,
        viewer=viewer,
        platform=platform,
        at=at,
    )


def rolled_up() -> int:
    """Run every rollup until nothing is left (what the worker does on its interval)."""
    return roll_up()


__all__ = ["EventKind", "event_at", "rolled_up"]
