"""What the board pages share: their forms (which only carry what the browser sent; the
actions judge it) and small helpers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import (
    HttpRequest,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy

from communa.communities.models import Community
from communa.communities.permissions import Action, Standing, can
from communa.communities.views import page_context
from communa.core.conf import int_setting
from communa.core.forms import MultipleFileField, MultipleFileInput
from communa.core.pagination import next_page_link
from communa.walls.models import AttendanceStatus

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
