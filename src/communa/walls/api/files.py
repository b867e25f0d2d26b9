"""The API of a group's documents and photo albums (R4.6)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from ninja import File, Form, Status
from ninja.files import UploadedFile

from communa.accounts.authentication import VisitorRequest, anyone
from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.pagination import page_size
from communa.core.schemas import Cursor, Page, PageLimit
from communa.walls import board_selectors as selectors
from communa.walls.actions import boards as actions
from communa.walls.api.boards import (
    AlbumDetailOut,
    AlbumIn,
    AlbumOut,
    DocumentOut,
    PhotoOut,
    album_out,
    document_out,
    photo_out,
)
from communa.walls.api.routers import boards_router as router
from communa.walls.models import (
    Document,
)

OPERATION_ID_PREFIX = "communa_walls_board_api"


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
