"""JSON body parser that refuses text no database can store (NUL characters, lone surrogates)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser

from communa.core.errors import DomainError


class UnstorableText(DomainError):
    """A string in the body holds a NUL or an unpaired surrogate (PostgreSQL refuses both)."""

    code = "invalid_text"


def _check(value: Any, path: str) -> None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            bad = True
        else:
            bad = "\x00" in value
        if bad:
            field = path or "body"
            raise UnstorableText(
                _("Text may not contain NUL characters or unpaired surrogates."),
                fields={field: [_("Remove the NUL character or invalid Unicode from this text.")]},
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, path)
            _check(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{path}.{index}" if path else str(index))


class SafeJsonParser(Parser):
    """Ninja's JSON parsing plus the text check above."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        _check(data, "")
        return data
