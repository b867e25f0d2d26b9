"""JSON body parser that refuses what no database can store or no person means: NUL characters
and lone surrogates in text, NaN and Infinity, nesting deeper than any of our schemas."""

from __future__ import annotations

import json
import math
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser

from communa.core.errors import DomainError


class UnstorableText(DomainError):
    """A string in the body holds a NUL or an unpaired surrogate (PostgreSQL refuses both)."""

    code = "invalid_text"


class MalformedBody(DomainError):
    """JSON that Python reads but no schema accepts: NaN, Infinity, absurd nesting."""

    code = "malformed_json"


# No schema of the API nests deeper than a handful of levels; a deeper body is an attack or a bug.
MAX_DEPTH = 32


def _refuse_constant(name: str) -> Any:
    raise MalformedBody(
        _("The request body is not valid JSON."),
        fields={"body": [_("NaN and Infinity are not JSON numbers.")]},
    )


def _check(value: Any, path: str, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise MalformedBody(
            _("The request body is nested too deeply."),
            fields={
                path or "body": [
                    _("Nest lists and objects at most %(n)d levels deep.") % {"n": MAX_DEPTH}
                ]
            },
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise MalformedBody(
            _("The request body is not valid JSON."),
            fields={path or "body": [_("Send a finite number.")]},
        )
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
            _check(key, path, depth + 1)
            _check(item, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{path}.{index}" if path else str(index), depth + 1)


class SafeJsonParser(Parser):
    """Ninja's JSON parsing plus the checks above; every refusal is a 400 in the error shape."""

    def parse_body(self, request: HttpRequest) -> Any:
        if not request.body.strip():
            # No body is an empty object: an operation whose fields are all optional (approve a
            # draft for its planned time) needs none; a required field is then a 422 naming it.
            return {}
        try:
            data = json.loads(request.body, parse_constant=_refuse_constant)
        except RecursionError as exc:
            raise MalformedBody(
                _("The request body is nested too deeply."),
                fields={
                    "body": [
                        _("Nest lists and objects at most %(n)d levels deep.") % {"n": MAX_DEPTH}
                    ]
                },
            ) from exc
        _check(data, "")
        return data
