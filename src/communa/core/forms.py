"""Form pieces every app's pages share: the cursor of a keyset page, several files in one field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile


class CursorForm(forms.Form):
    """The `cursor` query parameter of a keyset page."""

    cursor = forms.CharField(required=False, max_length=500)


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that lets a person choose several files at once."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files under one name; the action checks how many and what they are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        return [file for file in files if file]
