"""What an author wrote lately, newest first, for the automatic checks' repeat and burst rules
(`core.gate.ModeratedContent.recent_texts`, answered by walls).

Read on its own before every checked post and comment (one statement written once), or, when a
member comments through the API, in the statement that reads the post they comment on
(`recent_texts_beside`, one round trip less): the rows are then kept on the author for the
check that follows (`keep_recent_texts`), which takes them once.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from typing import Any

from django.db import connections
from django.db.models import TextField

from communa.core.rows import converters_of, read_values
from communa.walls.models import Post

# Each table's newest first by its (author, created_at) index, the limit written in, and the
# author and the moment asked as scalar subqueries: PostgreSQL then estimates the statement
# alike whatever the values, and keeps one plan of it after five runs. Bound plainly, with the
# order and the limit only outside, a plan kept for any values went through every post (25 ms),
# so PostgreSQL planned the statement again before every checked text: 0.12-0.16 ms, against
# 0.015 ms now (docs/performance.md).
_RECENT_PART = (
    'SELECT "body", "created_at" FROM "{table}"'
    ' WHERE "author_id" = (SELECT %s) AND "created_at" >= (SELECT %s)'
    ' ORDER BY "created_at" DESC LIMIT {limit}'
)
_RECENT_EACH = " UNION ALL ".join(
    f"SELECT * FROM ({_RECENT_PART.format(table=table, limit='{limit}')}) AS {table}"  # noqa: S608
    for table in ("walls_post", "walls_comment", "walls_topic")
)
_RECENT_TEXTS = (
    f'SELECT "body", "created_at" FROM ({_RECENT_EACH}) AS recent'  # noqa: S608 - ours
    ' ORDER BY "created_at" DESC LIMIT {limit}'
)
# The same rows as one JSON text, a column of another statement: [[body, created_at], ...].
_AS_JSON = {
    "postgresql": 'CAST(json_agg(json_build_array(r."body", r."created_at")) AS TEXT)',
    "sqlite": 'json_group_array(json_array(r."body", r."created_at"))',
}
# The extra column's field: one instance, so that the statement it belongs to is written once
# (`core.rows` keys its statements by it).
_JSON_TEXT = TextField()
# Where `keep_recent_texts` leaves the rows on the author: (since, limit, rows).
_KEPT = "_walls_recent_texts"


@functools.cache
def _texts_sql(limit: int) -> str:
    return _RECENT_TEXTS.format(limit=limit)


@functools.cache
def _json_column(vendor: str, limit: int) -> str:
    return f"(SELECT {_AS_JSON[vendor]} FROM ({_texts_sql(limit)}) AS r)"  # noqa: S608 - ours


def _params(author: Any, since: datetime) -> list[Any]:
    return [author.pk, since] * 3


def recent_texts(author: Any, since: datetime, limit: int) -> list[tuple[str, datetime]]:
    """What the author wrote since then in posts, comments and topics, newest first, at most
    `limit`: the rows read with the post they comment on when they cover this span (taken
    once), else read now."""
    kept = author.__dict__.pop(_KEPT, None)
    if kept is not None and kept[0] <= since and kept[1] >= limit:
        return [(body, at) for body, at in kept[2] if at >= since][:limit]
    # Asked before every checked post and comment: a statement written once (core.rows).
    converters = converters_of([Post._meta.get_field("body"), Post._meta.get_field("created_at")])
    sql = _texts_sql(int(limit))
    return [(body, at) for body, at in read_values(sql, _params(author, since), converters)]


def recent_texts_beside(
    author: Any, since: datetime, limit: int, *, using: str = "default"
) -> tuple[tuple[str, str, TextField], list[Any]]:
    """The author's recent texts as an extra column of another statement (`core.rows`
    `extra`), with its parameters; `keep_recent_texts` takes what it read."""
    expression = _json_column(connections[using].vendor, int(limit))
    return (_KEPT, expression, _JSON_TEXT), _params(author, since)


def keep_recent_texts(author: Any, row: Any, since: datetime, limit: int) -> None:
    """Leave the texts read with `row` on the author, for the check of the text that follows."""
    text = row.__dict__.pop(_KEPT, None)
    rows = [(body, _moment(at)) for body, at in json.loads(text or "[]")]
    rows.sort(key=lambda pair: pair[1], reverse=True)
    author.__dict__[_KEPT] = (since, limit, rows)


def forget_recent_texts(author: Any) -> None:
    """Drop what was kept and not taken (the text was not checked against the history)."""
    author.__dict__.pop(_KEPT, None)


def _moment(value: str) -> datetime:
    """A time as the JSON functions write it: ISO 8601 with its offset (PostgreSQL), or the
    stored text in UTC without one (SQLite)."""
    at = datetime.fromisoformat(value)
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
