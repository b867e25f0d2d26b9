"""Builders shared by the walls tests: posts, comments, boards, events, files (no tests here)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from communa.accounts.models import User
from communa.analytics.models import Event
from communa.communities.models import Community, Kind, Role
from communa.moderation.models import Report
from communa.walls.actions import boards
from communa.walls.actions.comments import add_comment
from communa.walls.actions.posts import create_post
from communa.walls.models import (
    Album,
    Comment,
    HiddenPost,
    Like,
    Post,
    PostDocument,
    PostImage,
    PostRevision,
    Share,
    Topic,
)
from tests.factories import add_member, image_bytes, make_community, owner_of
from tests.support import Api


def tiny_png(width: int = 4, height: int = 4) -> bytes:
    """A real PNG of this size: small enough to keep hundreds of uploads fast."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 90, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_file(name: str = "photo.png", width: int = 4, height: int = 4) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_png(width, height), content_type="image/png")


def pdf_file(name: str = "rules.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n% a tiny document\n", content_type="application/pdf"
    )


def make_post(
    community: Community, author: User | None = None, body: str = "Sharpen weekly.", **data: Any
) -> Post:
    """A published post written through the action (the owner's, signed by them, by default).

    Signed by the author so that no audit entry is written: the matrix tests count them.
    """
    author = author or owner_of(community)
    data = {"body": body, "signed_as": "author", **data}
    images = data.pop("images", None)
    return create_post(actor=author, community=community, data=data, images=images)


def make_comment(post: Post, author: User, body: str = "Nice!", parent: Comment | None = None):
    return add_comment(actor=author, post=post, body=body, parent=parent)


def post_multipart(
    api: Api,
    path: str,
    payload: dict[str, Any] | None = None,
    images: list[SimpleUploadedFile] | None = None,
    document: SimpleUploadedFile | None = None,
):
    """POST a multipart form: the post's JSON in `payload`, its files in `images`/`document`."""
    data: dict[str, Any] = {}
    if payload is not None:
        data["payload"] = json.dumps(payload)
    if images:
        data["images"] = images
    if document is not None:
        data["document"] = document
    return api.client.post(f"/api{path}", data=data, headers=api.headers)


def row_counts() -> dict[str, int]:
    """How many rows each walls table holds: a refusal must leave every number as it was."""
    models = [
        Post,
        PostImage,
        PostDocument,
        PostRevision,
        Comment,
        Like,
        Share,
        HiddenPost,
        Report,
        Event,
    ]
    return {model.__name__: model.objects.count() for model in models}


def queries_of(call: Any) -> int:
    """How many SQL statements one call runs."""
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


# --- boards, events, documents and albums ---------------------------------------------------


def group(**data: Any) -> Community:
    return make_community(kind=Kind.GROUP, **data)


def event(**data: Any) -> Community:
    data.setdefault("event_starts_at", datetime(2031, 6, 1, 18, 30, tzinfo=UTC))
    data.setdefault("event_ends_at", datetime(2031, 6, 1, 21, 0, tzinfo=UTC))
    data.setdefault("event_place", "Town hall")
    return make_community(kind=Kind.EVENT, **data)


def moderator_of(community: Community):
    return add_member(community, role=Role.MODERATOR)


def editor_of(community: Community):
    return add_member(community, role=Role.EDITOR)


def topic_in(community: Community, author=None, title: str = "Hello", body: str = "") -> Topic:
    author = author or owner_of(community)
    return boards.start_topic(actor=author, community=community, title=title, body=body)


def album_in(community: Community, title: str = "Summer") -> Album:
    return boards.create_album(actor=owner_of(community), community=community, title=title)


def pdf_upload(name: str = "minutes.pdf", size: int = 0) -> SimpleUploadedFile:
    content = b"%PDF-1.4\n" + b"0" * max(size - 9, 20)
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def photo_upload(width: int = 40, height: int = 30, name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(width, height), content_type="image/png")
