"""Keyset paging: a page is "the next N rows after this one in a fixed order", never an OFFSET.

The cursor is an opaque, URL-safe token of the last row's ordering values, so rows inserted while
a person pages never make an item appear twice or go missing.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import (
    AutoField,
    BigAutoField,
    BooleanField,
    DateTimeField,
    DecimalField,
    FloatField,
    ForeignKey,
    IntegerField,
    Model,
    Q,
    QuerySet,
    SmallAutoField,
)
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from communa.core.conf import int_setting
from communa.core.errors import ValidationFailed
from communa.core.schemas import moment_in_range

T = TypeVar("T", bound=Model)


@dataclass
class Page(Generic[T]):
    """One page of rows and the cursor of the next page (None on the last page)."""

    items: list[T]
    next_cursor: str | None


# What a cursor position may hold, checked before it reaches the database: a moment (ISO text),
# a whole number within 64 bits, a finite number, a yes/no, or text. `None` is allowed where the
# column is nullable. Anything else (NaN, Infinity, 1e400, a date past 9999, a list) is refused.
CursorValue = type[datetime] | type[int] | type[float] | type[str] | type[bool] | tuple[type, ...]
LOWEST, HIGHEST = -(2**63), 2**63 - 1


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed(fields={"cursor": [_("This page cursor is not valid.")]})


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)  # NaN, Infinity and -Infinity are not JSON


def encode_cursor(values: Sequence[Any]) -> str:
    """The opaque, URL-safe cursor of a row's ordering values (moments as ISO text)."""
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _checked(value: Any, kind: CursorValue, nullable: bool) -> Any:
    if value is None:
        if nullable:
            return None
        raise _invalid_cursor()
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if datetime in kinds and isinstance(value, str):
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None and moment_in_range(moment):
            return moment
        if kinds == (datetime,):
            raise _invalid_cursor()
    if isinstance(value, bool):
        if bool in kinds:
            return value
        raise _invalid_cursor()
    if int in kinds and isinstance(value, int) and LOWEST <= value <= HIGHEST:
        return value
    if float in kinds and isinstance(value, int | float) and math.isfinite(value):
        if isinstance(value, int) and not LOWEST <= value <= HIGHEST:
            raise _invalid_cursor()
        return value
    if str in kinds and isinstance(value, str):
        return value
    raise _invalid_cursor()


def decode_cursor(
    cursor: str, kinds: Sequence[CursorValue], *, nullable: Sequence[bool] | None = None
) -> list[Any]:
    """The values of a cursor from `encode_cursor`, each checked against its kind.

    A cursor that was not made by the server, or that holds a value the database cannot compare
    (NaN, Infinity, a number past 64 bits, a moment past the year 9999), is a 422 naming `cursor`.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(
            base64.urlsafe_b64decode(padded.encode()).decode(), parse_constant=_refuse_constant
        )
    except (ValueError, UnicodeDecodeError, RecursionError):
        values = None
    if not isinstance(values, list) or len(values) != len(kinds):
        raise _invalid_cursor()
    allowed = list(nullable) if nullable is not None else [False] * len(kinds)
    return [
        _checked(value, kind, allowed[index])
        for index, (value, kind) in enumerate(zip(values, kinds, strict=True))
    ]


ANY_VALUE: tuple[type, ...] = (datetime, int, float, str, bool)


# Column types and what a cursor holds for them, most specific first (AutoField is no IntegerField).
FIELD_KINDS: list[tuple[tuple[type, ...], CursorValue]] = [
    ((DateTimeField,), datetime),
    ((BooleanField,), bool),
    ((IntegerField, AutoField, BigAutoField, SmallAutoField), int),
    ((FloatField, DecimalField), float),
    ((ForeignKey,), (int, str)),
]


def _kind_of(model: type[Model], name: str) -> tuple[CursorValue, bool]:
    """What the cursor may hold for an ordering field, and whether it may be null."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return ANY_VALUE, True  # an annotation, such as a search rank
    nullable = bool(getattr(field, "null", False))
    for classes, kind in FIELD_KINDS:
        if isinstance(field, classes):
            return kind, nullable
    return str, nullable


def page_of(rows: Sequence[T], limit: int, cursor_values: Callable[[T], list[Any]]) -> Page[T]:
    """A page from up to `limit + 1` rows read in order: the extra row only says that a next
    page exists, whose cursor holds `cursor_values` of this page's last row."""
    items = list(rows[:limit])
    if len(rows) > limit and items:
        return Page(items=items, next_cursor=encode_cursor(cursor_values(items[-1])))
    return Page(items=items, next_cursor=None)


def keyset_page(
    queryset: QuerySet[T],
    ordering: list[str],
    *,
    cursor: str | None,
    limit: int,
) -> Page[T]:
    """Rows of `queryset` in `ordering` ("-field" descending) that come after `cursor`.

    The last ordering field must be unique (usually "-id") so the order is total. Reads one
    more row than asked to learn whether a next page exists: always one query.
    """
    names = [field.lstrip("-") for field in ordering]
    queryset = queryset.order_by(*ordering)
    if cursor:
        # The model says what each ordering field may hold; moments come back as datetimes.
        kinds = [_kind_of(queryset.model, name) for name in names]
        values = decode_cursor(
            cursor, [kind for kind, _null in kinds], nullable=[null for _kind, null in kinds]
        )
        try:
            after = Q()
            for index, field in enumerate(ordering):
                name = names[index]
                lookup = f"{name}__lt" if field.startswith("-") else f"{name}__gt"
                equal_before = Q(**{names[i]: values[i] for i in range(index)})
                after |= equal_before & Q(**{lookup: values[index]})
            # The redundant bound on the first field lets the database range-scan its index
            # instead of testing the OR for every row before the cursor.
            first = f"{names[0]}__lte" if ordering[0].startswith("-") else f"{names[0]}__gte"
            if values[0] is not None:
                after &= Q(**{first: values[0]})
            queryset = queryset.filter(after)
        except (ValueError, TypeError, OverflowError, DjangoValidationError) as exc:
            # A tampered cursor whose values pass the checks above but not the field's own.
            raise _invalid_cursor() from exc
    # Rows are model instances, or dictionaries from `.values()`.
    return page_of(
        list(queryset[: limit + 1]),
        limit,
        lambda last: [last[n] if isinstance(last, dict) else getattr(last, n) for n in names],
    )


def next_page_link(request: Any, cursor: str | None, *, with_path: bool = False) -> str | None:
    """The link to the next page: this request's query with its cursor replaced (None at the end).

    `with_path` prefixes the request's path, for links used outside the page they point to.
    """
    from django.http import QueryDict

    if not cursor:
        return None
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key != "cursor":
            query.setlist(key, values)
    query["cursor"] = cursor
    return f"{request.path if with_path else ''}?{query.urlencode()}"


def page_size(limit: int | None) -> int:
    """The page size asked for, or PAGE_SIZE; outside 1..MAX_PAGE_SIZE is a 422 naming `limit`."""
    if limit is None:
        return int_setting("PAGE_SIZE")
    most = int_setting("MAX_PAGE_SIZE")
    if not 1 <= limit <= most:
        raise ValidationFailed(
            fields={"limit": [_("Ask for 1 to %(max)d items per page.") % {"max": most}]}
        )
    return limit
