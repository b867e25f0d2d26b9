"""Event ingest: impressions and interactions are appended here, reach is kept exact.

Every showing of a post appends an impression event; the first showing to a viewer also adds a
`PostViewer` row. The insert of viewers uses `ON CONFLICT DO NOTHING RETURNING`, so of two
concurrent first views by one viewer exactly one counts towards reach.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from communa.analytics.models import Event, EventKind, Platform, PostViewer

VISITOR_COOKIE = "communa_vid"
_MOBILE = re.compile(r"Mobi|Android|iPhone|iPad|iPod|Opera Mini|IEMobile", re.IGNORECASE)


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a person when logged in, else a privacy-preserving visitor key."""

    user_id: int | None
    key: str
    platform: str

    @property
    def known(self) -> bool:
        return bool(self.key)


NOBODY_IN_PARTICULAR = Viewer(user_id=None, key="", platform=Platform.WEB)


def _visitor_key(raw: str) -> str:
    # Only a keyed hash is stored, never the cookie or address it came from.
    digest = hmac.new(settings.SECRET_KEY.encode(), raw.encode(), hashlib.sha256).hexdigest()
    return f"v{digest[:32]}"


def viewer_of(request: HttpRequest, *, api: bool = False) -> Viewer:
    """The viewer behind a request: the user, or the anonymous visitor's cookie or address."""
    user = getattr(request, "user", None)
    agent = str(request.META.get("HTTP_USER_AGENT", ""))
    if api:
        platform = Platform.API
    else:
        platform = Platform.MOBILE_WEB if _MOBILE.search(agent) else Platform.WEB
    if user is not None and user.is_authenticated:
        return Viewer(user_id=user.pk, key=f"u{user.pk}", platform=platform)
    visitor = request.COOKIES.get(VISITOR_COOKIE) or getattr(request, "_communa_visitor", "")
    if not visitor:
        from communa.core.http import client_ip

        visitor = f"{client_ip(request)}|{agent}"
    return Viewer(user_id=None, key=_visitor_key(visitor), platform=platform)


class VisitorCookieMiddleware:
    """Give anonymous web visitors a random id, so reach counts each of them once."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        new_id = ""
        if VISITOR_COOKIE not in request.COOKIES and not request.path.startswith("/api/"):
            new_id = secrets.token_urlsafe(18)
            request._communa_visitor = new_id  # type: ignore[attr-defined]
        response: HttpResponse = self.get_response(request)
        if new_id:
            response.set_cookie(
                VISITOR_COOKIE,
                new_id,
                max_age=365 * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


def record_impressions(viewer: Viewer, posts: Sequence[Any]) -> None:
    """A page showed these posts to the viewer: three queries whatever the number of posts."""
    if not posts:
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
        type(posts[0]).objects.filter(pk__in=ids).update(
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
    return Event.objects.create(
        kind=kind,
        community_id=community_id,
        post_id=post.pk if post is not None else None,
        comment_id=comment.pk if comment is not None else None,
        user_id=viewer.user_id,
        viewer=viewer.key,
        platform=viewer.platform,
    )


def viewer_for_user(user: Any, platform: str = Platform.WEB) -> Viewer:
    """The viewer of an action taken by a logged-in person outside a request (demo, tests)."""
    return Viewer(user_id=user.pk, key=f"u{user.pk}", platform=platform)
