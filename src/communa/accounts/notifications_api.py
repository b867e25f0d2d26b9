"""The notifications API under /api/me/notifications: my notifications and marking them read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Router, Schema

from communa.accounts import actions
from communa.accounts.http import AuthedRequest
from communa.accounts.models import Notification
from communa.accounts.selectors import notifications_page
from communa.core.schemas import Cursor, Page, PageLimit, RowId, Strict

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    url: str
    created_at: datetime
    read: bool


class NotificationPage(Page[NotificationOut]):
    unread: int


class MarkReadIn(Strict):
    ids: Annotated[list[RowId], Field(max_length=1000)] | None = None


class MarkedOut(Schema):
    marked: int
    unread: int


def notification_out(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "message": notification.message,
        "url": notification.url,
        "created_at": notification.created_at,
        "read": notification.read_at is not None,
    }


@router.get("/notifications", response=NotificationPage)
def my_notifications(
    request: AuthedRequest, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """My notifications, newest first, a page at a time, with how many are unread."""
    page = notifications_page(request.user, cursor=cursor, limit=limit)
    return {
        "items": [notification_out(n) for n in page.items],
        "next_cursor": page.next_cursor,
        "unread": request.user.unread_notifications,
    }


@router.post("/notifications/read", response=MarkedOut)
def mark_my_notifications_read(request: AuthedRequest, payload: MarkReadIn) -> dict[str, Any]:
    """Mark the listed notifications read, or all of them when `ids` is left out."""
    marked = actions.mark_notifications_read(actor=request.user, ids=payload.ids)
    return {"marked": marked, "unread": request.user.unread_notifications}
