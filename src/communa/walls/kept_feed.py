"""A member's feed page of posts kept whole: the same for every member who gets the same posts,
but for their likes and their form token (ADR 0009, "Later additions").

A feed page is built from 30 posts of as many communities: their cards were kept one by one,
yet putting a page together from them (a model per post, a key per card, the page's template)
cost more than the rest of the request. Kept whole, a page costs one statement for its rows as
plain values (`wall_selectors.feed_stamps`), one cache read, and the reader's likes pressed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, ClassVar

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from communa.core.conf import int_setting
from communa.core.fragments import CSRF_PLACEHOLDER, token_of
from communa.walls.cards import _templates_stamp, page_digest
from communa.walls.kept_walls import VIEWS, ShownPost, VisitorWall, like_buttons, stamp_of
from communa.walls.models import Post, PostStatus
from communa.walls.post_views import VIEWS_SPAN, views_texts
from communa.walls.selectors import FeedCommunities
from communa.walls.wall_selectors import FEED_STAMP_FIELDS, feed_stamps


def feed_stamp_of(post: Post) -> dict[str, Any]:
    """A loaded post of the feed as `wall_selectors.feed_stamps` reads it (to compare the two)."""
    community: Any = post.community  # a feed shows only posts of communities
    return {
        **stamp_of(post),
        "community_id": post.community_id,
        "profile_id": post.profile_id,
        "pinned": post.pinned,
        "community__slug": community.slug,
        "community__name": community.name,
        "community__avatar": community.avatar.name,
        "community__badges_version": community.badges_version,
        "community__wall_mode": community.wall_mode,
        "community__privacy": community.privacy,
    }


def _named(per_view: Collection[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """What a kept feed's key names of each row: all but the columns put in for each request
    (the views on the page; every count in the API's answer)."""
    return itemgetter(*(name for name in sorted(FEED_STAMP_FIELDS) if name not in per_view))


@dataclass
class ReaderFeed(VisitorWall):
    """A member's feed page of posts (`walls/_post_list.html`), kept with no post liked and the
    token's placeholder, under a key naming its rows (but their views), where the next page
    starts, the address the forms return to, the language, the time zone and the deploy.

    Not kept when a post on it is one whose card is not the same for every member: a post of a
    community on whose team the member is (the team sees its rubric), a repost (whether the
    original shows depends on its own community), a suggested post (it names the suggester), a
    post that shows a widget (a poll's answer is the reader's own), or a profile's post.

    Taken from the shared cache each time, not held in the process (core.near): a feed page
    is shared only by the members who get the same posts.
    """

    near: ClassVar[bool] = False

    @classmethod
    def of_feed(
        cls,
        request: HttpRequest,
        communities: FeedCommunities,
        *,
        cursor: str | None,
        limit: int,
        kind: str = "reader-feed",
        per_view: Collection[str] = VIEWS,
    ) -> ReaderFeed | None:
        """The page's rows and key; None when this page is not kept. The columns in `per_view`
        are left out of the key and put in for each request (the API's answer: every count).
        The member is the request's user (the API's token authentication sets it too)."""
        if int_setting("CARD_CACHE_SECONDS") <= 0:
            return None
        page, liked = feed_stamps(
            actor=request.user, communities=communities, cursor=cursor, limit=limit
        )
        rows = page.items
        if not rows or any(
            row["shared_from_id"]
            or row["suggested_by_id"]
            or row["has_widgets"]
            or row["profile_id"]
            or row["community_id"] in communities.team
            for row in rows
        ):
            return None
        named = _named(per_view)
        key = page_digest(
            kind,
            (
                tuple(named(row) for row in rows),
                page.next_cursor,
                cursor,
                request.get_full_path(),
                get_language(),
                timezone.get_current_timezone_name(),
                _templates_stamp(),
            ),
        )
        return cls(None, rows, page.next_cursor, key, liked)

    def stamp(self, post: Post) -> dict[str, Any]:
        return feed_stamp_of(post)

    def stored(self, page: Any) -> Any:
        """A page of HTML is kept cut where each request puts its own in (`KeptPosts`); the
        API's answer as it is."""
        return KeptPosts.of(page) if isinstance(page, str) else page

    def reader_page(self, request: HttpRequest, kept: KeptPosts, liked: set[int]) -> bytes | None:
        """The kept page for this reader, as UTF-8 bytes: the like buttons of the posts they
        like pressed, the posts' views and their form token put in; None when a button is not
        found as it was kept. (A feed page is kept as `KeptPosts`, so this, not the walls'
        `reader_posts`, serves it.)"""
        return kept.filled(
            request,
            [row for row in self.rows if row["id"] in liked],
            {row["id"]: row["impression_count"] for row in self.rows},
        )

    def shown(self) -> list[ShownPost]:
        """The posts the page shows, for their impressions: published posts of communities."""
        return [
            ShownPost(row["id"], row["community_id"], PostStatus.PUBLISHED) for row in self.rows
        ]


# What a kept page is cut at: a post's views ("12 views", their text), the form token.
_PLACEHOLDER = CSRF_PLACEHOLDER.encode()
_CUTS = re.compile(VIEWS_SPAN.encode() + b"|" + re.escape(_PLACEHOLDER))


@dataclass(frozen=True)
class KeptPosts:
    """A feed page's posts kept as UTF-8 bytes, cut where each request puts its own in.

    `pieces` alternates the page's text and a slot: a post's views (its id and the views it
    was kept with) or the form token (None). Putting them in is one join: decoding the 60
    kilobytes of a kept page, putting the views in with a pattern and the token with a
    replace, and encoding the answer again had cost a fifth of the page. A like button holds
    a token, so it spans a slot: a reader's like is pressed on the pieces around it."""

    pieces: tuple[bytes | tuple[int, bytes] | None, ...]

    @classmethod
    def of(cls, page: str) -> KeptPosts:
        html = page.encode()
        pieces: list[bytes | tuple[int, bytes] | None] = []
        start = 0
        for match in _CUTS.finditer(html):
            if match.group(1) is None:  # the token
                pieces += [html[start : match.start()], None]
                start = match.end()
            else:
                pieces += [html[start : match.end(1)], (int(match.group(2)), match.group(3))]
                start = match.end(3)
        pieces.append(html[start:])
        return cls(tuple(pieces))

    def filled(
        self, request: HttpRequest, liked: Sequence[dict[str, Any]], views: Mapping[int, int]
    ) -> bytes | None:
        pieces = list(self.pieces)
        for row in liked:
            if not _press(pieces, row):
                return None
        token = token_of(request).encode() if None in pieces else b""
        text = views_texts()
        out: list[bytes] = []
        for piece in pieces:
            if isinstance(piece, bytes):  # the page's text
                out.append(piece)
            elif piece is None:
                out.append(token)
            else:
                pk, kept = piece
                count = views.get(pk)
                out.append(kept if count is None else text(count).encode())
        return b"".join(out)


def _press(pieces: list[Any], row: dict[str, Any]) -> bool:
    """Press the post's like button in `pieces` (the button's text on both sides of its
    token's slot); whether it was found there exactly once as kept."""
    released, pressed = like_buttons(row)
    head, token, tail = released.encode().partition(_PLACEHOLDER)
    pressed_head, _token, pressed_tail = pressed.encode().partition(_PLACEHOLDER)
    if not token:  # a button without its form: not one a member's feed shows
        return False
    found = [
        i
        for i in range(0, len(pieces) - 2, 2)
        if pieces[i + 1] is None and pieces[i].endswith(head) and pieces[i + 2].startswith(tail)
    ]
    if len(found) != 1:
        return False
    at = found[0]
    pieces[at] = pieces[at][: len(pieces[at]) - len(head)] + pressed_head
    pieces[at + 2] = pressed_tail + pieces[at + 2][len(tail) :]
    return True
