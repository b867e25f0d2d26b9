"""The walls, the feed, posting and suggesting, and one post."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from ninja import File, Status
from ninja.files import UploadedFile

from communa.accounts import selectors as accounts_selectors
from communa.accounts.authentication import VisitorRequest, anyone
from communa.accounts.http import AuthedRequest
from communa.accounts.models import User
from communa.communities.permissions import TEAM, Action
from communa.communities.selectors import community_for
from communa.core.errors import NotFound
from communa.core.events import viewer_of
from communa.core.http import client_ip
from communa.core.pagination import page_size
from communa.core.schemas import (
    Cursor,
    Page,
    PageLimit,
    filled,
    json_bool,
    json_response,
    rendered_answer,
    slots,
)
from communa.walls import selectors
from communa.walls.actions import clone as clone_actions
from communa.walls.actions import interactions
from communa.walls.actions import posts as post_actions
from communa.walls.api.conversions import (
    NEW_POST_BODY,
    _content_of,
    _one_post,
    _uploads,
    counts_text,
    one_post_out,
    post_out,
    post_row,
    post_texts,
    revision_out,
    shown,
)
from communa.walls.api.routers import router
from communa.walls.api.schemas import (
    LinkClickOut,
    PostIn,
    PostOut,
    PostPatchIn,
    PublishIn,
    RejectIn,
    RevisionOut,
    WallPage,
)
from communa.walls.kept_feed import ReaderFeed
from communa.walls.kept_walls import COUNTS, VisitorWall

OPERATION_ID_PREFIX = "communa_walls_api"


# --- walls and the feed ---------------------------------------------------------------------


@router.get("/communities/{slug}/wall", auth=anyone, response=WallPage)
def community_wall(
    request: VisitorRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> HttpResponse:
    """Published posts, newest first; the pinned post comes apart, on the first page only."""
    actor = request.auth
    size = page_size(limit)
    community, standing = community_for(actor, slug, Action.VIEW_WALL)
    # A visitor's answer is the same for every visitor: reused while its rows are unchanged. A
    # reader outside the team gets the same but for "liked" (walls.kept_walls.VisitorWall).
    visitor = None
    if standing.relation not in TEAM:
        visitor = VisitorWall.of(
            community,
            cursor=cursor,
            limit=size,
            kind="visitor-wall-api-counts",
            per_view=COUNTS,
            reader=actor,
        )
    if visitor is not None and isinstance(kept := visitor.cached(), tuple):
        return _kept_answer(request, visitor, kept)
    page = selectors.wall_page(
        actor=actor,
        community=community,
        cursor=cursor,
        limit=size,
        standing=standing,
        details=False,
    )
    pinned = (
        None
        if cursor
        else selectors.pinned_post(
            actor=actor, community=community, standing=standing, details=False
        )
    )
    shown(request, [pinned, *page.items])
    # Only this community's labels can show on its wall.
    labels = {community.pk} if standing.relation in TEAM else set()
    listed = [*page.items, *([pinned] if pinned else [])]  # in the answer's order
    texts = post_texts(listed, team_ids=labels)
    pinned_text = texts.pop() if pinned is not None else None
    # Each post's counts and "liked" left as a slot: filled for this request, and kept without.
    answer = {
        "items": [text.per_view() for text in texts],
        "next_cursor": page.next_cursor,
        "pinned": pinned_text.per_view() if pinned_text is not None else None,
    }
    made_from = [*([pinned] if pinned else []), *page.items]  # the order of its rows
    return _fresh_answer(
        request, answer, visitor, posts=listed, made_from=made_from, next_cursor=page.next_cursor
    )


def _kept_answer(
    request: VisitorRequest | AuthedRequest, page: VisitorWall, kept: Any
) -> HttpResponse:
    """A kept answer (a wall's or a feed's) filled for this reader: each post's counts as this
    request read them with the page's rows, and whether the reader likes it. Rendered once, not
    checked against the schema again."""
    shown(request, page.shown())
    ids, pieces = kept
    rows = page.rows_by_id()
    return json_response(filled(pieces, (_per_view(rows[pk], pk in page.liked) for pk in ids)))


def _fresh_answer(
    request: VisitorRequest | AuthedRequest,
    answer: dict[str, Any],
    page: VisitorWall | None,
    *,
    posts: Sequence[Any],
    made_from: Sequence[Any],
    next_cursor: str | None,
) -> HttpResponse:
    """An answer just built, its posts in `posts`' order, each with a slot for its counts and
    "liked": kept for the next readers when `page` may be (made from the rows `made_from`), and
    filled with the counts and "liked" as this request read them."""
    pieces = slots(rendered_answer(request, answer))
    if page is not None:
        page.keep_answer(
            pieces, ids=[post.pk for post in posts], made_from=made_from, next_cursor=next_cursor
        )
    return json_response(
        filled(pieces, (_per_view(_counts_of(p), getattr(p, "liked", False)) for p in posts))
    )


def _counts_of(post: Any) -> dict[str, int]:
    return {name: getattr(post, name) for name in COUNTS}


def _per_view(row: dict[str, Any], liked: bool) -> str:
    """What fills a wall answer's slot for one post: its counts as read now (a row of the
    wall's stamps, or a post's attributes), and "liked"."""
    counts = counts_text(
        views=row["impression_count"],
        reach=row["reach_count"],
        likes=row["like_count"],
        comments=row["comment_count"],
        shares=row["share_count"],
    )
    return counts + json_bool(liked)


@router.get("/feed", response=Page[PostOut])
def feed(request: AuthedRequest, cursor: Cursor = None, limit: PageLimit = None) -> HttpResponse:
    """R4.7: new posts from your communities, newest first, without the ones you hid."""
    actor = request.auth
    size = page_size(limit)
    communities = selectors.feed_communities(actor)
    # The answer is kept for every member who gets the same posts, cut where each post's counts
    # and "liked" go, and filled for this member (walls.kept_feed.ReaderFeed).
    reader = ReaderFeed.of_feed(
        request,
        communities,
        cursor=cursor,
        limit=size,
        kind="reader-feed-api-counts",
        per_view=COUNTS,
    )
    if reader is not None and isinstance(kept := reader.cached(), tuple):
        return _kept_answer(request, reader, kept)
    page = selectors.feed_page(
        actor=actor, cursor=cursor, limit=size, details=False, communities=communities
    )
    shown(request, page.items)
    # each post checked when its text was built (post_texts)
    texts = post_texts(page.items, team_ids=communities.team)
    answer = {"items": [text.per_view() for text in texts], "next_cursor": page.next_cursor}
    return _fresh_answer(
        request,
        answer,
        reader,
        posts=page.items,
        made_from=page.items,
        next_cursor=page.next_cursor,
    )


@router.get("/users/{username}/wall", auth=anyone, response=Page[PostOut])
def profile_wall(
    request: VisitorRequest, username: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """A person's profile wall: the posts they shared, newest first."""
    size = page_size(limit)
    owner = accounts_selectors.user_named(username)
    if owner is None:
        raise NotFound
    page = selectors.profile_wall_page(actor=request.auth, owner=owner, cursor=cursor, limit=size)
    for post in page.items:
        post.profile = owner  # every post here lives on this wall: no query per post
    selectors.attach_short_links(page.items)
    shown(request, page.items)
    labels = selectors.team_community_ids(request.auth)
    return {
        "items": [post_out(post, team_ids=labels) for post in page.items],
        "next_cursor": page.next_cursor,
    }


# --- posting and suggesting -----------------------------------------------------------------


@router.post("/communities/{slug}/posts", response={201: PostOut}, openapi_extra=NEW_POST_BODY)
def create_post(
    request: AuthedRequest,
    slug: str,
    payload: PostIn | None = None,
    images: File[list[UploadedFile] | None] = None,
    document: File[UploadedFile | None] = None,
) -> Status:
    """Publish a post on the wall as its mode allows (JSON, or multipart with files)."""
    files = _uploads(images, document)
    data = _content_of(request, payload, files)
    community, _standing = community_for(request.auth, slug, Action.SEE)
    post = post_actions.create_post(
        actor=request.auth, community=community, data=data, ip=client_ip(request), **files
    )
    return Status(201, _one_post(request, post))


@router.post(
    "/communities/{slug}/suggestions", response={201: PostOut}, openapi_extra=NEW_POST_BODY
)
def suggest_post(
    request: AuthedRequest,
    slug: str,
    payload: PostIn | None = None,
    images: File[list[UploadedFile] | None] = None,
    document: File[UploadedFile | None] = None,
) -> Status:
    """Suggest a post to a public page; its editors publish or reject it (R4.4)."""
    files = _uploads(images, document)
    data = _content_of(request, payload, files)
    community, _standing = community_for(request.auth, slug, Action.SEE)
    post = post_actions.suggest_post(
        actor=request.auth, community=community, data=data, ip=client_ip(request), **files
    )
    return Status(201, _one_post(request, post))


@router.get("/communities/{slug}/suggestions", response=Page[PostOut])
def suggestions(
    request: AuthedRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """Suggested posts waiting for review, oldest first (moderators and editors)."""
    size = page_size(limit)
    community, _standing = community_for(request.auth, slug, Action.REVIEW_SUGGESTIONS)
    page = selectors.suggestions_page(
        actor=request.auth, community=community, cursor=cursor, limit=size
    )
    labels = selectors.team_community_ids(request.auth)
    return {
        "items": [post_out(post, team_ids=labels) for post in page.items],
        "next_cursor": page.next_cursor,
    }


@router.get("/communities/{slug}/suggestions/mine", response=list[PostOut])
def my_suggestions(request: AuthedRequest, slug: str) -> list[dict[str, Any]]:
    """What you suggested to this page, newest first, with the editors' answers."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    found = selectors.my_suggestions(actor=request.auth, community=community)
    labels = selectors.team_community_ids(request.auth)
    return [post_out(post, team_ids=labels) for post in found]


@router.get("/communities/{slug}/held/mine", response=list[PostOut])
def my_held(request: AuthedRequest, slug: str) -> list[dict[str, Any]]:
    """Your posts the automatic checks hold here, with the reasons, or a moderator refused."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    found = selectors.my_held(actor=request.auth, community=community)
    labels = selectors.team_community_ids(request.auth)
    return [post_out(post, team_ids=labels) for post in found]


@router.post("/posts/{post_id}/publish", response=PostOut)
def publish_suggestion(
    request: AuthedRequest, post_id: int, payload: PublishIn | None = None
) -> dict[str, Any]:
    """Publish a suggested post, optionally edited and labelled; it is signed by the page."""
    post = post_row(request.auth, post_id)
    data = payload.model_dump(exclude_unset=True) if payload is not None else {}
    post = post_actions.publish_suggestion(actor=request.auth, post=post, data=data)
    return _one_post(request, post)


@router.post("/posts/{post_id}/reject", response=PostOut)
def reject_suggestion(request: AuthedRequest, post_id: int, payload: RejectIn) -> dict[str, Any]:
    """Reject a suggested post with a reason its author sees."""
    post = post_row(request.auth, post_id)
    post = post_actions.reject_suggestion(actor=request.auth, post=post, reason=payload.reason)
    return _one_post(request, post)


# --- one post -------------------------------------------------------------------------------


@router.get("/posts/{post_id}", auth=anyone, response=PostOut)
def post_detail(request: VisitorRequest, post_id: int) -> dict[str, Any]:
    """One post; showing it counts as an impression."""
    post = selectors.post_for(actor=request.auth, post_id=post_id)
    shown(request, [post])
    return one_post_out(request, post)


@router.patch("/posts/{post_id}", response=PostOut)
def edit_post(request: AuthedRequest, post_id: int, payload: PostPatchIn) -> dict[str, Any]:
    """Change a post; the earlier version goes into its history. Left-out fields stay."""
    post = post_row(request.auth, post_id)
    data = payload.model_dump(exclude_unset=True)
    post = post_actions.edit_post(actor=request.auth, post=post, data=data)
    return _one_post(request, post)


@router.delete("/posts/{post_id}", response={204: None})
def delete_post(request: AuthedRequest, post_id: int) -> Status:
    """Take a post off its wall (its author, or the community's editors)."""
    post_actions.delete_post(actor=request.auth, post=post_row(request.auth, post_id))
    return Status(204, None)


@router.get("/posts/{post_id}/history", response=list[RevisionOut])
def post_history(request: AuthedRequest, post_id: int) -> list[dict[str, Any]]:
    """Earlier versions of a post, newest first (the community's editors)."""
    post = post_row(request.auth, post_id)
    return [revision_out(r) for r in selectors.post_history(actor=request.auth, post=post)]


@router.post("/posts/{post_id}/pin", response=PostOut)
def pin_post(request: AuthedRequest, post_id: int) -> dict[str, Any]:
    """Pin this post; the community's previously pinned post is unpinned."""
    post = post_actions.pin_post(actor=request.auth, post=post_row(request.auth, post_id))
    return _one_post(request, post)


@router.delete("/posts/{post_id}/pin", response=PostOut)
def unpin_post(request: AuthedRequest, post_id: int) -> dict[str, Any]:
    """Unpin this post."""
    post = post_actions.unpin_post(actor=request.auth, post=post_row(request.auth, post_id))
    return _one_post(request, post)


@router.post("/posts/{post_id}/click", auth=anyone, response=LinkClickOut)
def click_link(request: VisitorRequest, post_id: int) -> dict[str, str]:
    """Count a click on the post's link (R8.8, R9.1) and get its address to open, with the UTM
    tags of the post's links.

    The API twin of the web's `/p/{id}/go/` and of the link's short link `/l/{code}`: the same
    counters and event, platform "api".
    """
    actor = request.auth if isinstance(request.auth, User) else None
    post = selectors.post_for(actor=actor, post_id=post_id)
    url = interactions.click_link(viewer=viewer_of(request, api=True), actor=actor, post=post)
    return {"url": url}


@router.post("/posts/{post_id}/clone", response={201: PostOut})
def clone_post(request: AuthedRequest, post_id: int) -> Status:
    """ "More like this": a new, unpublished post of the same community with this post's words,
    link, labels and images, for you to edit and publish (R9.4). Needs the right to post there."""
    source = post_row(request.auth, post_id)
    post = clone_actions.clone_post(actor=request.auth, post=source, ip=client_ip(request))
    return Status(201, _one_post(request, post))
