"""Event ingest: impressions and interactions are appended here, reach is kept exact.

In buffered mode (`COMMUNA_IMPRESSIONS_MODE=buffered`) a page only appends one record to a
buffer and the worker writes the rows below in batches (`analytics.impressions`). In direct mode
every showing of a post appends an impression event; the first showing to a viewer also adds a
`PostViewer` row. The insert of viewers uses `ON CONFLICT DO NOTHING RETURNING`, so of two
concurrent first views by one viewer exactly one counts towards reach.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from communa.analytics.impressions import (
    buffer_page_view,
    flush_impressions,
    pending_page_views,
)
from communa.analytics.models import Event, PostViewer
from communa.core.conf import setting
from communa.core.events import (
    NOBODY_IN_PARTICULAR,
    VISITOR_COOKIE,
    EventKind,
    EventRecorder,
    Platform,
    Viewer,
    VisitorCookieMiddleware,
    viewer_for_user,
    viewer_of,
)
from communa.core.writes import insert


def record_impressions(viewer: Viewer, posts: Sequence[Any]) -> None:
    """A page showed these posts to the viewer: one append to the buffer (buffered mode), else
    three queries whatever the number of posts."""
    if not posts:
        return
    if setting("IMPRESSIONS_MODE") == "buffered":
        buffer_page_view(viewer, [post.pk for post in posts])
        return
    now = timezone.now()
    ids = [post.pk for post in posts]
    with transaction.atomic():
        Event.objects.bulk_create(
            Event(
                kind=EventKind.IMPRESSION,
                community_id=post.community_id,
                post_id=post.pk,
                user_id=viewer.user_id,
                viewer=viewer.key,
                platform=viewer.platform,
                at=now,
            )
            for post in posts
        )
        first_seen = _insert_new_viewers(ids, viewer.key, now) if viewer.key else set()
        post_model = PostViewer._meta.get_field("post").related_model
        post_model._default_manager.filter(pk__in=ids).update(
            impression_count=F("impression_count") + 1,
            reach_count=F("reach_count")
            + Case(
                When(pk__in=first_seen or [0], then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )


def _insert_new_viewers(post_ids: list[int], key: str, now: Any) -> set[int]:
    """Add (post, viewer) rows that do not exist yet; return the posts that got a new viewer."""
    table = PostViewer._meta.db_table
    placeholders = ", ".join(["(%s, %s, %s)"] * len(post_ids))
    params: list[Any] = []
    for post_id in post_ids:
        params += [post_id, key, now]
    # Both SQLite (3.35+) and PostgreSQL return only the rows this statement inserted.
    sql = (
        f"INSERT INTO {table} (post_id, viewer, first_seen_at) VALUES {placeholders} "  # noqa: S608
        "ON CONFLICT (post_id, viewer) DO NOTHING RETURNING post_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def record_event(
    kind: str,
    *,
    viewer: Viewer,
    post: Any = None,
    comment: Any = None,
    community_id: int | None = None,
) -> Event:
    """Append one interaction event (like, unlike, comment, share, hide, report, link click)."""
    if community_id is None and post is not None:
        community_id = post.community_id
    (event,) = insert(
        Event(
            kind=kind,
            community_id=community_id,
            post_id=post.pk if post is not None else None,
            comment_id=comment.pk if comment is not None else None,
            user_id=viewer.user_id,
            viewer=viewer.key,
            platform=viewer.platform,
        )
    )
    return event


class EventStore(EventRecorder):
    """The kernel's event socket, answered by this app's tables."""

    def record_impressions(self, viewer: Viewer, posts: Sequence[Any]) -> None:
        record_impressions(viewer, posts)

    def flush_impressions(self) -> int:
        return flush_impressions()

    def pending_impressions(self) -> int | None:
        return pending_page_views()

    def record_event(
        self,
        kind: str,
        *,
        viewer: Viewer,
        post: Any = None,
        comment: Any = None,
        community_id: int | None = None,
    ) -> None:
        record_event(kind, viewer=viewer, post=post, comment=comment, community_id=community_id)


__all__ = [
    "NOBODY_IN_PARTICULAR",
    "VISITOR_COOKIE",
    "EventKind",
    "EventStore",
    "Platform",
    "Viewer",
    "VisitorCookieMiddleware",
    "flush_impressions",
    "record_event",
    "record_impressions",
    "viewer_for_user",
    "viewer_of",
]
