"""Keyset paging: a page is "the next N rows after this one in a fixed order", never an OFFSET.

The cursor is an opaque, URL-safe token of the last row's ordering values, so rows inserted while
a person pages never make an item appear twice or go missing.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import DateTimeField, Model, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from communa.core.conf import int_setting
from communa.core.errors import ValidationFailed

T = TypeVar("T", bound=Model)


@dataclass
class Page(Generic[T]):
    """One page of rows and the cursor of the next page (None on the last page)."""

    items: list[T]
    next_cursor: str | None


def _encode(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str, count: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != count:
        raise ValidationFailed(fields={"cursor": [_("This page cursor is not valid.")]})
    return values


def _is_datetime(model: type[Model], name: str) -> bool:
    try:
        return isinstance(model._meta.get_field(name), DateTimeField)
    except FieldDoesNotExist:
        return False  # an annotation, such as a search rank


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
        values = _decode(cursor, len(names))
        # Cursors carry datetimes as ISO text; the model says which ordering fields to parse back.
        datetime_fields = {name for name in names if _is_datetime(queryset.model, name)}
        try:
            for index, name in enumerate(names):
                if name in datetime_fields and values[index] is not None:
                    values[index] = parse_datetime(values[index])
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
        except (ValueError, TypeError, DjangoValidationError) as exc:
            # A tampered cursor: values of the wrong type (or None) fail as the filter is built.
            raise ValidationFailed(
                fields={"cursor": [_("This page cursor is not valid.")]}
            ) from exc
    rows = list(queryset[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit and items:
        last = items[-1]
        next_cursor = _encode([getattr(last, name) for name in names])
    return Page(items=items, next_cursor=next_cursor)


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
