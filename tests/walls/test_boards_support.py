"""Builders shared by the board, event, document and album tests (no tests of its own)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communa.communities.models import Community, Kind, Role
from communa.walls.actions import boards
from communa.walls.models import Album, Topic
from tests.communities.test_api_support import add_member, image_bytes, make_community, owner_of


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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
