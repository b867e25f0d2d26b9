"""The API front door's kit: one strict input base, one page shape, one page-size rule, choices
and moments that say what they accept. Every app's API builds on these; none keeps a copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Generic, TypeVar

from django.conf import settings
from django.http import HttpResponse
from ninja import Schema
from ninja.renderers import JSONRenderer
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

T = TypeVar("T")
S = TypeVar("S", bound="Schema")
ONE_DAY = timedelta(days=1)


class Strict(Schema):
    """Input: unknown fields are refused and nothing is coerced, so JSON `true` is no integer,
    `"yes"` or `1` is no boolean and `"5"` is no number. Moments are the one exception (`Moment`):
    JSON has no date type, so they come as ISO 8601 text."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Page(Schema, Generic[T]):
    """One keyset page: the items, and the cursor of the next page (null on the last page)."""

    items: list[T]
    next_cursor: str | None


class ErrorDetail(Schema):
    """What went wrong: `code` for programs, `message` for people, `fields` to blame."""

    code: str
    message: str
    fields: dict[str, list[str]]


class Error(Schema):
    """Every error of the API has this shape (docs/api.md); the front door lists the statuses
    all operations share, a router adds one only its operation answers (e.g. a wrong password)."""

    error: ErrorDetail


def _max_page_size() -> int:
    return int(settings.COMMUNA["MAX_PAGE_SIZE"])


# The one page-size rule (core.pagination.page_size applies the same bounds to every selector):
# 1 to MAX_PAGE_SIZE items, PAGE_SIZE when left out; anything else is a 422 naming `limit`.
PageLimit = Annotated[
    int | None,
    Field(
        ge=1,
        le=_max_page_size(),
        description="Items per page: 1 to the maximum; the instance's page size when left out.",
    ),
]
# An opaque keyset cursor: the `next_cursor` of the previous page.
# The id of a stored row: what the databases can hold (a larger number would never be found).
RowId = Annotated[int, Field(ge=1, le=2**63 - 1, description="The id of a row.")]

Cursor = Annotated[
    str | None,
    Field(max_length=500, description="The `next_cursor` of the previous page."),
]


class OneOf:
    """Metadata for `Annotated[str, OneOf(values)]`: one of the listed words, listed in OpenAPI.

    Unlike an enum type it keeps the value a plain string, and the refusal names the choices in
    the request's language (api.errors)."""

    def __init__(self, values: Iterable[Any]) -> None:
        self.values = tuple(str(value) for value in values)

    def _check(self, value: str) -> str:
        if value not in self.values:
            raise PydanticCustomError(
                "choice", "Choose one of: {choices}.", {"choices": ", ".join(self.values)}
            )
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found["enum"] = list(self.values)
        return found


def _storable(moment: datetime) -> datetime:
    """A moment the database can hold: it must have a UTC equivalent within years 1 to 9999."""
    try:
        if moment.tzinfo is not None:
            moment.astimezone(UTC)
        else:  # read later in the person's zone, up to a day away from UTC
            moment.replace(tzinfo=UTC) - ONE_DAY
            moment.replace(tzinfo=UTC) + ONE_DAY
    except (OverflowError, ValueError) as exc:
        raise PydanticCustomError("moment_range", "This date is out of range.") from exc
    return moment


# A date and time sent as ISO 8601 text (the one field type that is not strict, JSON having no
# date type); its UTC equivalent must lie within the years 1 to 9999.
Moment = Annotated[datetime, Field(strict=False), AfterValidator(_storable)]


def _day_text(value: Any) -> Any:
    """A day comes as text: a number is no day (lax dates would read 86400 as 1970-01-02)."""
    if value is not None and not isinstance(value, str | date):
        raise PydanticCustomError("date_type", "Expected a date such as 2026-01-31.")
    return value


# A calendar day sent as ISO 8601 text (`2026-03-29`): like `Moment`, not strict, JSON having no
# date type.
Day = Annotated[date, Field(strict=False), BeforeValidator(_day_text)]


def moment_in_range(moment: datetime | None) -> bool:
    """Whether the database can hold this moment (see `Moment`)."""
    if moment is None:
        return True
    try:
        _storable(moment)
    except PydanticCustomError:
        return False
    return True


__all__ = [
    "Cursor",
    "Day",
    "Error",
    "ErrorDetail",
    "Moment",
    "OneOf",
    "Page",
    "PageLimit",
    "Strict",
    "moment_in_range",
]


def render_checked(request: Any, data: Any) -> HttpResponse:
    """An answer whose parts were each checked against their schemas when they were built (the
    API's communities, `CheckedOnce`), rendered the way django-ninja renders one without checking
    the whole again: on a page of 30 posts the check cost a third of the request
    (docs/performance.md)."""
    return json_response(rendered_json(request, data))


def rendered_json(request: Any, data: Any) -> str:
    """JSON text of an answer already checked, rendered the way django-ninja renders one."""
    return str(_RENDERER.render(request, data, response_status=200))


class Rendered(str):
    """JSON text already rendered the way django-ninja renders an answer: a part of one, put in
    as it is by `rendered_answer`."""

    __slots__ = ()


def json_members(dumped: dict[str, Any]) -> str:
    """An object's members as django-ninja renders them, without the braces: a part of an
    object to join with others (`'"id": 1, "title": "Soup"'`; empty for an empty object)."""
    return rendered_json(None, dumped)[1:-1]


def rendered_answer(request: Any, answer: dict[str, Any]) -> str:
    """The JSON text of an answer (an object) as django-ninja renders it, but for its values
    already rendered (`Rendered`, alone or in a list), which are put in as they are: a page of
    posts kept as text is joined, not parsed and rendered again (docs/performance.md)."""
    members = []
    for name, value in answer.items():
        parts = value if isinstance(value, list) else [value]
        rendered = [isinstance(part, Rendered) for part in parts]
        if any(rendered) and not all(rendered):
            # Rendered again, a part would become a JSON string of JSON text.
            raise TypeError(f"{name}: a list of rendered parts and other values")
        if isinstance(value, Rendered):
            text = str(value)
        elif value and isinstance(value, list) and all(rendered):
            text = "[" + ", ".join(value) + "]"
        else:
            text = rendered_json(request, value)
        members.append(f"{rendered_json(request, str(name))}: {text}")
    return "{" + ", ".join(members) + "}"


def json_bool(value: Any) -> str:
    """A truth value as JSON writes it: to fill a slot, or to put in a rendered part."""
    return "true" if value else "false"


# Marks a slot in a rendered answer, to fill for each request (`slots`, `filled`): JSON text
# never holds a bare control character (json.dumps writes it as \u0000).
SLOT = "\x00"


def slots(text: str) -> tuple[str, ...]:
    """A rendered answer's text cut at its slots (`SLOT`): one more piece than slots."""
    return tuple(text.split(SLOT))


def filled(pieces: Sequence[str], values: Iterable[str]) -> str:
    """The text of `slots` with each slot filled, in order."""
    out = [pieces[0]]
    for value, piece in zip(values, pieces[1:], strict=True):
        out += (value, piece)
    return "".join(out)


def json_response(text: bytes | str) -> HttpResponse:
    """A 200 answer of JSON text already rendered (`rendered_answer`, `filled`)."""
    return HttpResponse(text, content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}")


_RENDERER = JSONRenderer()


class CheckedOnce(Generic[S]):
    """Parts of answers checked against `schema` once for each distinct input, in this process.

    Checking an item is a function of the item alone (for a schema with no resolver that reads
    the request), so an item seen before is given the dump made when it was first checked; an
    answer made of such parts is sent with `render_checked`. At most `size` items are kept; the
    whole memo starts again when it is full. A page of 30 communities spent half of its time in
    django-ninja's check of the answer (docs/performance.md).
    """

    def __init__(self, schema: type[S], *, size: int = 4096) -> None:
        self.schema = schema
        self.size = size
        self._kept: dict[str, dict[str, Any]] = {}

    def __call__(self, item: dict[str, Any]) -> dict[str, Any]:
        key = repr(item)
        found = self._kept.get(key)
        if found is None:
            found = self.schema.model_validate(item).model_dump()
            if len(self._kept) >= self.size:
                self._kept.clear()
            self._kept[key] = found
        return found
