"""Post cards rendered once and reused.

What a card shows above its footer (the byline, the text, the images, the document, the link and
the shared original) is the same for everyone who may see it, in one language and time zone; the
footer (likes, "liked by me", counts, the menu and its CSRF token) is rendered for each request.
Rendering that upper part was about half of a wall's time (docs/performance.md), so it is kept in
the cache under a key that names every input it was made from:

- the post's `content_version`, which database triggers raise whenever one of its shown columns,
  images, document or tracked links change (migrations walls 0004 and 0005), whatever code path
  changed it;
- the author's and the community's shown fields (name, address, avatar), read with the row, and
  the community's `badges_version`, which the app that gives badges raises whenever one beside
  a member's name there is given, changed or taken back (ADR 0021);
- the same for the shared original, and whether this viewer may read it now;
- the language, the time zone, the page's kind (a community page, the feed, the post page) and
  the templates themselves (a deploy that changes them starts afresh).

The badges themselves are read (one question to the kernel's `MemberBadges` socket) only for the
cards and threads that must be rendered, and not at all in a community where none was given.

So an entry is never stale: anything that changes the card changes its key. Two kinds of card
are rendered every time: those of the community's team (they show the rubric, read from its own
table) and suggested posts (they name the suggester).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.cache import cache as default_cache
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from communa.core.badges import attach_badges
from communa.core.conf import int_setting
from communa.core.fragments import (
    CSRF_PLACEHOLDER,
    deploy_stamp,
    digest_of,
    digest_of_rows,
    token_of,
)
from communa.core.hooks import answer
from communa.core.kept import ProcessKept
from communa.core.rows import complete
from communa.core.widgets import PostWidgets
from communa.walls.models import Comment, CommentStatus, Post, PostImage, PostStatus
from communa.walls.post_views import views_texts, with_post_views
from communa.walls.selectors import attach_short_links

T = TypeVar("T")

TEMPLATES = (
    "walls/_post_content.html",
    "walls/_byline.html",
    "walls/_post_body.html",
    "walls/_post_footer.html",
    "walls/_like_button.html",
    "walls/_views.html",  # walls.post_views
    "walls/_comment.html",
    "walls/_comment_byline.html",
    "walls/_comment_tools.html",
    "walls/_comment_like.html",
    "walls/_held_note.html",
    "web/_confirm_delete.html",
    "walls/_composer.html",
    "web/_field.html",
    "web/_error_summary.html",
    "walls/_wall.html",
    "walls/_wall_posts.html",
    "walls/_post_list.html",
    "walls/_more.html",
    "core/_member_badges.html",
)


def _templates_stamp() -> str:
    """What a deploy may change under the same rows, for every template a card is made of."""
    return deploy_stamp(*TEMPLATES)


def _person(user: Any) -> tuple[Any, ...]:
    return (user.pk, user.username, user.display_name, user.avatar.name)


def _place(community: Any) -> tuple[Any, ...] | None:
    if community is None:
        return None
    return (
        community.pk,
        community.slug,
        community.name,
        community.avatar.name,
        community.badges_version,
    )


def _badged(community: Any) -> int | None:
    """The community's id when a member there may have a badge to show; else None (no question)."""
    return community.pk if community is not None and community.shows_badges else None


def _stamp(post: Post) -> tuple[Any, ...]:
    return (
        post.pk,
        post.content_version,
        post.created_at.isoformat(),
        _person(post.author),
        _place(post.community),
    )


def _with_originals(posts: Sequence[Post]) -> list[Post]:
    originals = (getattr(post, "shown_original", None) for post in posts)
    return [*posts, *(original for original in originals if original is not None)]


def attach_author_badges(posts: Sequence[Post]) -> None:
    """The badges beside each author's name in the post's community (`post.author_badges`),
    for the posts and their shown originals not given them yet: one question for them all, none
    when no community of theirs ever gave a badge."""
    attach_badges(
        [post for post in _with_originals(posts) if not hasattr(post, "author_badges")],
        community_of=lambda post: _badged(post.community),
        user_of=lambda post: post.author_id,
    )


def _digest(kind: str, parts: tuple[Any, ...]) -> str:
    return f"walls:{kind}:" + digest_of(parts)


def page_digest(kind: str, parts: tuple[Any, ...]) -> str:
    """The key of a page kept whole, named by its rows (`core.fragments.digest_of_rows`)."""
    return f"walls:{kind}:" + digest_of_rows(parts)


def content_key(post: Post, kind: str, *variant: Any) -> str:
    """The cache key of what a post shows besides its counts: a digest of all it is made from."""
    return _content_key(post, kind, _reading(), variant)


def _reading() -> tuple[str, str, str]:
    """What a kept card depends on besides its rows: the language, the time zone, the deploy
    (once per page: asked for each of 30 posts, it cost a fifth of a millisecond)."""
    return get_language(), timezone.get_current_timezone_name(), _templates_stamp()


def _content_key(post: Post, kind: str, reading: tuple[str, ...], variant: tuple[Any, ...]) -> str:
    return _digest(kind, _content_parts(post, reading, variant))


def _content_parts(
    post: Post, reading: tuple[str, ...], variant: tuple[Any, ...]
) -> tuple[Any, ...]:
    """What a post's card is made of: its rows' stamps, the reading, the page's variant."""
    original = getattr(post, "shown_original", None)
    return (_stamp(post), None if original is None else _stamp(original), *reading, *variant)


def _cacheable(post: Post, team_ids: set[int], *, profiles: bool) -> bool:
    # The team sees rubric labels, read from their own table; a suggested post names the
    # suggester; the API names a profile post's owner: none of these are in the key.
    return (
        post.status == PostStatus.PUBLISHED
        and not post.suggested_by_id
        and (profiles or post.profile_id is None)
        and post.community_id not in team_ids
    )


def reuse(
    posts: Sequence[Post],
    *,
    kind: str,
    team_ids: set[int],
    build: Callable[[Post], T],
    variant: tuple[Any, ...] = (),
    profiles: bool = True,
    badges: bool = True,
) -> list[T]:
    """`build(post)` for each post, taken from the cache where it was built from the same rows.

    Posts that must be built get their details read first (one query per kind of detail), and
    with `badges` the badges beside their authors' names (the key names the communities'
    `badges_version`, ADR 0021).
    """
    seconds = int_setting("CARD_CACHE_SECONDS")
    reading = _reading()
    keys = {
        post.pk: _content_key(post, kind, reading, variant)
        for post in posts
        if seconds > 0 and _cacheable(post, team_ids, profiles=profiles)
    }
    found: dict[str, T] = default_cache.get_many(list(keys.values())) if keys else {}
    missing = [post for post in posts if keys.get(post.pk) not in found]
    if missing:
        # A page reads its rows narrow (what the keys need): the posts to build are read whole,
        # and kept under the key of that newer read (what they are built from).
        complete(missing, join=("author", "community"))
        for post in missing:
            if post.pk in keys:
                keys[post.pk] = _content_key(post, kind, reading, variant)
        prefetch_card_details(missing)
        if badges:
            attach_author_badges(missing)
    results: list[T] = []
    fresh: dict[str, T] = {}
    for post in posts:
        key = keys.get(post.pk)
        if key is not None and key in found:
            results.append(found[key])
            continue
        built = build(post)
        if key is not None:
            fresh[key] = built
        results.append(built)
    if fresh:
        default_cache.set_many(fresh, timeout=seconds)
    return results


def prefetch_card_details(posts: Sequence[Post]) -> None:
    """Load what rendering the cards needs beyond the page's row: rubric, suggester, files, and
    the short links of published posts that have links (R8.8)."""
    images = Prefetch("images", queryset=PostImage.objects.order_by("position", "id"))
    prefetch_related_objects(list(posts), "rubric", "suggested_by", "document", images)
    shown = (getattr(post, "shown_original", None) for post in posts)
    originals = [original for original in shown if original is not None]
    if originals:
        prefetch_related_objects(originals, "suggested_by", "document", images)
    # The codes are part of what `content_version` names: database triggers raise it whenever a
    # post's tracked link is added, re-pointed or taken out (migration walls 0005).
    attach_short_links(posts)


# What a kept card holds in place of the CSRF token (core.fragments puts each reader's in).
_CSRF = CSRF_PLACEHOLDER


def footer_key(request: HttpRequest, post: Post, *, may_interact: bool) -> str:
    """The cache key of a card's footer: its counts, "liked by me", the page it returns to."""
    return _footer_key(post, may_interact, _footer_reading(request))


def _footer_reading(request: HttpRequest) -> tuple[str, str, str]:
    return request.get_full_path(), get_language(), _templates_stamp()


def _footer_key(post: Post, may_interact: bool, reading: tuple[str, ...]) -> str:
    return _digest("footer", _footer_parts(post, may_interact, reading))


def _footer_parts(post: Post, may_interact: bool, reading: tuple[str, ...]) -> tuple[Any, ...]:
    """What a footer is made of: the counts, "liked by me", the rights, the page, the deploy."""
    return (
        post.pk,
        post.status,
        post.like_count,
        post.comment_count,
        post.share_count,
        # Not the views: they move with every page view, and are put in for each request
        # (`with_views`).
        bool(getattr(post, "liked", False)),
        may_interact,
        *reading,
    )


def attach_cards(
    request: HttpRequest,
    posts: Sequence[Post],
    *,
    team_ids: set[int],
    on_community_page: bool,
    may_interact: bool,
    full: bool = False,
    token: bool = True,
) -> None:
    """Give each post its article (`post.article_html`, which the pages show): its rendered card,
    what other apps show under it (from the `PostWidgets` socket) and its footer.

    With `token` false the footers' forms keep the placeholder of the CSRF token (a page kept
    for every reader: `VisitorWall.reader_posts` puts each one's in).

    A post's whole article is kept under a key naming what its card and its footer are made of
    (`_article_key`): a page whose articles are all kept costs one digest and one cache read a
    post. The others are put together from the kept card and the kept footer, each rendered
    when not kept: the posts come from a card selector (author and community joined, the shown
    original prefetched); their other details are read only for the cards that must be
    rendered. What other apps show under a post (a poll) is live: such an article is never kept.
    The forms are kept with a placeholder for the CSRF token, put in for each request.
    """
    seconds = int_setting("CARD_CACHE_SECONDS")
    mine = (token_of(request) if token else _CSRF) if may_interact else ""
    reading = (_reading(), _footer_reading(request), (on_community_page, full), may_interact)
    keys = {
        post.pk: _article_key(post, reading)
        for post in posts
        if seconds > 0 and _keeps_article(post, team_ids)
    }
    kept: dict[str, str] = default_cache.get_many(list(keys.values())) if keys else {}
    rest = [post for post in posts if keys.get(post.pk) not in kept]
    built: dict[int, str] = {}
    if rest:
        fresh = _build_articles(
            request,
            rest,
            team_ids=team_ids,
            on_community_page=on_community_page,
            may_interact=may_interact,
            full=full,
        )
        built = {post.pk: html for post, html in zip(rest, fresh, strict=True)}
        # Kept under the key of the rows they were built from (a card that had to be built
        # read its post again: `reuse` refreshes the instance).
        keep = {_article_key(post, reading): built[post.pk] for post in rest if post.pk in keys}
        if keep:
            default_cache.set_many(keep, timeout=seconds)
    views = views_texts()
    for post in posts:
        html = built[post.pk] if post.pk in built else kept[keys[post.pk]]
        html = with_post_views(html, post.pk, post.impression_count, views)
        post.article_html = mark_safe(html.replace(_CSRF, mine))  # type: ignore[attr-defined]  # noqa: S308 — our templates' output


def _keeps_article(post: Post, team_ids: set[int]) -> bool:
    """Whether a post's whole article may be kept: a card that may be kept, with nothing from
    other apps under it."""
    return not post.has_widgets and _cacheable(post, team_ids, profiles=True)


def _article_key(post: Post, reading: tuple[Any, ...]) -> str:
    """The cache key of a post's whole article: its card's key and its footer's inputs, and
    whether it is pinned (a class on the article, not on the card)."""
    card_reading, footer_reading, variant, may_interact = reading
    return _digest(
        "article",
        (
            _content_parts(post, card_reading, variant),
            _footer_parts(post, may_interact, footer_reading),
            post.pinned,
        ),
    )


def _build_articles(
    request: HttpRequest,
    posts: Sequence[Post],
    *,
    team_ids: set[int],
    on_community_page: bool,
    may_interact: bool,
    full: bool,
) -> list[str]:
    """The articles of these posts from their kept cards and footers (each rendered when not
    kept), with the CSRF token's placeholder in their forms."""
    content = get_template("walls/_post_content.html")
    cards = reuse(
        posts,
        kind="card",
        team_ids=team_ids,
        variant=(on_community_page, full),
        build=lambda post: content.render(
            {"post": post, "full": full, "community": on_community_page, "team_ids": team_ids}
        ),
    )
    seconds = int_setting("CARD_CACHE_SECONDS")
    reading = _footer_reading(request)
    keys = {post.pk: _footer_key(post, may_interact, reading) for post in posts if seconds > 0}
    found: dict[str, str] = default_cache.get_many(list(keys.values())) if keys else {}
    footer = get_template("walls/_post_footer.html")
    fresh: dict[str, str] = {}
    footers = []
    for post in posts:
        key = keys.get(post.pk)
        html = found.get(key) if key is not None else None
        if html is None:
            html = footer.render(
                {
                    "post": post,
                    "may_interact": may_interact,
                    "request": request,
                    "csrf_token": _CSRF,
                }
            )
            if key is not None:
                fresh[key] = html
        footers.append(html)
    if fresh:
        default_cache.set_many(fresh, timeout=seconds)
    # What other apps show under a post (a poll, ADR 0020): outside the kept card. Only the posts
    # marked as having something are asked about, so a page without any costs no query.
    marked = [post for post in posts if post.has_widgets]
    widgets = answer(PostWidgets).below_posts(request, marked) if marked else {}
    return [
        _article(post, card, widgets.get(post.pk) or "", html)
        for post, card, html in zip(posts, cards, footers, strict=True)
    ]


def _article(post: Post, card: str, widgets: str, footer: str) -> str:
    """A post's whole article: its kept card, what other apps show under it (the socket's
    escaped HTML) and its footer. Put together here rather than by a template included for each
    post: on a page of 30 posts the includes cost a millisecond."""
    pinned = " is-pinned" if post.pinned else ""
    return (
        f'<article class="card post-card{pinned}" id="post-{int(post.pk)}">\n'
        f"  {card}\n  {widgets}\n  {footer}\n</article>\n"
    )


def _comment_stamp(comment: Comment, viewer_id: int | None) -> tuple[Any, ...]:
    return (
        comment.pk,
        comment.status,
        comment.created_at.isoformat(),
        comment.edited_at,
        comment.signed_as,
        _person(comment.author),
        comment.like_count,
        bool(getattr(comment, "liked", False)),
        comment.author_id == viewer_id,
        hashlib.blake2b(comment.body_html.encode(), digest_size=16).hexdigest(),
    )


def attach_comments(
    request: HttpRequest,
    comments: Sequence[Comment],
    *,
    post: Post,
    community: Any,
    rights: dict[str, Any],
) -> None:
    """Give each top-level comment its rendered thread (`comment.html`), reused when unchanged.

    A thread's key names the comment and its replies as they were read (text digest, author,
    likes, "liked by me", whether the reader wrote it), the reader's rights on the post, the
    community's `badges_version` (ADR 0021), the language and the time zone. Threads with a held
    or refused comment are rendered every time. The badges beside the names are read only for
    the threads that must be rendered.
    """
    seconds = int_setting("CARD_CACHE_SECONDS")
    viewer_id = request.user.pk if request.user.is_authenticated else None
    flags = tuple(
        bool(rights.get(name))
        for name in ("may_comment", "may_interact", "may_delete_comments", "team_comment")
    )
    place = None if community is None else (community.pk, community.name, community.badges_version)
    shown = (CommentStatus.VISIBLE, CommentStatus.DELETED)
    keys: dict[int, str] = {}
    for comment in comments:
        thread = [comment, *getattr(comment, "visible_replies", [])]
        if seconds <= 0 or any(row.status not in shown for row in thread):
            continue
        keys[comment.pk] = _digest(
            "comment",
            (
                post.pk,
                place,
                flags,
                tuple(_comment_stamp(row, viewer_id) for row in thread),
                get_language(),
                timezone.get_current_timezone_name(),
                _templates_stamp(),
            ),
        )
    found: dict[str, str] = default_cache.get_many(list(keys.values())) if keys else {}
    # The badges beside the names of the threads to render: one question, none when the
    # community never gave a badge.
    attach_badges(
        [
            row
            for comment in comments
            if keys.get(comment.pk) not in found
            for row in (comment, *getattr(comment, "visible_replies", []))
            if not hasattr(row, "author_badges")
        ],
        community_of=lambda _row: _badged(community),
        user_of=lambda row: row.author_id,
    )
    template = get_template("walls/_comment.html")
    token = token_of(request) if viewer_id is not None else ""
    fresh: dict[str, str] = {}
    for comment in comments:
        key = keys.get(comment.pk)
        html = found.get(key) if key is not None else None
        if html is None:
            html = template.render(
                {
                    "c": comment,
                    "post": post,
                    "community": community,
                    "user": request.user,
                    "csrf_token": _CSRF,
                    **rights,
                }
            )
            if key is not None:
                fresh[key] = html
        comment.html = mark_safe(html.replace(_CSRF, token))  # type: ignore[attr-defined]  # noqa: S308 — our template's output
    if fresh:
        default_cache.set_many(fresh, timeout=seconds)


# Empty composers a process keeps (for each community, language and whether one posts or
# suggests) before it starts again.
COMPOSERS_LIMIT = 2048
_COMPOSERS = ProcessKept(COMPOSERS_LIMIT)


def composer_html(request: HttpRequest, context: dict[str, Any]) -> SafeString | None:
    """The wall's empty composer, reused for every member of the community it is made for.

    Its key names the community's address and whether links are allowed there, whether the
    reader posts or suggests, the language and the templates (Django's version for its widgets).
    The team's composer (with the community's rubrics) and one with errors are rendered in place.
    Kept in this process (a few kilobytes for each community and language), not in the shared
    cache: a round trip to it cost more than the composer's lookup here.
    """
    form = context.get("form")
    seconds = int_setting("CARD_CACHE_SECONDS")
    if form is None or context.get("team_composer") or seconds <= 0:
        return None
    # A form not made yet (walls.views.walls._composer makes it lazily) is an empty one.
    if not isinstance(form, SimpleLazyObject) and form.is_bound:
        return None
    community = context["community"]
    key = _digest(
        "composer",
        (
            community.pk,
            community.slug,
            community.links_allowed,
            bool(context.get("may_suggest")),
            get_language(),
            _templates_stamp(),
        ),
    )
    html = _COMPOSERS.get(key)
    if html is None:
        html = _COMPOSERS.put(
            key, get_template("walls/_composer.html").render({**context, "csrf_token": _CSRF})
        )
    return mark_safe(html.replace(_CSRF, token_of(request)))  # noqa: S308 — our template's output
