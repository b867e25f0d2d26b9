"""The API of discussion topics and event attendance (R4.5, R4.6)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Status

from communa.accounts.authentication import VisitorRequest, anyone
from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.errors import ValidationFailed
from communa.core.events import viewer_of
from communa.core.http import client_ip
from communa.core.pagination import page_size
from communa.core.schemas import Cursor, Page, PageLimit
from communa.walls import board_selectors as selectors
from communa.walls.actions import boards as actions
from communa.walls.api.boards import (
    AttendanceIn,
    AttendanceName,
    AttendanceOut,
    AttendeeOut,
    TopicCommentIn,
    TopicCommentOut,
    TopicIn,
    TopicOut,
    TopicPatchIn,
    attendance_out,
    attendee_out,
    topic_comment_out,
    topic_out,
)
from communa.walls.api.routers import boards_router as router
from communa.walls.models import (
    AttendanceStatus,
)

OPERATION_ID_PREFIX = "communa_walls_board_api"


# --- discussion topics ----------------------------------------------------------------------


@router.get("/communities/{slug}/topics", auth=anyone, response=Page[TopicOut])
def topics(
    request: VisitorRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """The discussion board: pinned topics first, then by latest activity."""
    community, standing = community_for(request.auth, slug, Action.VIEW_WALL)
    page = selectors.topics_page(
        actor=request.auth,
        community=community,
        cursor=cursor,
        limit=page_size(limit),
        standing=standing,
    )
    for topic in page.items:
        topic.community = community
    return {"items": [topic_out(t) for t in page.items], "next_cursor": page.next_cursor}


@router.post("/communities/{slug}/topics", response={201: TopicOut})
def start_topic(request: AuthedRequest, slug: str, payload: TopicIn) -> Status:
    """Start a discussion: a title of 1 to 200 characters and an optional Markdown text."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    topic = actions.start_topic(
        actor=request.auth,
        community=community,
        title=payload.title,
        body=payload.body,
        ip=client_ip(request),
    )
    return Status(201, topic_out(topic))


@router.get("/topics/{topic_id}", auth=anyone, response=TopicOut)
def topic(request: VisitorRequest, topic_id: int) -> dict[str, Any]:
    """One discussion topic."""
    found, _standing = selectors.topic_for(actor=request.auth, topic_id=topic_id)
    return topic_out(found)


@router.patch("/topics/{topic_id}", response=TopicOut)
def edit_topic(request: AuthedRequest, topic_id: int, payload: TopicPatchIn) -> dict[str, Any]:
    """Change a topic's title or text (its author or the moderators)."""
    found, _standing = selectors.topic_for(actor=request.auth, topic_id=topic_id)
    changes = payload.model_dump(exclude_unset=True)
    return topic_out(actions.edit_topic(actor=request.auth, topic=found, **changes))


@router.delete("/topics/{topic_id}", response={204: None})
def delete_topic(request: AuthedRequest, topic_id: int) -> Status:
    """Delete a topic (its author or the moderators)."""
    found, _standing = selectors.topic_for(actor=request.auth, topic_id=topic_id)
    actions.delete_topic(actor=request.auth, topic=found)
    return Status(204, None)


@router.post("/topics/{topic_id}/pin", response=TopicOut)
def pin_topic(request: AuthedRequest, topic_id: int) -> dict[str, Any]:
    """Pin a topic to the top of the board (moderators)."""
    found, _standing = selectors.topic_for(actor=request.auth, topic_id=topic_id)
    return topic_out(actions.pin_topic(actor=request.auth, topic=found))


@router.delete("/topics/{topic_id}/pin", response=TopicOut)
def unpin_topic(request: AuthedRequest, topic_id: int) -> dict[str, Any]:
    """Unpin a topic (moderators)."""
    found, _standing = selectors.topic_for(actor=request.auth, topic_id=topic_id)
    return topic_out(actions.unpin_topic(actor=request.auth, topic=found))


@router.post("/topics/{topic_id}/close", response=TopicOut)
def close_topic(request: AuthedRequest, topic_id: int) -> dict[str, Any]:
    """Close a topic to new comments (moderators)."""
    found, _standing = selectors.topic_for(actor=request.auth, topic_id=topic_id)
    return topic_out(actions.close_topic(actor=request.auth, topic=found))


@router.delete("/topics/{topic_id}/close", response=TopicOut)
def reopen_topic(request: AuthedRequest, topic_id: int) -> dict[str, Any]:
    """Reopen a closed topic (moderators)."""
    found, _standing = selectors.topic_for(actor=request.auth, topic_id=topic_id)
    return topic_out(actions.reopen_topic(actor=request.auth, topic=found))


@router.get("/topics/{topic_id}/comments", auth=anyone, response=Page[TopicCommentOut])
def topic_comments(
    request: VisitorRequest, topic_id: int, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """A topic's comments, oldest first, each with its replies."""
    found, _standing = selectors.topic_for(actor=request.auth, topic_id=topic_id)
    page = selectors.topic_comments_page(
        actor=request.auth, topic=found, cursor=cursor, limit=page_size(limit)
    )
    return {"items": [topic_comment_out(c) for c in page.items], "next_cursor": page.next_cursor}


def _parent_of(payload: TopicCommentIn) -> int | None:
    """The comment replied to: `parent`, or its deprecated alias `parent_id` (not two others)."""
    sent = payload.model_dump()  # not attribute access: that warns for the deprecated name
    parent, alias = sent["parent"], sent["parent_id"]
    if parent is not None and alias is not None and parent != alias:
        raise ValidationFailed(
            fields={
                "parent_id": [_("This is the old name of “parent”: send only “parent”.")],
            }
        )
    return parent if parent is not None else alias


@router.post("/topics/{topic_id}/comments", response={201: TopicCommentOut})
def comment_in_topic(request: AuthedRequest, topic_id: int, payload: TopicCommentIn) -> Status:
    """Comment in a topic, or reply to one of its comments with `parent` (as on posts)."""
    found, _standing = selectors.topic_for(actor=request.auth, topic_id=topic_id)
    parent_id = _parent_of(payload)
    parent = (
        selectors.topic_comment(topic=found, comment_id=parent_id)
        if parent_id is not None
        else None
    )
    comment = actions.reply_in_topic(
        actor=request.auth,
        topic=found,
        body=payload.body,
        parent=parent,
        viewer=viewer_of(request, api=True),
        ip=client_ip(request),
    )
    return Status(201, topic_comment_out(comment))


# --- event attendance -----------------------------------------------------------------------


@router.get("/communities/{slug}/attendance", auth=anyone, response=AttendanceOut)
def attendance(request: VisitorRequest, slug: str) -> dict[str, Any]:
    """How many are going or might go, and your own answer (null when none)."""
    community, standing = community_for(request.auth, slug, Action.SEE)
    return attendance_out(
        selectors.attendance_summary(actor=request.auth, community=community, standing=standing)
    )


@router.put("/communities/{slug}/attendance", response=AttendanceOut)
def set_attendance(request: AuthedRequest, slug: str, payload: AttendanceIn) -> dict[str, Any]:
    """Say that you are `going` or `maybe` going to the event."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    actions.set_attendance(actor=request.auth, community=community, status=payload.status)
    return attendance_out(selectors.attendance_summary(actor=request.auth, community=community))


@router.delete("/communities/{slug}/attendance", response={204: None})
def remove_attendance(request: AuthedRequest, slug: str) -> Status:
    """Withdraw your answer."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    actions.remove_attendance(actor=request.auth, community=community)
    return Status(204, None)


@router.get("/communities/{slug}/attendees", response=Page[AttendeeOut])
def attendees(
    request: AuthedRequest,
    slug: str,
    status: AttendanceName = AttendanceStatus.GOING.value,
    cursor: Cursor = None,
    limit: PageLimit = None,
) -> dict[str, Any]:
    """Who is going (or, with `status=maybe`, might go); the event's members see this list."""
    community, standing = community_for(request.auth, slug, Action.SEE)
    if status not in AttendanceStatus.values:
        raise ValidationFailed(
            fields={
                "status": [
                    _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join(AttendanceStatus.values)}
                ]
            }
        )
    page = selectors.attendees_page(
        actor=request.auth,
        community=community,
        status=status,
        cursor=cursor,
        limit=page_size(limit),
        standing=standing,
    )
    return {"items": [attendee_out(a) for a in page.items], "next_cursor": page.next_cursor}


@router.get("/communities/{slug}/event.ics", auth=anyone)
def event_ics(request: VisitorRequest, slug: str) -> HttpResponse:
    """The event as an iCalendar file (RFC 5545) to add to a calendar."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    return calendar_response(request, request.auth, community)


def calendar_response(request: HttpRequest, actor: Any, community: Any) -> HttpResponse:
    """The .ics answer shared by the API and the web page."""
    url = request.build_absolute_uri(reverse("communities:home", args=[community.slug]))
    text = selectors.event_calendar(actor=actor, community=community, url=url)
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{community.slug}.ics"'
    return response
