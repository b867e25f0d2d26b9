"""What a wall kept whole is made of (walls.kept_walls): the page's rows as plain values, and which
of them a reader likes.

Read on every visitor's and reader's wall when the page itself comes from the cache, so each is
one statement written once (core.rows, ADR 0022) and no model is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Field

from communa.accounts.models import User, signed_in
from communa.communities.models import Community
from communa.core.pagination import Page, decode_cursor, page_of
from communa.core.rows import converters_of, read_ids, read_values
from communa.walls.models import Post, PostStatus
from communa.walls.selectors import _AFTER, _PAGE_ORDER, FeedCommunities, feed_condition

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
# The pinned post and the page in one statement (each part ordered and limited on its own).
_STAMP_PART = (
    f'SELECT %s AS "part", {_STAMP_SELECT} FROM "walls_post" t0'  # noqa: S608 - our columns
    ' INNER JOIN "accounts_user" u ON u."id" = t0."author_id"'
    ' WHERE t0."community_id" = %s AND t0."status" = %s AND {pinned}{after}'
    " ORDER BY {order} LIMIT {limit}"
)


def visitor_wall_stamps(
    *, community: Community, cursor: str | None, limit: int
) -> tuple[Page[Any], dict[str, Any] | None]:
    """The rows a visitor's wall page is made of, as plain values (no models are built): the page
    and, on the first page, the pinned post. The caller has checked that visitors see the wall.

    One statement written once (core.rows), not two built through the ORM: this is most of
    what a visitor's wall costs when the page itself comes from the cache.
    """
    base = [community.pk, PostStatus.PUBLISHED.value]
    after, cursor_params = "", []
    if cursor:
        moment, last_id = decode_cursor(cursor, [datetime, int])
        after, cursor_params = _AFTER, [moment, moment, moment, last_id]
    # The limits are written in, not bound (as core.rows.read_many writes them): PostgreSQL
    # then keeps one plan of the statement instead of planning it on every run.
    page_part = _STAMP_PART.format(
        pinned='NOT t0."pinned"', after=after, order=_PAGE_ORDER, limit=int(limit) + 1
    )
    sql = f"SELECT * FROM ({page_part}) AS page"  # noqa: S608 - our statement
    order = ' ORDER BY "part", "published_at" DESC, "id" DESC'
    params = [1, *base, *cursor_params]
    if not cursor:
        pinned_part = _STAMP_PART.format(pinned='t0."pinned"', after="", order='t0."id"', limit=1)
        sql = f"SELECT * FROM ({pinned_part}) AS pinned UNION ALL {sql}"  # noqa: S608
        params = [0, *base, *params]
    found = read_values(sql + order, params, converters_of([None, *_STAMP_FIELD_LIST]))
    rows = [dict(zip(STAMP_FIELDS, row[1:], strict=True)) for row in found if row[0] == 1]
    pinned = next((dict(zip(STAMP_FIELDS, r[1:], strict=True)) for r in found if r[0] == 0), None)
    return page_of(rows, limit, lambda last: [last["published_at"], last["id"]]), pinned


_FEED_STAMPS = (
    f'SELECT {_FEED_SELECT} FROM "walls_post" t0'  # noqa: S608 - our columns
    ' INNER JOIN "accounts_user" u ON u."id" = t0."author_id"'
    ' INNER JOIN "communities_community" c ON c."id" = t0."community_id"'
    " WHERE {where} ORDER BY {order} LIMIT {limit}"
)


def feed_stamps(
    *, actor: Any, communities: FeedCommunities, cursor: str | None, limit: int
) -> Page[Any]:
    """The rows a member's feed page is made of (`selectors.feed_page`'s posts), as plain
    values: FEED_STAMP_FIELDS of each, in one statement, no model built."""
    if not communities.walls:
        return Page(items=[], next_cursor=None)
    where, params = feed_condition(actor, communities.walls)
    if cursor:
        moment, last_id = decode_cursor(cursor, [datetime, int])
        where += _AFTER
        params = [*params, moment, moment, moment, last_id]
    sql = _FEED_STAMPS.format(where=where, order=_PAGE_ORDER, limit=int(limit) + 1)
    found = read_values(sql, params, converters_of(_FEED_FIELD_LIST))
    rows = [dict(zip(FEED_STAMP_FIELDS, row, strict=True)) for row in found]
    return page_of(rows, limit, lambda last: [last["published_at"], last["id"]])


# Which of a page's posts a person likes: what a wall page kept whole for every reader needs for
# this one (walls.kept_walls.VisitorWall). Only placeholders are put in; the ids go as parameters.
_LIKED_AMONG = (
    'SELECT "post_id" FROM "walls_like" WHERE "user_id" = %s AND "comment_id" IS NULL'
    ' AND "post_id" IN ({ids})'
)


def liked_among(actor: Any, post_ids: Sequence[int]) -> set[int]:
    """The ids among `post_ids` of the posts the actor likes (none for a visitor)."""
    if not signed_in(actor) or not post_ids:
        return set()
    sql = _LIKED_AMONG.format(ids=", ".join(["%s"] * len(post_ids)))
    return set(read_ids(sql, [actor.pk, *post_ids]))
