"""A wall page kept whole: the same for every visitor, and for every reader outside the team but
for their likes and their form token (ADR 0009, "Later additions").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, ClassVar, NamedTuple

from django.core.cache import cache as default_cache
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from communa.core import near
from communa.core.conf import int_setting
from communa.core.fragments import keeps_for_visitor, row_values, visitor_page_key, with_token
from communa.core.kept import ProcessKept
from communa.walls.cards import (
    _CSRF,
    TEMPLATES,
    _person,
    _templates_stamp,
    page_digest,
)
from communa.walls.comment_selectors import VisitorComments
from communa.walls.models import Post, PostStatus
from communa.walls.post_views import with_views
from communa.walls.wall_selectors import STAMP_FIELDS, visitor_wall_stamps

# -- a visitor's wall, whole --------------------------------------------------------------------

# The columns of a wall's rows that move with every page view (the worker's flush raises them):
# not in a kept page's key; the page is filled with them for each request.
VIEWS = ("impression_count", "reach_count")
# ... and every count, for the API's answer, which holds its counts where each reader's "liked"
# goes.
COUNTS = (*VIEWS, "like_count", "comment_count", "share_count")


def stamp_of(post: Post) -> dict[str, Any]:
    """A loaded post as `wall_selectors.visitor_wall_stamps` reads it (to compare the two)."""
    author = post.author
    return {
        "id": post.pk,
        "published_at": post.published_at,
        "created_at": post.created_at,
        "content_version": post.content_version,
        "has_widgets": post.has_widgets,
        "like_count": post.like_count,
        "comment_count": post.comment_count,
        "share_count": post.share_count,
        "impression_count": post.impression_count,
        "reach_count": post.reach_count,
        "shared_from_id": post.shared_from_id,
        "suggested_by_id": post.suggested_by_id,
        "author_id": post.author_id,
        "author__username": author.username,
        "author__display_name": author.display_name,
        "author__avatar": author.avatar.name,
    }


class ShownPost(NamedTuple):
    """A post a kept page shows, for its impressions (core.events.record_impressions)."""

    pk: int
    community_id: int
    status: str


@dataclass
class VisitorWall:
    """A visitor's wall page, the htmx fragment or the API's answer, reused whole; and what a
    reader who is not on the community's team gets of it (`reader_posts`, `rows_by_id`).

    Every visitor gets the same page, so it is kept under a key that names what it is made of:
    the community's row (every column: its `badges_version` stands for the badges beside the
    authors' names, ADR 0021), the page's rows read as plain values without building models (the
    pinned post first, each with its `has_widgets` mark, ADR 0020), where the next page starts,
    the language, the time zone and the deploy. A page with a repost or a suggested post is not
    kept: whether an original shows depends on its own community, and a suggested post names its
    suggester. Everything else a visitor's page shows is in these rows or behind
    `content_version` (ADR 0009). The views (and for the API every count) are left out of the
    key and put in from the rows for each request: the worker's flush raises them every few
    seconds, and a page kept under them was rendered again after every flush.

    A signed-in reader outside the team sees the same posts, with the same cards, and only two
    things of their own: which posts they like, and their form token. Their page is kept with
    no post liked and a placeholder for the token (`variant` names what else it depends on:
    whether they may interact, the address the forms return to), and each request presses the
    like buttons of the posts this reader likes (`with_likes`, one query). A page with a post
    that shows a widget (a poll, whose answer is the reader's own) is not kept for readers.
    """

    community: Any
    rows: list[dict[str, Any]]
    next_cursor: str | None
    key: str
    # Which of the page's posts the reader likes, and whether they have a held post there (None:
    # not asked): read with the rows (`wall_selectors.visitor_wall_stamps`).
    liked: set[int] = field(default_factory=set)
    held: bool | None = None
    # Held in this process too, in front of the shared cache (core.near): a wall's pages are
    # shared by all its readers.
    near: ClassVar[bool] = True

    @classmethod
    def of(
        cls,
        community: Any,
        *,
        cursor: str | None,
        limit: int,
        kind: str,
        variant: tuple[Any, ...] = (),
        widgets: bool = True,
        per_view: Collection[str] = VIEWS,
        reader: Any = None,
        held: bool = False,
    ) -> VisitorWall | None:
        """The page's rows and key; None when this page is not kept whole (with `widgets`
        false, neither when a post on it shows one). The columns in `per_view` are left out of
        the key: the kept page is filled with them for each request (the views, `page`; the
        API's counts). With a `reader`, which posts they like is read too (`liked`), and with
        `held` whether they have a held post here (`held`)."""
        if int_setting("CARD_CACHE_SECONDS") <= 0:
            return None
        stamps = visitor_wall_stamps(
            community=community, cursor=cursor, limit=limit, reader=reader, held=held
        )
        page, pinned = stamps.page, stamps.pinned
        rows = [*([pinned] if pinned else []), *page.items]
        if any(row["shared_from_id"] or row["suggested_by_id"] for row in rows):
            return None
        if not widgets and any(row["has_widgets"] for row in rows):
            return None
        place = row_values(community)
        named = itemgetter(*(name for name in sorted(STAMP_FIELDS) if name not in per_view))
        key = page_digest(
            kind,
            (
                place,
                tuple(named(row) for row in rows),
                page.next_cursor,
                cursor,
                get_language(),
                timezone.get_current_timezone_name(),
                _templates_stamp(),
                *variant,
            ),
        )
        return cls(community, rows, page.next_cursor, key, stamps.liked, stamps.held)

    def stamp(self, post: Post) -> dict[str, Any]:
        """A loaded post as this page's rows hold it (`keep` compares the two)."""
        return stamp_of(post)

    def cached(self) -> Any:
        """The kept page (HTML text or the API's answer), if there."""
        return near.get(self.key) if self.near else default_cache.get(self.key)

    def shown(self) -> list[ShownPost]:
        """The posts the page shows, as much of them as recording their impressions needs: the
        page's rows are all published posts of this community (a model per post cost a fifth of
        what the cached page costs)."""
        community_id = self.community.pk
        return [ShownPost(row["id"], community_id, PostStatus.PUBLISHED) for row in self.rows]

    def post_ids(self) -> list[int]:
        return [row["id"] for row in self.rows]

    def rows_by_id(self) -> dict[int, dict[str, Any]]:
        return {row["id"]: row for row in self.rows}

    def page(self, html: str) -> str:
        """The kept page with the views of its posts as they are now (`post_views.with_views`)."""
        return with_views(html, {row["id"]: row["impression_count"] for row in self.rows})

    def keep(
        self,
        page: Any,
        *,
        made_from: Sequence[Post],
        next_cursor: str | None,
        forms: bool = False,
    ) -> None:
        """Keep the page, only if it was made from the very rows its key names (a like landing
        between the two reads would otherwise file a newer page under an older key, which an
        unlike could bring back) and holds no form (a token of one reader's session).

        A reader's page (`reader_posts`) may hold forms (`forms`): only with the placeholder
        in place of the token, never one reader's own."""
        if [self.stamp(post) for post in made_from] != self.rows or next_cursor != self.next_cursor:
            return
        holds_forms = isinstance(page, str) and "csrfmiddlewaretoken" in page
        if holds_forms and not _placeholders(page, forms):
            return
        seconds = int_setting("CARD_CACHE_SECONDS")
        if self.near:
            near.keep(self.key, self.stored(page), seconds)
        else:
            default_cache.set(self.key, self.stored(page), timeout=seconds)

    def stored(self, page: Any) -> Any:
        """What is kept of the page (`cached` gives it back): the page itself."""
        return page

    def reader_posts(self, request: HttpRequest, kept: str, liked: set[int]) -> SafeString | None:
        """A reader's posts from the kept page: the like buttons of the posts they like pressed
        and their form token put in; None when a button is not found as it was kept."""
        html = with_likes(kept, [row for row in self.rows if row["id"] in liked], pressed=True)
        return None if html is None else with_token(request, self.page(html))

    def keep_answer(
        self,
        pieces: tuple[str, ...],
        *,
        ids: Sequence[int],
        made_from: Sequence[Post],
        next_cursor: str | None,
    ) -> None:
        """Keep the API's answer as text cut where each post's counts and "liked" go
        (`core.schemas.slots`), with the ids of the posts in the answer's order, to fill for
        each reader from the rows (`rows_by_id`)."""
        self.keep((tuple(ids), pieces), made_from=made_from, next_cursor=next_cursor)


# What a form's CSRF token field holds (a kept page holds only the placeholder).
_TOKEN_VALUE = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]*)"')


def _placeholders(page: str, forms: bool) -> bool:
    """Whether the page's forms (where `forms` allows any) hold only the token's placeholder."""
    return forms and all(value == _CSRF for value in _TOKEN_VALUE.findall(page))


class _LikeOf(NamedTuple):
    """What a like button shows of its post."""

    pk: int
    liked: bool
    like_count: int


def _render_button(pk: int, like_count: int, *, liked: bool) -> str:
    context = {"post": _LikeOf(pk, liked, like_count), "may_interact": True}
    return get_template("walls/_like_button.html").render({**context, "csrf_token": _CSRF})


# A like button is the same for every post but for its id and its count: rendered once per
# process for each state, language and deploy with two numbers no post has, which are then
# replaced (rendering it cost 0.14 ms, twice for each post a reader likes on a kept wall).
_SOME_ID, _SOME_COUNT = 918273645546372819, 192837465564738291
_BUTTONS = ProcessKept(64)


def _button_pattern(liked: bool, language: str | None, stamp: Any) -> str:
    key = (liked, language, stamp)
    pattern = _BUTTONS.get(key)
    if pattern is None:
        pattern = _render_button(_SOME_ID, _SOME_COUNT, liked=liked)
        if str(_SOME_ID) not in pattern or str(_SOME_COUNT) not in pattern:
            pattern = ""  # the numbers are formatted (a locale's separators): render each
        _BUTTONS.put(key, pattern)
    return pattern


def like_buttons(row: dict[str, Any]) -> tuple[str, str]:
    """The post's like button released and pressed (the language, the patterns and the count
    looked up once for both)."""
    language, stamp = get_language(), _templates_stamp()
    released, pressed = (_button_pattern(liked, language, stamp) for liked in (False, True))
    if not (released and pressed):
        return (
            _render_button(row["id"], row["like_count"], liked=False),
            _render_button(row["id"], row["like_count"], liked=True),
        )
    pk, count = str(int(row["id"])), formats.localize(int(row["like_count"]))
    some_id, some_count = str(_SOME_ID), str(_SOME_COUNT)
    return (
        released.replace(some_id, pk).replace(some_count, count),
        pressed.replace(some_id, pk).replace(some_count, count),
    )


def with_likes(html: str, rows: Sequence[dict[str, Any]], *, pressed: bool) -> str | None:
    """`html` (posts rendered with the token placeholder) with the like buttons of the posts in
    `rows` pressed (or released); None when one of them is not there exactly once as it would
    be rendered the other way. The page is read once per button (it was counted, then replaced
    in: two readings of a wall's 60 kilobytes for each post a reader likes)."""
    for row in rows:
        released, pressed_button = like_buttons(row)
        before, after = (released, pressed_button) if pressed else (pressed_button, released)
        at = html.find(before)
        if at < 0 or html.find(before, at + len(before)) >= 0:
            return None
        html = html[:at] + after + html[at + len(before) :]
    return html


# -- a visitor's page of one post, whole ---------------------------------------------------------

# What a post's page is rendered from besides its card and comments (walls.cards.TEMPLATES): a
# kept page's key names them (tests/walls/test_kept_post_page.py checks the list).
POST_PAGE_TEMPLATES = (
    "walls/post.html",
    "web/base.html",
    "web/_page.html",
    "walls/_context_head.html",
    "communities/_subhead.html",
    "communities/_team_nav.html",
    *TEMPLATES,
)


def visitor_post_page(
    request: HttpRequest, post: Post, *, limit: int
) -> tuple[str | None, VisitorComments | None]:
    """The key a visitor's page of this post is kept under, and its first page of comments
    read in one statement (the page is built from those very rows when it is not kept, so it
    is always the page its key names); (None, None) when the page is not kept.

    A visitor's page of a published post in a community is the same for every visitor: the
    post's row (every column: `content_version` stands for its details, ADR 0009), its author's
    name, address and picture, the community's row (its `badges_version` for the badges), the
    comments' rows with their authors', the address, the language, the time zone and the deploy.
    Not kept: a repost or a suggested post (as on the wall), a post that shows a widget (a poll's
    figures move without its row), a post on a person's wall."""
    if (
        not keeps_for_visitor(request)
        or post.status != PostStatus.PUBLISHED
        or post.community is None
        or post.shared_from_id
        or post.suggested_by_id
        or post.has_widgets
    ):
        return None, None
    comments = VisitorComments(post, limit)
    made_of = (
        row_values(post, without=VIEWS),  # put in for each request (`post_page_views`)
        _person(post.author),
        row_values(post.community),
        comments.stamp,
    )
    return visitor_page_key(request, "post-page", made_of, POST_PAGE_TEMPLATES), comments


def post_page_views(post: Post) -> Callable[[str], str]:
    """What puts the post's views as they are now into its kept page."""
    return lambda html: with_views(html, {post.pk: post.impression_count})
