"""Event attendance with its calendar file, group documents and photo albums (R4.6). The
attendance box answers htmx with itself, so the buttons on the community home change it in place."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communa.accounts.http import AuthedRequest
from communa.communities.models import Community
from communa.communities.permissions import MEMBERS, Action, Standing
from communa.communities.selectors import community_for
from communa.core.conf import int_setting
from communa.core.errors import ValidationFailed
from communa.core.web import answers_refusals, back_to, cursor_of, show_error_on_form
from communa.walls import board_selectors as selectors
from communa.walls.actions import boards as actions
from communa.walls.board_api import calendar_response, document_download
from communa.walls.models import AttendanceStatus
from communa.walls.views._boards_shared import (
    AlbumForm,
    AttendanceForm,
    DocumentForm,
    PhotosForm,
    _context,
    _login_url,
    _may,
    _next_link,
    _page_size,
)

# --- event attendance -----------------------------------------------------------------------


def attendance_box_context(
    request: HttpRequest, community: Community, standing: Standing
) -> dict[str, Any]:
    """What the attendance box shows: the counts, the viewer's answer and what they may do."""
    summary = selectors.attendance_summary(
        actor=request.user, community=community, standing=standing
    )
    return {
        "community": community,
        "summary": summary,
        "may_attend": _may(community, standing, Action.ATTEND),
        "sees_attendees": standing.relation in MEMBERS,
        "has_date": community.event_starts_at is not None,
        "login_url": _login_url(reverse("communities:home", args=[community.slug])),
    }


@require_http_methods(["GET", "POST"])
@answers_refusals
def attendance(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the attendance box (htmx) or the page of who is going; POST: answer or withdraw."""
    community, standing = community_for(request.user, slug, Action.SEE)
    selectors.require_event(community)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(_login_url(request.path))
        form = AttendanceForm(request.POST)
        if not form.is_valid():
            raise ValidationFailed(fields={"status": [_("Choose going, maybe or not going.")]})
        status = form.cleaned_data["status"]
        if status:
            actions.set_attendance(actor=request.user, community=community, status=status)
        else:
            actions.remove_attendance(actor=request.user, community=community)
        if not getattr(request, "htmx", False):
            return back_to(request, reverse("walls:attendance", args=[community.slug]))
    box = attendance_box_context(request, community, standing)
    if getattr(request, "htmx", False):
        return render(request, "walls/board_attendance.html", {"box": box})
    going = maybe = None
    if box["sees_attendees"]:
        going = selectors.attendees_page(
            actor=request.user,
            community=community,
            status=AttendanceStatus.GOING,
            cursor=cursor_of(request),
            limit=_page_size(),
            standing=standing,
        )
        maybe = selectors.attendees_page(
            actor=request.user,
            community=community,
            status=AttendanceStatus.MAYBE,
            cursor=None,
            limit=_page_size(),
            standing=standing,
        )
    return render(
        request,
        "walls/board_attendance_page.html",
        {
            **_context(community, standing, "attendance"),
            "box": box,
            "going": going.items if going else [],
            "maybe": maybe.items if maybe else [],
            "next_link": _next_link(request, going.next_cursor) if going else None,
        },
    )


@require_GET
@answers_refusals
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """The event as an .ics file for a calendar."""
    community, _standing = community_for(request.user, slug, Action.SEE)
    return calendar_response(request, request.user, community)


# --- documents ------------------------------------------------------------------------------


def _media_page(
    request: HttpRequest,
    community: Community,
    standing: Standing,
    *,
    tab: str,
    list_page: Any,
    extra: dict[str, Any],
    status: int,
) -> HttpResponse:
    """A documents or albums tab: one page of its items, and the upload form for its editors."""
    page = list_page(
        actor=request.user,
        community=community,
        cursor=cursor_of(request),
        limit=_page_size(),
        standing=standing,
    )
    return render(
        request,
        f"walls/board_{tab}.html",
        {
            **_context(community, standing, tab),
            tab: page.items,
            "next_link": _next_link(request, page.next_cursor),
            "may_manage": _may(community, standing, Action.MANAGE_MEDIA),
            **extra,
        },
        status=status,
    )


def _documents_page(
    request: HttpRequest,
    community: Community,
    standing: Standing,
    *,
    form: DocumentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    extra = {
        "form": form or DocumentForm(),
        "max_mb": int_setting("DOCUMENT_MAX_BYTES") // (1024 * 1024),
    }
    return _media_page(
        request,
        community,
        standing,
        tab="documents",
        list_page=selectors.documents_page,
        extra=extra,
        status=status,
    )


@require_http_methods(["GET", "POST"])
@answers_refusals
def documents(request: HttpRequest, slug: str) -> HttpResponse:
    """A group's documents; its editors upload new ones here."""
    community, standing = community_for(request.user, slug, Action.VIEW_WALL)
    actions.require_group(community)
    if request.method == "GET":
        return _documents_page(request, community, standing)
    if not request.user.is_authenticated:
        return redirect(_login_url(request.path))
    form = DocumentForm(request.POST, request.FILES)
    upload = request.FILES.get("file")
    if not form.is_valid() or upload is None:
        if upload is None:
            form.add_error("file", _("Choose a file."))
        return _documents_page(request, community, standing, form=form, status=400)
    try:
        document = actions.add_document(
            actor=request.user,
            community=community,
            upload=upload,
            title=form.cleaned_data["title"],
            name=upload.name or "",
        )
    except ValidationFailed as exc:
        status = show_error_on_form(form, exc)
        return _documents_page(request, community, standing, form=form, status=status)
    messages.success(request, _("“%(title)s” has been added.") % {"title": document.title})
    return redirect("walls:documents", community.slug)


@require_GET
@answers_refusals
def download_document(request: HttpRequest, document_id: int) -> FileResponse:
    """Download a document, if the person may read the group."""
    document = selectors.document_for(actor=request.user, document_id=document_id)
    return document_download(document)


@login_required
@require_POST
@answers_refusals
def delete_document(request: AuthedRequest, document_id: int) -> HttpResponse:
    """Remove a document (the group's editors)."""
    document = selectors.document_for(actor=request.user, document_id=document_id)
    actions.delete_document(actor=request.user, document=document)
    messages.info(request, _("“%(title)s” has been removed.") % {"title": document.title})
    return redirect("walls:documents", document.community.slug)


# --- albums and photos ----------------------------------------------------------------------


def _albums_page(
    request: HttpRequest,
    community: Community,
    standing: Standing,
    *,
    form: AlbumForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return _media_page(
        request,
        community,
        standing,
        tab="albums",
        list_page=selectors.albums_page,
        extra={"form": form or AlbumForm()},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@answers_refusals
def albums(request: HttpRequest, slug: str) -> HttpResponse:
    """A community's photo albums; its editors create new ones here."""
    community, standing = community_for(request.user, slug, Action.VIEW_WALL)
    if request.method == "GET":
        return _albums_page(request, community, standing)
    if not request.user.is_authenticated:
        return redirect(_login_url(request.path))
    form = AlbumForm(request.POST)
    if not form.is_valid():
        return _albums_page(request, community, standing, form=form, status=400)
    try:
        album = actions.create_album(
            actor=request.user,
            community=community,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
        )
    except ValidationFailed as exc:
        status = show_error_on_form(form, exc)
        return _albums_page(request, community, standing, form=form, status=status)
    return redirect("walls:album", album.pk)


def _album_page(
    request: HttpRequest,
    album_id: int,
    *,
    form: PhotosForm | None = None,
    status: int = 200,
) -> HttpResponse:
    found, standing = selectors.album_for(actor=request.user, album_id=album_id)
    page = selectors.photos_page(album=found, cursor=cursor_of(request), limit=_page_size())
    return render(
        request,
        "walls/board_album.html",
        {
            **_context(found.community, standing, "albums"),
            "album": found,
            "photos": page.items,
            "next_link": _next_link(request, page.next_cursor),
            "may_manage": _may(found.community, standing, Action.MANAGE_MEDIA),
            "form": form or PhotosForm(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@answers_refusals
def album(request: HttpRequest, album_id: int) -> HttpResponse:
    """An album's photos, newest first; its community's editors add photos here."""
    if request.method == "GET":
        return _album_page(request, album_id)
    if not request.user.is_authenticated:
        return redirect(_login_url(request.path))
    found, _standing = selectors.album_for(actor=request.user, album_id=album_id)
    form = PhotosForm(request.POST, request.FILES)
    if not form.is_valid():
        return _album_page(request, album_id, form=form, status=400)
    try:
        added = actions.add_photos(
            actor=request.user,
            album=found,
            uploads=form.cleaned_data["photos"],
            caption=form.cleaned_data["caption"],
        )
    except ValidationFailed as exc:
        status = show_error_on_form(form, exc)
        return _album_page(request, album_id, form=form, status=status)
    messages.success(
        request,
        ngettext("%(count)d photo added.", "%(count)d photos added.", len(added))
        % {"count": len(added)},
    )
    return redirect("walls:album", found.pk)


@login_required
@require_POST
@answers_refusals
def delete_album(request: AuthedRequest, album_id: int) -> HttpResponse:
    """Remove an album with its photos (the community's editors)."""
    found, _standing = selectors.album_for(actor=request.user, album_id=album_id)
    actions.delete_album(actor=request.user, album=found)
    messages.info(request, _("“%(title)s” has been removed.") % {"title": found.title})
    return redirect("walls:albums", found.community.slug)


@login_required
@require_POST
@answers_refusals
def delete_photo(request: AuthedRequest, photo_id: int) -> HttpResponse:
    """Remove one photo (the community's editors)."""
    photo = selectors.photo_for(actor=request.user, photo_id=photo_id)
    actions.delete_photo(actor=request.user, photo=photo)
    messages.info(request, _("The photo has been removed."))
    return redirect("walls:album", photo.album_id)
