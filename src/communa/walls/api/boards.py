"""Boards, event attendance, documents and photo albums (R4.5, R4.6): schemas, conversions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.urls import reverse
from ninja import Field, Schema

from communa.communities.models import Community
from communa.core.gate import text_gate
from communa.core.schemas import OneOf, Strict
from communa.walls import board_selectors as selectors
from communa.walls.api.schemas import CommunityRef
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
