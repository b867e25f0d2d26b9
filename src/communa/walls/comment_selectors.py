"""A post's or a topic's comments, a page at a time, each with the replies the reader may see.

From statements written once (core.rows, ADR 0022): built through the ORM (a keyset page with a
prefetch of replies), they were half of a post page's time (docs/performance.md). The page and
its cursor are those `keyset_page` gives for the order (created_at, id).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models.fields import BooleanField

from communa.accounts.models import signed_in
from communa.core.pagination import Page, decode_cursor, page_of
from communa.core.rows import read_many, read_rows
from communa.walls.models import Comment, CommentStatus, Post

_COMMENT_LIKED = (
    (
        "liked",
        'EXISTS (SELECT 1 FROM "walls_like" l WHERE l."user_id" = %s AND l."comment_id" = t0."id")',
        BooleanField(),
    ),
)
_COMMENT_AFTER = (
    ' AND t0."created_at" >= %s'
    ' AND (t0."created_at" > %s OR (t0."created_at" = %s AND t0."id" > %s))'
)


def _comment_rows(
    actor: Any, where: str, before: list[Any], after: list[Any], *, limit: int | None
) -> list[Comment]:
    """Comments matching `where` that the actor may see, oldest first, with their authors.

    `{shown}` in `where` stands for what the actor may see: visible comments and (R5.2) their
    own held or refused ones, shown in place and marked. `before` and `after` are the
    parameters of `where` before and after it."""
    member = signed_in(actor)
    shown, shown_params = 't0."status" = %s', [CommentStatus.VISIBLE.value]
    if member:
        shown = f'({shown} OR (t0."status" IN (%s, %s) AND t0."author_id" = %s))'
        shown_params += [CommentStatus.HELD.value, CommentStatus.REJECTED.value, actor.pk]
    rows = read_many(
        Comment,
        where.format(shown=shown),
        [*([actor.pk] if member else []), *before, *shown_params, *after],
        order_by='t0."created_at", t0."id"',
        limit=limit,
        join=("author",),
        extra=_COMMENT_LIKED if member else (),
    )
    if not member:
        for comment in rows:
            comment.liked = False  # type: ignore[attr-defined]
    return rows


def comments_page(
    *, actor: Any, post: Post | None = None, topic: Any = None, cursor: str | None, limit: int
) -> Page[Comment]:
    """Top-level comments, oldest first, each with its replies; deleted ones with replies stay."""
    owner = 't0."post_id"' if post is not None else 't0."topic_id"'
    # A comment with replies stays, whatever its state, so its thread keeps its place.
    where = f'{owner} = %s AND t0."parent_id" IS NULL AND ({{shown}} OR t0."reply_count" > 0)'
    after: list[Any] = []
    if cursor:
        moment, last_id = decode_cursor(cursor, [datetime, int])
        where += _COMMENT_AFTER
        after = [moment, moment, moment, last_id]
    owner_id = post.pk if post is not None else topic.pk
    page = page_of(
        _comment_rows(actor, where, [owner_id], after, limit=limit + 1),
        limit,
        lambda last: [last.created_at, last.pk],
    )
    items = page.items
    if items:
        ids = [comment.pk for comment in items]
        marks = ", ".join(["%s"] * len(ids))
        replies = _comment_rows(
            actor, f't0."parent_id" IN ({marks}) AND {{shown}}', ids, [], limit=None
        )
        by_parent: dict[int, list[Comment]] = {}
        for reply in replies:
            by_parent.setdefault(reply.parent_id, []).append(reply)  # type: ignore[arg-type]
        for comment in items:
            comment.visible_replies = by_parent.get(comment.pk, [])  # type: ignore[attr-defined]
    return page


# A visitor's first page of a post's comments: the top-level comments of the page (one more,
# which says whether a next page exists), then the visible replies to those of the page.
_VISITOR_TOP = (
    't0."post_id" = %s AND t0."parent_id" IS NULL AND (t0."status" = %s OR t0."reply_count" > 0)'
)


class VisitorComments:
    """A visitor's first page of a post's comments, read as rows: the rows as the database
    sent them (`stamp`, what a kept page names) and, only when the page must be built, the
    page built from those very rows (`page`, as `comments_page` gives it to a visitor)."""

    def __init__(self, post: Post, limit: int) -> None:
        self.limit = limit
        visible = CommentStatus.VISIBLE.value
        order = 't0."created_at", t0."id"'
        self.top = read_rows(
            Comment,
            _VISITOR_TOP,
            [post.pk, visible],
            order_by=order,
            limit=limit + 1,
            join=("author",),
        )
        shown = self.top.rows[:limit]
        self.replies = None
        if shown:
            marks = ", ".join(["%s"] * len(shown))
            self.replies = read_rows(
                Comment,
                f't0."parent_id" IN ({marks}) AND t0."status" = %s',
                [row[self.top.pk_position] for row in shown] + [visible],
                order_by=order,
                limit=None,
                join=("author",),
            )

    @property
    def stamp(self) -> tuple[tuple[Any, ...], ...]:
        replies = self.replies.rows if self.replies is not None else []
        return (*(tuple(row) for row in self.top.rows), (), *(tuple(row) for row in replies))

    def page(self) -> Page[Comment]:
        top = self.top.models()
        replies = self.replies.models() if self.replies is not None else []
        for comment in (*top, *replies):
            comment.liked = False
        page = page_of(top, self.limit, lambda last: [last.created_at, last.pk])
        by_parent: dict[int, list[Comment]] = {}
        for reply in replies:
            by_parent.setdefault(reply.parent_id, []).append(reply)
        for comment in page.items:
            comment.visible_replies = by_parent.get(comment.pk, [])
        return page
