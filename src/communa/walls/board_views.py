"""Pages of discussion boards, event attendance, group documents and photo albums (R4.5, R4.6).

The forms here only carry what the browser sent; the actions judge it and their per-field
reasons land beside the fields (`core.web.show_error_on_form`). The attendance box answers htmx
with itself, so the buttons on the community home change it in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communa.accounts.http import AuthedRequest
from communa.communities.models import Community
from communa.communities.permissions import MEMBERS, Action, Standing, can, require
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.conf import int_setting
from communa.core.errors import NotFound, RateLimited, ValidationFailed
from communa.core.events import viewer_of
from communa.core.forms import MultipleFileField, MultipleFileInput
from communa.core.http import client_ip
from communa.core.pagination import next_page_link
from communa.core.web import answers_refusals, back_to, cursor_of, show_error_on_form
from communa.walls import board_selectors as selectors
from communa.walls.actions import boards as actions
from communa.walls.actions.comments import delete_comment
from communa.walls.board_api import calendar_response, document_download
from communa.walls.models import AttendanceStatus, Comment, Topic

View = Callable[..., HttpResponseBase]


# --- forms ----------------------------------------------------------------------------------


class TopicForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), required=False, strip=False)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("You can use Markdown: **bold**, *italic*, lists, quotes, links."),
    )


class TopicCommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", gettext_lazy("Not going")), *AttendanceStatus.choices], required=False
    )


class DocumentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    title = forms.CharField(
        label=gettext_lazy("Title"),
        required=False,
        help_text=gettext_lazy("Leave empty to use the file's name."),
    )


class AlbumForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PhotosForm(forms.Form):
    photos = MultipleFileField(
        label=gettext_lazy("Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
        help_text=gettext_lazy("JPEG, PNG, WebP or GIF; you can choose several at once."),
    )
    caption = forms.CharField(label=gettext_lazy("Caption"), required=False)


# --- shared helpers -------------------------------------------------------------------------


def _next_link(request: HttpRequest, cursor: str | None) -> str | None:
    return next_page_link(request, cursor)


def _may(community: Community, standing: Standing, action: Action) -> bool:
    return can(None, action, community, standing=standing)


def _context(community: Community, standing: Standing, current: str) -> dict[str, Any]:
    return {**page_context(community, standing, ""), "board_current": current}


def _login_url(next_path: str) -> str:
    return f"{reverse('accounts:login')}?{urlencode({'next': next_path})}"


def _page_size() -> int:
    return int_setting("PAGE_SIZE")


# --- discussion topics ----------------------------------------------------------------------


@require_GET
@answers_refusals
def topics(request: HttpRequest, slug: str) -> HttpResponse:
    """The discussion board: pinned topics first, then the most recently active."""
    community, standing = community_for(request.user, slug, Action.VIEW_WALL)
    page = selectors.topics_page(
        actor=request.user,
        community=community,
        cursor=cursor_of(request),
        limit=_page_size(),
        standing=standing,
    )
    return render(
        request,
        "walls/board_topics.html",
        {
            **_context(community, standing, "topics"),
            "topics": page.items,
            "next_link": _next_link(request, page.next_cursor),
            "may_start": _may(community, standing, Action.START_TOPIC),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def new_topic(request: AuthedRequest, slug: str) -> HttpResponse:
    """Start a discussion."""
    community, standing = community_for(request.user, slug, Action.VIEW_WALL)
    require(request.user, Action.START_TOPIC, community, standing=standing)
    form = TopicForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            topic = actions.start_topic(
                actor=request.user,
                community=community,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                ip=client_ip(request),
            )
        except (ValidationFailed, RateLimited) as exc:
            status = show_error_on_form(form, exc)
        else:
            return redirect("walls:topic", topic.pk)
    return render(
        request,
        "walls/board_topic_form.html",
        {**_context(community, standing, "topics"), "form": form, "topic": None},
        status=status,
    )


def _topic_page(
    request: HttpRequest,
    topic: Topic,
    standing: Standing,
    *,
    form: TopicCommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    community = topic.community
    page = selectors.topic_comments_page(
        actor=request.user, topic=topic, cursor=cursor_of(request), limit=_page_size()
    )
    user = request.user
    own = user.is_authenticated and topic.author_id == user.pk
    may_manage = _may(community, standing, Action.MANAGE_TOPICS)
    return render(
        request,
        "walls/board_topic.html",
        {
            **_context(community, standing, "topics"),
            "topic": topic,
            "comments": page.items,
            "next_link": _next_link(request, page.next_cursor),
            "may_comment": not topic.closed and _may(community, standing, Action.COMMENT),
            "may_manage": may_manage,
            "may_edit": own or may_manage,
            "may_delete_comments": _may(community, standing, Action.DELETE_COMMENTS),
            "form": form or TopicCommentForm(),
        },
        status=status,
    )


@require_GET
@answers_refusals
def topic(request: HttpRequest, topic_id: int) -> HttpResponse:
    """A discussion with its comments, oldest first, and the reply form."""
    found, standing = selectors.topic_for(actor=request.user, topic_id=topic_id)
    return _topic_page(request, found, standing)


@login_required
@require_POST
@answers_refusals
def topic_comment(request: AuthedRequest, topic_id: int) -> HttpResponse:
    """Comment in a discussion, or reply to one of its comments."""
    found, standing = selectors.topic_for(actor=request.user, topic_id=topic_id)
    form = TopicCommentForm(request.POST)
    if not form.is_valid():
        return _topic_page(request, found, standing, form=form, status=400)
    parent_id = form.cleaned_data["parent"]
    try:
        parent = (
            selectors.topic_comment(topic=found, comment_id=parent_id)
            if parent_id is not None
            else None
        )
        comment = actions.reply_in_topic(
            actor=request.user,
            topic=found,
            body=form.cleaned_data["body"],
            parent=parent,
            viewer=viewer_of(request),
            ip=client_ip(request),
        )
    except (ValidationFailed, RateLimited) as exc:
        status = show_error_on_form(form, exc)
        return _topic_page(request, found, standing, form=form, status=status)
    return HttpResponseRedirect(f"{reverse('walls:topic', args=[found.pk])}#comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def edit_topic(request: AuthedRequest, topic_id: int) -> HttpResponse:
    """Change a discussion's title or text (its author or the moderators)."""
    found, standing = selectors.topic_for(actor=request.user, topic_id=topic_id)
    form = TopicForm(request.POST or None, initial={"title": found.title, "body": found.body})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_topic(
                actor=request.user,
                topic=found,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationFailed as exc:
            status = show_error_on_form(form, exc)
        else:
            return redirect("walls:topic", found.pk)
    return render(
        request,
        "walls/board_topic_form.html",
        {**_context(found.community, standing, "topics"), "form": form, "topic": found},
        status=status,
    )


@login_required
@require_POST
@answers_refusals
def pin_topic(request: AuthedRequest, topic_id: int) -> HttpResponse:
    """Pin or unpin a discussion (moderators)."""
    found, _standing = selectors.topic_for(actor=request.user, topic_id=topic_id)
    if request.POST.get("action") == "unpin":
        actions.unpin_topic(actor=request.user, topic=found)
        messages.info(request, _("The discussion is no longer pinned."))
    else:
        actions.pin_topic(actor=request.user, topic=found)
        messages.success(request, _("The discussion is pinned to the top of the board."))
    return redirect("walls:topic", found.pk)


@login_required
@require_POST
@answers_refusals
def close_topic(request: AuthedRequest, topic_id: int) -> HttpResponse:
    """Close a discussion to new comments, or reopen it (moderators)."""
    found, _standing = selectors.topic_for(actor=request.user, topic_id=topic_id)
    if request.POST.get("action") == "reopen":
        actions.reopen_topic(actor=request.user, topic=found)
        messages.info(request, _("The discussion is open to comments again."))
    else:
        actions.close_topic(actor=request.user, topic=found)
        messages.success(request, _("The discussion is closed to new comments."))
    return redirect("walls:topic", found.pk)


@login_required
@require_POST
@answers_refusals
def delete_topic(request: AuthedRequest, topic_id: int) -> HttpResponse:
    """Delete a discussion (its author or the moderators)."""
    found, _standing = selectors.topic_for(actor=request.user, topic_id=topic_id)
    actions.delete_topic(actor=request.user, topic=found)
    messages.info(request, _("The discussion has been deleted."))
    return redirect("walls:topics", found.community.slug)


@login_required
@require_POST
@answers_refusals
def delete_topic_comment(request: AuthedRequest, comment_id: int) -> HttpResponse:
    """Delete a comment in a discussion: one's own, or any as a moderator."""
    comment = Comment.objects.filter(pk=comment_id, topic__isnull=False).first()
    if comment is None:
        raise NotFound
    found, _standing = selectors.topic_for(actor=request.user, topic_id=comment.topic_id)  # type: ignore[arg-type]
    comment.topic = found
    delete_comment(actor=request.user, comment=comment)
    messages.info(request, _("The comment has been deleted."))
    return HttpResponseRedirect(f"{reverse('walls:topic', args=[found.pk])}#comments")


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
