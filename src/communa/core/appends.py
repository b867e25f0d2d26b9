"""Many rows appended to one table at once: COPY on PostgreSQL, one prepared INSERT elsewhere.

The worker's flush of buffered impressions appends about thirty event rows per page view
(ADR 0008). Through `bulk_create` each row was a model instance whose fields were prepared one by
one and sent as a multi-row INSERT that the driver parsed again: 60,000 rows took 3.4 s of the
worker's time on PostgreSQL. The same rows through COPY take 0.3 s (docs/performance.md).

`append_rows` takes plain tuples in the order of the columns named. Values go as the driver
takes them (ints, strings, None); datetimes are adapted per backend the way the ORM adapts a
`DateTimeField` (SQLite stores naive UTC text). Nothing here runs model `save()` logic or
signals: use it only for append-only tables whose rows need none (events).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connections
from django.db.models import DateTimeField, Model

# Rows of one INSERT where COPY is not available: far below SQLite's limit on parameters.
_INSERT_ROWS = 100


def _preparers(
    model: type[Model], columns: Sequence[str], connection: Any
) -> list[Callable[[Any], Any] | None]:
    """What turns each value into the driver's (None: the value as it is)."""
    preparers: list[Callable[[Any], Any] | None] = []
    # PostgreSQL takes an aware moment as it is (the ORM's preparing returns it unchanged).
    aware_as_is = connection.vendor == "postgresql"
    for name in columns:
        field = model._meta.get_field(name)
        if isinstance(field, DateTimeField):
            last: list[Any] = [object(), None]

            def prepare(value: Any, field: DateTimeField = field, last: list[Any] = last) -> Any:
                if aware_as_is and isinstance(value, datetime) and value.tzinfo is not None:
                    return value
                # A batch repeats one moment for many rows: prepare it once.
                if value is not last[0]:
                    last[0], last[1] = value, field.get_db_prep_save(value, connection)
                return last[1]

            preparers.append(prepare)
        else:
            preparers.append(None)
    return preparers


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return column


def append_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    using: str = "default",
) -> int:
    """Append the rows to the model's table; return how many were written.

    `columns` are field names (the attribute names of foreign keys, `post_id`, are accepted).
    Call it inside the caller's transaction when the rows must land with other writes.
    """
    connection = connections[using]
    names = [_column(model, name) for name in columns]
    preparers = _preparers(model, columns, connection)
    rows = list(rows)
    prepared = (
        tuple(v if prep is None else prep(v) for v, prep in zip(row, preparers, strict=True))
        for row in rows
    )
    table = connection.ops.quote_name(model._meta.db_table)
    column_list = ", ".join(connection.ops.quote_name(name) for name in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({column_list}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                try:
                    text = _copy_text(rows, preparers)
                except TypeError:  # a value of a kind written here as the driver writes it
                    for row in prepared:
                        copy.write_row(row)
                else:
                    copy.write(text)
            return len(rows)
        one = "(" + ", ".join(["%s"] * len(names)) + ")"
        chunk = list(itertools.islice(prepared, _INSERT_ROWS))
        while chunk:
            values = ", ".join([one] * len(chunk))
            sql = f"INSERT INTO {table} ({column_list}) VALUES {values}"  # noqa: S608 - our names
            cursor.execute(sql, [value for row in chunk for value in row])
            chunk = list(itertools.islice(prepared, _INSERT_ROWS))
    return len(rows)


def _copy_text(rows: list[Sequence[Any]], preparers: list[Callable[[Any], Any] | None]) -> str:
    """The rows in COPY's text format, each distinct value of a column formatted once (a batch
    of page views repeats its moments, viewers and communities).

    Column by column: the distinct values are formatted in Python, then every row's text is
    looked up and joined by `map`, outside the interpreter's loop. Row by row, with a lookup per
    value, this was most of the worker's time per impression (docs/performance.md).
    """
    if not rows:
        return ""
    columns = list(zip(*rows, strict=True))
    texts = []
    for values, prepare in zip(columns, preparers, strict=True):
        formatted = {
            value: _copy_value(value if prepare is None else prepare(value))
            for value in set(values)
        }
        texts.append(map(formatted.__getitem__, values))
    return "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"


# COPY's text format: a backslash starts an escape; tabs and line ends separate.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError("a naive moment: let the driver say what it means")
        return value.isoformat()
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    raise TypeError(type(value).__name__)
