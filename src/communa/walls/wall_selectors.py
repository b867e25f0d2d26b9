"""What a wall kept whole is made of (walls.kept_walls): the page's rows as plain values, and which
of them a reader likes.

Read on every visitor's and reader's wall when the page itself comes from the cache, so each is
one statement written once (core.rows, ADR 0022) and no model is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Field

from communa.accounts.models import User, signed_in
from communa.communities.models import Community
from communa.core.pagination import Page, decode_cursor, page_of
from communa.core.rows import converters_of, read_values
from communa.walls.models import Post, PostStatus
from communa.walls.selectors import (
    _AFTER,
    _MY_HELD,
    _PAGE_ORDER,
    FeedCommunities,
    feed_condition,
    held_params,
)

# What a visitor's wall shows of each post, besides what `content_version` stands for.
STAMP_FIELDS = (
    "id",
    "published_at",
    "created_at",
    "content_version",
    "has_widgets",
    "like_count",
    "comment_count",
    "share_count",
    "impression_count",
    "reach_count",
    "shared_from_id",
    "suggested_by_id",
    "author_id",
    "author__username",
    "author__display_name",
    "author__avatar",
)


# ... and what a member's feed shows besides: each post's community (the feed's cards name it).
FEED_STAMP_FIELDS = (
    *STAMP_FIELDS,
    "community_id",
    "profile_id",
    "pinned",
    "community__slug",
    "community__name",
    "community__avatar",
    "community__badges_version",
    "community__wall_mode",
    "community__privacy",
)

# The joined rows' prefixes: their model and their alias in the statements below.
_JOINED = {"author__": (User, "u"), "community__": (Community, "c")}


def _stamp_columns(names: Sequence[str]) -> tuple[str, list[Field]]:
    """The columns of `names` (STAMP_FIELDS), and their fields (for their converters)."""
    fields: list[Field] = []
    columns = []
    for name in names:
        prefix = next((p for p in _JOINED if name.startswith(p)), "")
        model, alias = _JOINED.get(prefix, (Post, "t0"))
        found = model._meta.get_field(name.removeprefix(prefix).removesuffix("_id"))
        assert isinstance(found, Field)  # noqa: S101 — the names are concrete columns
        field: Field = found
        fields.append(field)
        columns.append(f'{alias}."{field.column}"')
    return ", ".join(columns), fields


_STAMP_SELECT, _STAMP_FIELD_LIST = _stamp_columns(STAMP_FIELDS)
_FEED_SELECT, _FEED_FIELD_LIST = _stamp_columns(FEED_STAMP_FIELDS)
# Whether the reader likes the post (its parameter: the reader's id; a visitor's statement has
# FALSE instead): read with the rows, not in a statement of its own, and kept apart from them.
_LIKED = (
    'EXISTS (SELECT 1 FROM "walls_like" l WHERE l."post_id" = t0."id" AND l."user_id" = %s'
    ' AND l."comment_id" IS NULL)'
)
# The pinned post and the page in one statement (each part ordered and limited on its own).
_STAMP_PART = (
    f'SELECT %s AS "part", {_STAMP_SELECT}, {{liked}} AS "liked"'  # noqa: S608 - our columns
    ' FROM "walls_post" t0 INNER JOIN "accounts_user" u ON u."id" = t0."author_id"'
    ' WHERE t0."community_id" = %s AND t0."status" = %s AND {pinned}{after}'
    " ORDER BY {order} LIMIT {limit}"
)
# ... and whether the reader has a post the checks hold here (or refused): `selectors.my_held`.
_HELD_PART = (
    f'SELECT 2 AS "part", {_STAMP_SELECT}, FALSE AS "liked"'  # noqa: S608 - our columns
    ' FROM "walls_post" t0 INNER JOIN "accounts_user" u ON u."id" = t0."author_id"'
    f" WHERE {_MY_HELD} LIMIT 1"
)


@dataclass
class WallStamps:
    """A wall page's rows as plain values (the page, the pinned post on the first page), and of
    its reader: which of them they like, and whether they have a held post there (None: not
    asked)."""

    page: Page[Any]
    pinned: dict[str, Any] | None
    liked: set[int]
    held: bool | None = None


def _split(found: list[list[Any]], names: Sequence[str]) -> tuple[list[Any], set[int]]:
    """Rows of a stamps statement (the names' columns, then "liked") as dicts, and the ids of
    those the reader likes."""
    # Each row is the names' columns and "liked" last, which zip leaves out.
    rows = [dict(zip(names, row)) for row in found]  # noqa: B905 — one column more, by design
    return rows, {row["id"] for row, values in zip(rows, found, strict=True) if values[-1]}


def visitor_wall_stamps(
    *,
    community: Community,
    cursor: str | None,
    limit: int,
    reader: Any = None,
    held: bool = False,
) -> WallStamps:
    """The rows a visitor's wall page is made of, as plain values (no models are built): the page
    and, on the first page, the pinned post; for a `reader`, which of them they like, and with
    `held` whether they have a held post here. The caller has checked that the reader sees the
    wall.

    One statement written once (core.rows), not two built through the ORM: this is most of
    what a visitor's wall costs when the page itself comes from the cache.
    """
    liker = reader.pk if signed_in(reader) else None
    # A visitor likes nothing: no question asked. Asked with a NULL reader, PostgreSQL found a
    # plan made for the values (the question answered "no" before running) cheaper than its
    # kept one, and planned the statement again on every visitor's wall: 0.4-0.5 ms each time.
    likes, base = (
        (_LIKED, [liker, community.pk, PostStatus.PUBLISHED.value])
        if liker is not None
        else ("FALSE", [community.pk, PostStatus.PUBLISHED.value])
    )
    after, cursor_params = "", []
    if cursor:
        moment, last_id = decode_cursor(cursor, [datetime, int])
        after, cursor_params = _AFTER, [moment, moment, moment, last_id]
    # The limits are written in, not bound (as core.rows.read_many writes them): PostgreSQL
    # then keeps one plan of the statement instead of planning it on every run.
    page_part = _STAMP_PART.format(
        liked=likes, pinned='NOT t0."pinned"', after=after, order=_PAGE_ORDER, limit=int(limit) + 1
    )
    sql = f"SELECT * FROM ({page_part}) AS page"  # noqa: S608 - our statement
    order = ' ORDER BY "part", "published_at" DESC, "id" DESC'
    params = [1, *base, *cursor_params]
    if not cursor:
        pinned_part = _STAMP_PART.format(
            liked=likes, pinned='t0."pinned"', after="", order='t0."id"', limit=1
        )
        sql = f"SELECT * FROM ({pinned_part}) AS pinned UNION ALL {sql}"  # noqa: S608
        params = [0, *base, *params]
    asks_held = held and liker is not None
    if asks_held:
        sql = f"SELECT * FROM ({_HELD_PART}) AS held UNION ALL {sql}"  # noqa: S608
        params = [*held_params(community, reader), *params]
    found = read_values(sql + order, params, converters_of([None, *_STAMP_FIELD_LIST, None]))
    parts: dict[int, list[list[Any]]] = {0: [], 1: [], 2: []}
    for row in found:
        parts[row[0]].append(row[1:])
    rows, liked = _split(parts[1] + parts[0], STAMP_FIELDS)
    page_rows, pinned_rows = rows[: len(parts[1])], rows[len(parts[1]) :]
    return WallStamps(
        page_of(page_rows, limit, lambda last: [last["published_at"], last["id"]]),
        pinned_rows[0] if pinned_rows else None,
        liked,
        bool(parts[2]) if asks_held else None,
    )


_FEED_STAMPS = (
    f'SELECT {_FEED_SELECT}, {_LIKED} AS "liked" FROM "walls_post" t0'  # noqa: S608 - ours
    ' INNER JOIN "accounts_user" u ON u."id" = t0."author_id"'
    ' INNER JOIN "communities_community" c ON c."id" = t0."community_id"'
    " WHERE {where} ORDER BY {order} LIMIT {limit}"
)


def feed_stamps(
    *, actor: Any, communities: FeedCommunities, cursor: str | None, limit: int
) -> tuple[Page[Any], set[int]]:
    """The rows a member's feed page is made of (`selectors.feed_page`'s posts), as plain
    values: FEED_STAMP_FIELDS of each, in one statement, no model built; and which of them the
    member likes."""
    if not communities.walls:
        return Page(items=[], next_cursor=None), set()
    where, params = feed_condition(actor, communities.walls)
    if cursor:
        moment, last_id = decode_cursor(cursor, [datetime, int])
        where += _AFTER
        params = [*params, moment, moment, moment, last_id]
    sql = _FEED_STAMPS.format(where=where, order=_PAGE_ORDER, limit=int(limit) + 1)
    found = read_values(sql, [actor.pk, *params], converters_of([*_FEED_FIELD_LIST, None]))
    rows, liked = _split(found, FEED_STAMP_FIELDS)
    page = page_of(rows, limit, lambda last: [last["published_at"], last["id"]])
    return page, liked & {row["id"] for row in page.items}
