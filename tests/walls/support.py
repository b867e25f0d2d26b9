"""Builders shared by the walls tests (this module holds no tests of its own)."""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from communa.accounts.models import User
from communa.analytics.models import Event
from communa.communities.models import Community
from communa.moderation.models import Report
from communa.walls.actions.comments import add_comment
from communa.walls.actions.posts import create_post
from communa.walls.models import (
    Comment,
    HiddenPost,
    Like,
    Post,
    PostDocument,
    PostImage,
    PostRevision,
    Share,
)
from tests.communities.test_api_support import owner_of
from tests.conftest import Api


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
