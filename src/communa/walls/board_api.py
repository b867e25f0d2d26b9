"""The API of discussion boards, event attendance, documents and photo albums (R4.5, R4.6)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from communa.accounts.authentication import VisitorRequest, anyone
from communa.accounts.http import AuthedRequest
from communa.communities.models import Community
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.errors import ValidationFailed
from communa.core.events import viewer_of
from communa.core.gate import text_gate
from communa.core.http import client_ip
from communa.core.pagination import page_size
from communa.core.schemas import Cursor, OneOf, Page, PageLimit, Strict
from communa.walls import board_selectors as selectors
from communa.walls.actions import boards as actions
from communa.walls.api import CommunityRef
from communa.walls.models import (
    Album,
    Attendance,
    AttendanceStatus,
    Comment,
    CommentStatus,
    Document,
    Photo,
    Topic,
)

router = Router(tags=["boards"])


# --- schemas --------------------------------------------------------------------------------


class PersonOut(Schema):
    username: str
    display_name: str


class TopicIn(Strict):
    title: str
    body: str = ""


class TopicPatchIn(Strict):
    title: str | None = None
    body: str | None = None


# A field kept under its old name for clients written before the conventions of docs/api.md.
_SLUG_KEPT = (
    "The community's slug. Deprecated: read `community_ref` (the object every other schema "
    "calls `community`); a string here is kept so that existing clients do not break."
)


class TopicOut(Schema):
    id: int
    community: str = Field(deprecated=True, description=_SLUG_KEPT)
    community_ref: CommunityRef
    title: str
    body: str
    body_html: str
    author: PersonOut
    pinned: bool
    closed: bool
    # R5.2: held by the automatic checks (only its author and the moderators see it), and why.
    held: bool
    # Refused by a moderator after the checks held it: still shown to its author alone.
    rejected: bool
    held_reasons: list[str] | None
    language: str
    comment_count: int
    created_at: datetime
    last_activity_at: datetime


class TopicCommentIn(Strict):
    body: str
    # The comment to reply to, as on posts.
    parent: int | None = None
    parent_id: int | None = Field(
        default=None, deprecated=True, description="Deprecated alias of `parent`."
    )


class ReplyOut(Schema):
    id: int
    parent: int | None
    parent_id: int | None = Field(deprecated=True, description="Deprecated: read `parent`.")
    author: PersonOut | None
    body: str
    body_html: str
    status: str
    likes: int
    like_count: int = Field(deprecated=True, description="Deprecated: read `likes`.")
    reply_count: int
    liked: bool
    created_at: datetime
    edited_at: datetime | None


class TopicCommentOut(ReplyOut):
    replies: list[ReplyOut]


AttendanceName = Annotated[str, OneOf(AttendanceStatus.values)]


class AttendanceIn(Strict):
    status: AttendanceName


class AttendanceOut(Schema):
    going: int
    maybe: int
    mine: str | None


class AttendeeOut(Schema):
    username: str
    display_name: str
    status: str
    updated_at: datetime


class DocumentOut(Schema):
    id: int
    title: str
    size: int
    content_type: str
    uploaded_by: str | None
    created_at: datetime
    download_url: str


class AlbumIn(Strict):
    title: str
    description: str = ""


class AlbumOut(Schema):
    id: int
    community: str = Field(deprecated=True, description=_SLUG_KEPT)
    community_ref: CommunityRef
    title: str
    description: str
    photo_count: int
    cover_url: str | None
    created_at: datetime


class PhotoOut(Schema):
    id: int
    album_id: int
    image_url: str
    thumbnail_url: str
    width: int
    height: int
    caption: str
    created_at: datetime


class AlbumDetailOut(AlbumOut):
    photos: list[PhotoOut]
    next_cursor: str | None


# --- conversions ----------------------------------------------------------------------------


def person_out(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"username": user.username, "display_name": user.display_name}


def topic_out(topic: Topic) -> dict[str, Any]:
    state, reasons = text_gate().held_state(topic) if topic.held else ("", [])
    return {
        "id": topic.pk,
        "community": topic.community.slug,
        "community_ref": {"slug": topic.community.slug, "name": topic.community.name},
        "title": topic.title,
        "body": topic.body,
        "body_html": topic.body_html,
        "author": person_out(topic.author),
        "pinned": topic.pinned,
        "closed": topic.closed,
        "held": topic.held,
        "rejected": state == "rejected",
        "held_reasons": reasons if topic.held else None,
        "language": topic.language,
        "comment_count": topic.comment_count,
        "created_at": topic.created_at,
        "last_activity_at": topic.last_activity_at,
    }


def reply_out(comment: Comment) -> dict[str, Any]:
    deleted = comment.status == CommentStatus.DELETED
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "parent_id": comment.parent_id,
        # A deleted comment kept for its replies shows nothing of what it said or who said it.
        "author": None if deleted else person_out(comment.author),
        "body": "" if deleted else comment.body,
        "body_html": "" if deleted else comment.body_html,
        "status": comment.status,
        "likes": comment.like_count,
        "like_count": comment.like_count,
        "reply_count": comment.reply_count,
        "liked": bool(getattr(comment, "liked", False)),
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
    }


def topic_comment_out(comment: Comment) -> dict[str, Any]:
    return {
        **reply_out(comment),
        "replies": [reply_out(r) for r in getattr(comment, "visible_replies", [])],
    }


def attendance_out(summary: selectors.AttendanceSummary) -> dict[str, Any]:
    return {"going": summary.going, "maybe": summary.maybe, "mine": summary.mine or None}


def attendee_out(attendance: Attendance) -> dict[str, Any]:
    return {
        "username": attendance.user.username,
        "display_name": attendance.user.display_name,
        "status": attendance.status,
        "updated_at": attendance.updated_at,
    }


def document_out(document: Document) -> dict[str, Any]:
    return {
        "id": document.pk,
        "title": document.title,
        "size": document.size,
        "content_type": document.content_type,
        "uploaded_by": document.uploaded_by.username if document.uploaded_by else None,
        "created_at": document.created_at,
        "download_url": reverse("api:board_document_file", args=[document.pk]),
    }


def album_out(album: Album, community: Community) -> dict[str, Any]:
    # The selectors annotate the newest photo's thumbnail; a new album has none.
    cover = getattr(album, "cover_thumbnail", None)
    storage = Photo._meta.get_field("thumbnail").storage
    return {
        "id": album.pk,
        "community": community.slug,
        "community_ref": {"slug": community.slug, "name": community.name},
        "title": album.title,
        "description": album.description,
        "photo_count": album.photo_count,
        "cover_url": storage.url(cover) if cover else None,
        "created_at": album.created_at,
    }


def photo_out(photo: Photo) -> dict[str, Any]:
    return {
        "id": photo.pk,
        "album_id": photo.album_id,
        "image_url": photo.image.url,
        "thumbnail_url": photo.thumbnail.url,
        "width": photo.width,
        "height": photo.height,
        "caption": photo.caption,
        "created_at": photo.created_at,
    }


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


# --- documents ------------------------------------------------------------------------------


@router.get("/communities/{slug}/documents", auth=anyone, response=Page[DocumentOut])
def documents(
    request: VisitorRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """A group's documents, newest first."""
    community, standing = community_for(request.auth, slug, Action.VIEW_WALL)
    page = selectors.documents_page(
        actor=request.auth,
        community=community,
        cursor=cursor,
        limit=page_size(limit),
        standing=standing,
    )
    return {"items": [document_out(d) for d in page.items], "next_cursor": page.next_cursor}


@router.post("/communities/{slug}/documents", response={201: DocumentOut})
def add_document(
    request: AuthedRequest, slug: str, file: File[UploadedFile], title: Form[str] = ""
) -> Status:
    """Upload a document (multipart: `file`, optional `title`); groups only."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    document = actions.add_document(
        actor=request.auth, community=community, upload=file, title=title, name=file.name or ""
    )
    return Status(201, document_out(document))


@router.get("/documents/{document_id}/file", auth=anyone, url_name="board_document_file")
def document_file(request: VisitorRequest, document_id: int) -> FileResponse:
    """Download a document's file."""
    document = selectors.document_for(actor=request.auth, document_id=document_id)
    return document_download(document)


def document_download(document: Document) -> FileResponse:
    """A document's file as an attachment named after its title (web and API)."""
    stored = document.file.name or ""
    extension = stored.rsplit(".", 1)[-1] if "." in stored else ""
    filename = document.title
    if extension and not filename.lower().endswith(f".{extension.lower()}"):
        filename = f"{filename}.{extension}"
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=filename)
    response["Content-Type"] = document.content_type
    return response


@router.delete("/documents/{document_id}", response={204: None})
def delete_document(request: AuthedRequest, document_id: int) -> Status:
    """Remove a document (the community's editors)."""
    document = selectors.document_for(actor=request.auth, document_id=document_id)
    actions.delete_document(actor=request.auth, document=document)
    return Status(204, None)


# --- albums and photos ----------------------------------------------------------------------


@router.get("/communities/{slug}/albums", auth=anyone, response=Page[AlbumOut])
def albums(
    request: VisitorRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """The community's photo albums, newest first."""
    community, standing = community_for(request.auth, slug, Action.VIEW_WALL)
    page = selectors.albums_page(
        actor=request.auth,
        community=community,
        cursor=cursor,
        limit=page_size(limit),
        standing=standing,
    )
    return {
        "items": [album_out(a, community) for a in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/communities/{slug}/albums", response={201: AlbumOut})
def create_album(request: AuthedRequest, slug: str, payload: AlbumIn) -> Status:
    """Create a photo album (the community's editors)."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    album = actions.create_album(
        actor=request.auth,
        community=community,
        title=payload.title,
        description=payload.description,
    )
    return Status(201, album_out(album, community))


@router.get("/albums/{album_id}", auth=anyone, response=AlbumDetailOut)
def album(
    request: VisitorRequest, album_id: int, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """An album with one page of its photos, newest first."""
    found, _standing = selectors.album_for(actor=request.auth, album_id=album_id)
    page = selectors.photos_page(album=found, cursor=cursor, limit=page_size(limit))
    return {
        **album_out(found, found.community),
        "photos": [photo_out(p) for p in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/albums/{album_id}/photos", response={201: list[PhotoOut]})
def add_photos(
    request: AuthedRequest,
    album_id: int,
    photos: File[list[UploadedFile]],
    caption: Form[str] = "",
) -> Status:
    """Add photos to an album (multipart: one or more `photos`, optional `caption`)."""
    found, _standing = selectors.album_for(actor=request.auth, album_id=album_id)
    added = actions.add_photos(
        actor=request.auth, album=found, uploads=list(photos), caption=caption
    )
    return Status(201, [photo_out(p) for p in added])


@router.delete("/photos/{photo_id}", response={204: None})
def delete_photo(request: AuthedRequest, photo_id: int) -> Status:
    """Remove a photo (the community's editors)."""
    photo = selectors.photo_for(actor=request.auth, photo_id=photo_id)
    actions.delete_photo(actor=request.auth, photo=photo)
    return Status(204, None)


@router.delete("/albums/{album_id}", response={204: None})
def delete_album(request: AuthedRequest, album_id: int) -> Status:
    """Remove an album and its photos (the community's editors)."""
    found, _standing = selectors.album_for(actor=request.auth, album_id=album_id)
    actions.delete_album(actor=request.auth, album=found)
    return Status(204, None)
