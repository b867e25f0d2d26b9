"""Reads of walls: a community wall, the member feed, a post with its comments, suggestions.

Every list is a keyset page with a fixed number of queries whatever its size: the rows (with
their author and community joined, the viewer's like as an EXISTS column), then one prefetch
each for rubrics, suggesters, documents, images and shared originals (with theirs). The pages
read on every visit (the feed, a wall, its pinned post, one post, a visitor's wall rows) come
from statements written once (`core.rows`, ADR 0022) with the same columns, order and cursors;
a wall's posts take the community the page already read instead of joining it again.

A repost shows its original only to those who may read it now: `post.shown_original` is the
original when it is published and its wall is open to the viewer, else None (the page then
shows "the original post is not available", nothing of the original or its community).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.db.models.fields import BooleanField
from django.utils.translation import gettext as _

from communa.accounts.models import signed_in
from communa.communities.models import Community, Membership, WallMode
from communa.communities.permissions import (
    TEAM,
    Action,
    Standing,
    can,
    require,
    visible_walls,
)
from communa.core.errors import NotFound, PermissionRefused
from communa.core.gate import member_gate, text_gate
from communa.core.pagination import Page, decode_cursor, keyset_page, page_of
from communa.core.rows import Beside, read_ids, read_many, read_one, read_values
from communa.walls.access import keep_membership, require_post_visible
from communa.walls.models import (
    Like,
    Post,
    PostImage,
    PostRevision,
    PostStatus,
    TrackedLink,
)
from communa.walls.recent_texts import keep_recent_texts, recent_texts_beside
from communa.walls.tracking import overrides_of, tag_url, tags_of

ORDER = ["-published_at", "-id"]


_IMAGES = Prefetch("images", queryset=PostImage.objects.order_by("position", "id"))


def _card_rows(queryset: QuerySet[Post], actor: Any, *, details: bool) -> QuerySet[Post]:
    # Only the author and community are joined; the rest comes in prefetches. On PostgreSQL
    # each extra join made planning the page query slower than one more small query
    # (5 joins: 7.6 ms of planning, 2 joins: 0.6 ms; bench/walls.py).
    if details:
        queryset = queryset.prefetch_related("rubric", "suggested_by", "document", _IMAGES)
    queryset = queryset.select_related("author", "community")
    if signed_in(actor):
        liked = Like.objects.filter(user=actor, post=OuterRef("pk"))
        return queryset.annotate(liked=Exists(liked))
    return queryset.annotate(liked=Value(False, output_field=BooleanField()))


def _attach_originals(posts: list[Post], actor: Any, *, details: bool) -> list[Post]:
    """Give each repost `shown_original`: the original when the viewer may read it now.

    A community that turned closed or private since the share, or a deleted or held original,
    leaves it None. One query, and only for a page that holds reposts: building the visibility
    filter costs more than the query when there is nothing to look up.
    """
    wanted = {post.shared_from_id for post in posts if post.shared_from_id}
    shown: dict[int, Post] = {}
    if wanted:
        published = Post.objects.filter(pk__in=wanted, status=PostStatus.PUBLISHED)
        # Profile posts are public; a community's only where its wall is open to the viewer now.
        originals = (
            published.filter(community__isnull=True)
            | visible_walls(actor, published, through="community")
        ).select_related("author", "community")
        if details:
            originals = originals.prefetch_related("suggested_by", "document", _IMAGES)
        shown = {original.pk: original for original in originals}
    for post in posts:
        post.shown_original = shown.get(post.shared_from_id or 0)  # type: ignore[attr-defined]
    return posts


# A member's pages of posts (the feed, a wall) from statements written once (core.rows): building
# the page query through the ORM took about 4 of its 6 ms (docs/performance.md). The columns and
# order are those of `card_rows` and ORDER; a cursor is the same as keyset_page's.
_PAGE_ORDER = 't0."published_at" DESC, t0."id" DESC'
_AFTER = (
    ' AND t0."published_at" <= %s'
    ' AND (t0."published_at" < %s OR (t0."published_at" = %s AND t0."id" < %s))'
)
_LIKED = (
    (
        "liked",
        'EXISTS (SELECT 1 FROM "walls_like" l WHERE l."user_id" = %s AND l."post_id" = t0."id")',
        BooleanField(),
    ),
)


# What a page of cards reads of each row when the cards may come from the cache (walls.cards):
# what their keys, footers and impressions are made of. `walls.cards.reuse` reads the rest only
# for the cards it must render (core.rows.complete). The whole rows, with the authors' and the
# communities', were two thirds of what building a member's page of 30 posts cost.
_CARD_COLUMNS = (
    (
        "",
        (
            *("community_id", "profile_id", "author_id", "kind", "status", "suggested_by_id"),
            *("shared_from_id", "pinned", "content_version", "has_widgets", "impression_count"),
            *("reach_count", "like_count", "comment_count", "share_count", "created_at"),
            "published_at",
        ),
    ),
    ("author", ("username", "display_name", "avatar")),
    ("community", ("slug", "name", "avatar", "badges_version", "wall_mode", "privacy")),
)


def _card_list(
    actor: Any,
    where: str,
    params: list[Any],
    *,
    order_by: str,
    limit: int,
    details: bool,
    community: Community | None = None,
    narrow: bool = False,
) -> list[Post]:
    """`card_rows` matching `where`. Given the `community` they all belong to (a wall), its row
    is not read again with each post: every post gets that one. `narrow` reads only what the
    cards' keys need (`_CARD_COLUMNS`): for pages whose cards `walls.cards` reuses."""
    member = signed_in(actor)
    rows = read_many(
        Post,
        where,
        [actor.pk, *params] if member else params,
        order_by=order_by,
        limit=limit,
        join=("author",) if community is not None else ("author", "community"),
        extra=_LIKED if member else (),
        only=_CARD_COLUMNS if narrow and not details else None,
    )
    for post in rows:
        if not member:
            post.liked = False  # type: ignore[attr-defined]
        if community is not None:
            post.community = community
    if details:
        prefetch_related_objects(rows, "rubric", "suggested_by", "document", _IMAGES)
    return rows


def _card_page(
    actor: Any,
    where: str,
    params: list[Any],
    *,
    cursor: str | None,
    limit: int,
    details: bool,
    community: Community | None = None,
) -> Page[Post]:
    """A page of `card_rows` matching `where`, after `cursor`, newest first. Published posts
    all have a moment, so a cursor without one is refused (as keyset_page refuses it)."""
    if cursor:
        moment, last_id = decode_cursor(cursor, [datetime, int])
        where += _AFTER
        params = [*params, moment, moment, moment, last_id]
    rows = _card_list(
        actor,
        where,
        params,
        order_by=_PAGE_ORDER,
        limit=limit + 1,
        details=details,
        community=community,
        narrow=True,
    )
    page = page_of(rows, limit, lambda last: [last.published_at, last.pk])
    return _page(page, actor, details=details)


def _page(page: Page[Post], actor: Any, *, details: bool = True) -> Page[Post]:
    _attach_originals(page.items, actor, details=details)
    return page


def card_rows(queryset: QuerySet[Post], actor: Any) -> QuerySet[Post]:
    """Posts with what a card's key needs: the author and community joined, "liked by me".

    The rest of a card (rubric, suggester, images, document) is read by `walls.cards` only for
    the cards it must render; `with_details` reads it for every post. Either way the selectors
    below attach the shown original.
    """
    return _card_rows(queryset, actor, details=False)


def with_details(queryset: QuerySet[Post], actor: Any) -> QuerySet[Post]:
    """Join what a post card shows and mark the ones the actor likes."""
    return _card_rows(queryset, actor, details=True)


def _rows(queryset: QuerySet[Post], actor: Any, *, details: bool) -> QuerySet[Post]:
    return with_details(queryset, actor) if details else card_rows(queryset, actor)


# Read on every page of posts a member asks for: statements written once (core.rows).
_TEAM_ROLES = sorted(relation.value for relation in TEAM)
# Only placeholders are put in; the roles go as parameters.
_TEAM_COMMUNITIES = (
    'SELECT "community_id" FROM "communities_membership" WHERE "user_id" = %s'  # noqa: S608
    f' AND "role" IN ({", ".join(["%s"] * len(_TEAM_ROLES))})'
)
# A member's communities, each with whether its wall is on and whether they are on its team:
# the feed's communities and its labels from one read. Flags as 1/0, the same on both databases;
# only placeholders are put in, the roles go as parameters.
_MY_COMMUNITIES = (
    'SELECT m."community_id", CASE WHEN c."wall_mode" <> %s THEN 1 ELSE 0 END,'  # noqa: S608
    f' CASE WHEN m."role" IN ({", ".join(["%s"] * len(_TEAM_ROLES))}) THEN 1 ELSE 0 END'
    ' FROM "communities_membership" m'
    ' INNER JOIN "communities_community" c ON c."id" = m."community_id"'
    ' WHERE m."user_id" = %s'
)
_AS_READ = ((), None)


@dataclass(frozen=True)
class FeedCommunities:
    """The communities whose walls make a member's feed, and those on whose team they are
    (`team_community_ids`, for the posts' labels)."""

    walls: list[int]
    team: set[int]


def feed_communities(actor: Any) -> FeedCommunities:
    """Both lists of the feed in one read (the feed's page and its labels both need them)."""
    if not signed_in(actor):
        return FeedCommunities(walls=[], team=set())
    rows = read_values(
        _MY_COMMUNITIES, [WallMode.OFF.value, *_TEAM_ROLES, actor.pk], [_AS_READ] * 3
    )
    return FeedCommunities(
        walls=[row[0] for row in rows if row[1]], team={row[0] for row in rows if row[2]}
    )


def team_community_ids(actor: Any) -> set[int]:
    """The communities on whose team the actor is: they see the posts' labels there."""
    if not signed_in(actor):
        return set()
    return set(read_ids(_TEAM_COMMUNITIES, [actor.pk, *_TEAM_ROLES]))


# A community's pinned post: at most one is published (the walls' unique index).
_PINNED = 't0."community_id" = %s AND t0."pinned" AND t0."status" = %s'
# What the community's cover shows of it.
_COVER = (("", ("title", "body")),)


def pinned_on_cover(
    *, actor: Any, community: Community, standing: Standing | None = None
) -> Post | None:
    """The pinned post's title and text for the community's cover (R1.6), when the actor may
    see the wall; read on every community home, so only those two columns."""
    if not can(actor, Action.VIEW_WALL, community, standing=standing):
        return None
    params = [community.pk, PostStatus.PUBLISHED.value]
    found = read_many(Post, _PINNED, params, order_by='t0."id"', limit=1, only=_COVER)
    return found[0] if found else None


def pinned_post(
    *, actor: Any, community: Community, details: bool = True, standing: Standing | None = None
) -> Post | None:
    """The community's pinned post, if any and if the actor may see the wall.

    `standing`, when the caller has read it, saves reading it again.
    """
    require(actor, Action.VIEW_WALL, community, standing=standing)
    found = _card_list(
        actor,
        _PINNED,
        [community.pk, PostStatus.PUBLISHED.value],
        order_by='t0."id"',
        limit=1,
        details=details,
        community=community,
        narrow=True,
    )
    return _attach_originals(found, actor, details=details)[0] if found else None


def wall_page(
    *,
    actor: Any,
    community: Community,
    cursor: str | None,
    limit: int,
    details: bool = True,
    standing: Standing | None = None,
) -> Page[Post]:
    """Published posts of a community wall, newest first; the pinned one is shown apart.

    `details=False` leaves the card details to `walls.cards` (the web pages); the API wants them.
    `standing`, when the caller has read it, saves reading it again.
    """
    require(actor, Action.VIEW_WALL, community, standing=standing)
    where = 't0."community_id" = %s AND t0."status" = %s AND NOT t0."pinned"'
    params = [community.pk, PostStatus.PUBLISHED.value]
    return _card_page(
        actor, where, params, cursor=cursor, limit=limit, details=details, community=community
    )


def profile_wall_page(
    *, actor: Any, owner: Any, cursor: str | None, limit: int, details: bool = True
) -> Page[Post]:
    """Posts on a person's profile wall (their shares), newest first."""
    posts = Post.objects.filter(profile=owner, status=PostStatus.PUBLISHED)
    page = keyset_page(_rows(posts, actor, details=details), ORDER, cursor=cursor, limit=limit)
    return _page(page, actor, details=details)


def feed_page(
    *,
    actor: Any,
    cursor: str | None,
    limit: int,
    details: bool = True,
    communities: FeedCommunities | None = None,
) -> Page[Post]:
    """R4.7: new posts from the actor's communities, newest first, without hidden ones.

    `communities`, when the caller has read them (`feed_communities`), saves reading them
    again."""
    # The communities are read first (one small query) so the page query stays a simple range
    # scan: as one statement with a semi-join, PostgreSQL spent 20 ms planning it (bench/walls.py).
    member_of = (communities or feed_communities(actor)).walls
    if not member_of:
        return Page(items=[], next_cursor=None)
    where, params = feed_condition(actor, member_of)
    return _card_page(actor, where, params, cursor=cursor, limit=limit, details=details)


def feed_condition(actor: Any, member_of: Sequence[int]) -> tuple[str, list[Any]]:
    """Which posts a member's feed shows (SQL over the post's alias `t0`), and its parameters:
    the published posts of these communities but those the member hid."""
    where = (  # only placeholders are put in: the ids go as parameters
        f't0."community_id" IN ({", ".join(["%s"] * len(member_of))})'  # noqa: S608
        ' AND t0."status" = %s AND NOT EXISTS (SELECT 1 FROM "walls_hiddenpost" h'
        ' WHERE h."post_id" = t0."id" AND h."user_id" = %s)'
    )
    return where, [*member_of, PostStatus.PUBLISHED.value, actor.pk]


def post_for(*, actor: Any, post_id: int, details: bool = True) -> Post:
    """One post with its details, or 404 when missing or hidden from the actor.

    `details=False` reads only the row, its author and community: enough to act on the post
    (like it, comment on it), not to show it.
    """
    found = _card_list(
        actor, 't0."id" = %s', [post_id], order_by='t0."id"', limit=1, details=details
    )
    if not found:
        raise NotFound
    post = _attach_originals(found, actor, details=details)[0]
    require_post_visible(actor, post)
    return post


# The reader's membership of a post's community, read in the post's statement.
_MEMBERSHIP_BESIDE = Beside(
    "_membership_beside",
    Membership,
    'b1."community_id" = t0."community_id" AND b1."user_id" = %s',
)


def post_to_act_on(*, actor: Any, post_id: int, writing: bool = False) -> Post:
    """The row of a post an action is about to like, comment on, hide or report: only 404 when
    it is missing. Who may see it is the action's own first check (`require_on_post`), so the
    front door does not read the actor's standing a second time. `writing`: the actor is about
    to write under it (a comment), and what the gates ask before a write (a mute, the filter
    settings, the member's recent texts) is read in the same statement."""
    # Before every like, comment, share: one statement written once (core.rows), with the
    # author and community an action needs, and the reader's membership of the community (the
    # action's check reads their standing from it); nothing else about the reader.
    member = signed_in(actor)
    gate_rows, gate_params = member_gate().read_beside(actor) if member and writing else ((), [])
    history = text_gate().history_wanted() if member and writing else None
    extra, extra_params = recent_texts_beside(actor, *history) if history else ((), [])
    post = read_one(
        Post,
        't0."id" = %s',
        [*extra_params, actor.pk, *gate_params, post_id] if member else [post_id],
        join=("author", "community"),
        beside=(_MEMBERSHIP_BESIDE, *gate_rows) if member else (),
        extra=(extra,) if extra else (),
    )
    if post is None:
        raise NotFound
    if member:
        keep_membership(post, actor, post.__dict__.pop(_MEMBERSHIP_BESIDE.name))
    if gate_rows:
        member_gate().keep_read(actor, post.community, post)
    if history:
        keep_recent_texts(actor, post, *history)
    return post


def suggestions_page(
    *, actor: Any, community: Community, cursor: str | None, limit: int
) -> Page[Post]:
    """Suggested posts waiting for review, oldest first (reviewers only)."""
    require(actor, Action.REVIEW_SUGGESTIONS, community)
    posts = Post.objects.filter(community=community, status=PostStatus.SUGGESTED)
    page = keyset_page(with_details(posts, actor), ["created_at", "id"], cursor=cursor, limit=limit)
    return _page(page, actor)


_NEWEST_FIRST = 't0."created_at" DESC, t0."id" DESC'
_MY_SUGGESTIONS = 't0."community_id" = %s AND t0."suggested_by_id" = %s AND t0."status" <> %s'
# The states are written in, not bound: PostgreSQL then knows they are rare and reads the
# community's few held posts by the (community, status) index. Bound, its generic plan took
# them for common and went through every post of the author in the community (a brand page's
# owner writes most of them): 0.27 ms a wall page, 0.85 within the page's statement.
_MY_HELD = (
    't0."community_id" = %s AND t0."author_id" = %s AND t0."suggested_by_id" IS NULL'
    f" AND t0.\"status\" IN ('{PostStatus.HELD.value}', '{PostStatus.REJECTED.value}')"
)


def _own_list(
    where: str, params: list[Any], actor: Any, *, limit: int, details: bool
) -> list[Post]:
    if not details:
        # The wall's own lists show each post's words, state and answer: the row is enough.
        return read_many(Post, where, params, order_by=_NEWEST_FIRST, limit=limit)
    rows = _card_list(actor, where, params, order_by=_NEWEST_FIRST, limit=limit, details=True)
    return _attach_originals(rows, actor, details=True)


def my_suggestions(
    *, actor: Any, community: Community, limit: int = 50, details: bool = True
) -> list[Post]:
    """What the actor suggested to this page, newest first, with the reviewers' answers."""
    if not signed_in(actor):
        return []
    params = [community.pk, actor.pk, PostStatus.DELETED.value]
    return _own_list(_MY_SUGGESTIONS, params, actor, limit=limit, details=details)


def my_held(
    *, actor: Any, community: Community, limit: int = 50, details: bool = True
) -> list[Post]:
    """The actor's posts the automatic checks hold here, or a moderator then refused (R5.2)."""
    if not signed_in(actor):
        return []
    return _own_list(_MY_HELD, held_params(community, actor), actor, limit=limit, details=details)


def held_params(community: Community, actor: Any) -> list[Any]:
    """The parameters of `_MY_HELD`: this community, this author."""
    return [community.pk, actor.pk]


def post_history(*, actor: Any, post: Post) -> list[PostRevision]:
    """Earlier versions of a post, newest first (R4.8; the community's editors only)."""
    require_post_visible(actor, post)
    if post.community is not None:
        require(actor, Action.MANAGE_POSTS, post.community)
    elif not (signed_in(actor) and actor.pk == post.author_id):
        raise PermissionRefused
    return list(PostRevision.objects.filter(post=post).select_related("edited_by"))


# -- tracked links (R8.8) -----------------------------------------------------------------------

_WEB_ANCHOR = re.compile(r'href="https?:', re.IGNORECASE)


def attach_short_links(posts: Iterable[Post | None]) -> None:
    """Give each published post (and the original a repost shows) `short_links`: the code of each
    of its tracked addresses, which its card and the API's text point to instead.

    One query, and only when a post to show has a link: posts without any cost nothing. A post
    that is not published gets none: its links go straight to their address, uncounted.
    """
    shown: list[Post] = [
        row
        for post in posts
        for row in (post, getattr(post, "shown_original", None))
        if row is not None
    ]
    published = [
        row
        for row in shown
        if row.status == PostStatus.PUBLISHED and not hasattr(row, "short_links")
    ]
    wanted = {p.pk for p in published if p.link_url or _WEB_ANCHOR.search(p.body_html or "")}
    found: dict[int, dict[str, str]] = {pk: {} for pk in wanted}
    if wanted:
        rows = TrackedLink.objects.filter(post_id__in=wanted, in_post=True)
        for post_id, url, code in rows.values_list("post_id", "url", "code"):
            found[post_id][url] = code
    for row in published:
        row.short_links = found.get(row.pk, {})  # type: ignore[attr-defined]


def percentage(part: int, whole: int) -> float | None:
    """`part / whole` as a percentage with two decimals (METRICS.md); None when `whole` is 0."""
    return round(100 * part / whole, 2) if whole else None


@dataclass(frozen=True)
class LinkFigures:
    """One tracked link of a post as its team sees it: where it goes, tagged, and its clicks."""

    url: str
    code: str
    tagged_url: str
    in_post: bool
    clicks: int
    # CTR (METRICS.md): clicks on the link / impressions of the post, as a percentage.
    ctr: float | None


@dataclass(frozen=True)
class PostLinks:
    """A post's tracked links with the tags they carry, their clicks and CTR (R8.8, R9.9)."""

    impressions: int
    clicks: int
    ctr: float | None
    tags: dict[str, str]
    overrides: dict[str, str]
    links: list[LinkFigures]


def may_see_link_figures(actor: Any, post: Post) -> bool:
    """Whether the actor sees the post's link figures: its community's statistics team."""
    return post.community is not None and can(actor, Action.VIEW_STATISTICS, post.community)


def post_links(*, actor: Any, post: Post) -> PostLinks:
    """The post's tracked links, in the post's order (then those an edit removed), with the
    tagged addresses they lead to, their clicks and CTR; for its community's statistics team."""
    require_post_visible(actor, post)
    if post.community is None:
        raise PermissionRefused(_("Only community posts have link statistics."))
    require(actor, Action.VIEW_STATISTICS, post.community)
    overrides = overrides_of(post)
    tags = tags_of(post, overrides)
    impressions = post.impression_count
    links = [
        LinkFigures(
            url=link.url,
            code=link.code,
            tagged_url=tag_url(link.url, tags),
            in_post=link.in_post,
            clicks=link.click_count,
            ctr=percentage(link.click_count, impressions),
        )
        for link in TrackedLink.objects.filter(post=post)
    ]
    return PostLinks(
        impressions=impressions,
        clicks=post.link_click_count,
        ctr=percentage(post.link_click_count, impressions),
        tags=tags,
        overrides=overrides,
        links=links,
    )
