"""Posts and comments into the walls API's answers, and the helpers its endpoints share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pydantic
from django.contrib.auth.models import AnonymousUser
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile

from communa.accounts.authentication import VisitorRequest
from communa.accounts.http import AuthedRequest
from communa.accounts.models import User
from communa.communities.models import Community
from communa.core.errors import NotFound
from communa.core.events import record_impressions, viewer_of
from communa.core.gate import text_gate
from communa.core.parser import SafeJsonParser
from communa.core.schemas import SLOT, Rendered, json_bool, json_members
from communa.walls import selectors
from communa.walls.api.schemas import (
    PostIn,
    PostOut,
)
from communa.walls.cards import reuse
from communa.walls.kept_walls import ShownPost
from communa.walls.models import (
    Comment,
    CommentStatus,
    Post,
    PostDocument,
    PostRevision,
    PostStatus,
    Signature,
)
from communa.walls.selectors import PostLinks
from communa.walls.tracking import short_path, with_short_links

Actor = User | AnonymousUser


# --- conversions ----------------------------------------------------------------------------


def _person(user: User) -> dict[str, str]:
    return {"username": user.username, "display_name": user.shown_name}


def _shown_as(post: Post) -> dict[str, Any]:
    if post.signed_as == Signature.COMMUNITY and post.community is not None:
        name = post.community.name
    else:
        name = post.author.shown_name
    suggested_by = post.suggested_by.username if post.suggested_by_id else None  # type: ignore[union-attr]
    return {"name": name, "suggested_by": suggested_by}


def _images(post: Post) -> list[dict[str, Any]]:
    return [
        {
            "url": image.image.url,
            "thumbnail_url": image.thumbnail.url,
            "width": image.width,
            "height": image.height,
        }
        for image in post.images.all()
    ]


def _document(post: Post) -> dict[str, Any] | None:
    try:
        document = post.document
    except PostDocument.DoesNotExist:
        return None
    return {"url": document.file.url, "name": document.name, "size": document.size}


def _community(post: Post) -> dict[str, str] | None:
    community = post.community
    return {"slug": community.slug, "name": community.name} if community is not None else None


UNAVAILABLE_ORIGINAL: dict[str, Any] = {
    "available": False,
    "id": None,
    "community": None,
    "author": None,
    "signed_as": "",
    "shown_as": None,
    "kind": "",
    "title": "",
    "body_html": "",
    "link_url": "",
    "link_title": "",
    "images": [],
    "document": None,
    # Not the original's own status: "deleted" or "held" would tell apart what stays hidden.
    "status": "unavailable",
    "published_at": None,
}


def _text_html(post: Post) -> str:
    """The rendered text as readers get it: a published post's links through its short links
    (when `selectors.attach_short_links` read them), like its card on the web."""
    return with_short_links(post.body_html, getattr(post, "short_links", None) or {})


def post_lite_out(post: Post) -> dict[str, Any]:
    """The original a repost shows, when the viewer may read it (see `shared_from_out`)."""
    return {
        "available": True,
        "id": post.pk,
        "community": _community(post),
        "author": _person(post.author),
        "signed_as": post.signed_as,
        "shown_as": _shown_as(post),
        "kind": post.kind,
        "title": post.title,
        "body_html": _text_html(post),
        "link_url": post.link_url,
        "link_title": post.link_title,
        "images": _images(post),
        "document": _document(post),
        "status": post.status,
        "published_at": post.published_at,
    }


def shared_from_out(post: Post) -> dict[str, Any] | None:
    """A repost's original as this viewer may see it now; None when the post is no repost.

    The selectors leave `shown_original` None when the original is deleted or held, or its wall
    is closed to the viewer; a post read without them shows the placeholder too (fails closed).
    """
    if post.shared_from_id is None:
        return None
    original = getattr(post, "shown_original", None)
    return post_lite_out(original) if original is not None else dict(UNAVAILABLE_ORIGINAL)


def post_out(post: Post, *, team_ids: set[int]) -> dict[str, Any]:
    """A post as the API shows it; `team_ids` are the communities whose labels the viewer sees.

    A list shows its posts' short links when read first for the whole page
    (`selectors.attach_short_links`); otherwise they are read here.
    """
    selectors.attach_short_links([post])
    return {**_post_content_out(post, team_ids=team_ids), **_post_counts_out(post)}


@dataclass(frozen=True)
class PostText:
    """A post as the API shows it, as JSON text around what changes with each view: its counts
    and its "liked" (the one part that is the reader's own); already checked against `PostOut`.
    """

    head: str
    counts: str  # `counts_text`: the counts and the name of "liked"
    after: str

    def text(self, liked: bool | None) -> Rendered:
        """The post's text, "liked" filled in (None: a `SLOT` left to fill)."""
        value = SLOT if liked is None else json_bool(liked)
        return Rendered(self.head + self.counts + value + self.after)

    def per_view(self) -> Rendered:
        """The post's text with a `SLOT` for its counts and "liked" (`counts_text` + the value):
        an answer kept while the counts move."""
        return Rendered(self.head + SLOT + self.after)


def post_texts(posts: Sequence[Post], *, team_ids: set[int]) -> list[PostText]:
    """Posts as the API shows them, as text an answer is joined from (`rendered_answer`): what
    does not change with each view is reused from the cache, checked against `PostOut` and
    rendered once when it was built; each view puts in its counts.

    Kept as text, a page of 30 posts is neither unpickled as dicts nor rendered again: that was
    a fifth of a member's feed (docs/performance.md). The posts may come without their details
    (`details=False`): they are read only for the posts whose content is not in the cache
    (walls/cards.py says when an entry is reused).
    """
    kept = reuse(
        posts,
        kind="api-post-text",
        team_ids=team_ids,
        profiles=False,
        # The API names no badges beside the names: it does not ask for them.
        badges=False,
        build=lambda post: _checked_members(post, team_ids=team_ids),
    )
    return [_with_counts(members, post) for post, members in zip(posts, kept, strict=True)]


# What changes with each view of a post: PostOut's two fields side by side, in this order.
_PER_VIEW = ("counts", "liked")


def _checked_members(post: Post, *, team_ids: set[int]) -> tuple[str, str]:
    """A post's content checked against `PostOut` and dumped as django-ninja dumps an answer,
    as the JSON members before and after what changes with each view."""
    raw = {**_post_content_out(post, team_ids=team_ids), **_post_counts_out(post)}
    dumped = PostOut.model_validate(raw).model_dump()
    names = list(dumped)
    start = names.index(_PER_VIEW[0])
    end = start + len(_PER_VIEW)
    if tuple(names[start:end]) != _PER_VIEW:
        raise TypeError(f"PostOut must name {_PER_VIEW} side by side")
    before = json_members({name: dumped[name] for name in names[:start]})
    after = json_members({name: dumped[name] for name in names[end:]})
    return before, after


def _with_counts(members: tuple[str, str], post: Post) -> PostText:
    """The kept members and this view's counts: the text django-ninja renders of the whole
    (a test compares them for every field of `Counts`)."""
    before, after = members
    counts = counts_text(
        views=post.impression_count,
        reach=post.reach_count,
        likes=post.like_count,
        comments=post.comment_count,
        shares=post.share_count,
    )
    return PostText(
        "{" + (before + ", " if before else ""), counts, (", " + after if after else "") + "}"
    )


def counts_text(*, views: int, reach: int, likes: int, comments: int, shares: int) -> str:
    """A post's counts as its text holds them, up to the value of "liked"."""
    return (
        f'"counts": {{"views": {views:d}, "reach": {reach:d}, "likes": {likes:d},'
        f' "comments": {comments:d}, "shares": {shares:d}}}, "liked": '
    )


def _post_counts_out(post: Post) -> dict[str, Any]:
    return {
        "counts": {
            "views": post.impression_count,
            "reach": post.reach_count,
            "likes": post.like_count,
            "comments": post.comment_count,
            "shares": post.share_count,
        },
        "liked": bool(getattr(post, "liked", False)),
    }


def _post_content_out(post: Post, *, team_ids: set[int]) -> dict[str, Any]:
    team = post.community_id in team_ids
    reviewed = post.status in (PostStatus.SUGGESTED, PostStatus.REJECTED)
    return {
        "id": post.pk,
        "community": _community(post),
        "profile": post.profile.username if post.profile_id else None,  # type: ignore[union-attr]
        "author": _person(post.author),
        "signed_as": post.signed_as,
        "shown_as": _shown_as(post),
        "kind": post.kind,
        "title": post.title,
        "body": post.body,
        "body_html": _text_html(post),
        "blocks": post.blocks or [],
        "link_url": post.link_url,
        "link_title": post.link_title,
        "images": _images(post),
        "document": _document(post),
        "rubric": (
            {"id": post.rubric.pk, "label": post.rubric.label}
            if team and post.rubric is not None
            else None
        ),
        "tone": post.tone if team else None,
        "promotional": post.promotional if team else None,
        "status": post.status,
        "review_reason": post.review_reason if reviewed else None,
        "language": post.language,
        "held_reasons": text_gate().held_state(post)[1] if post.status == PostStatus.HELD else None,
        "pinned": post.pinned,
        "shared_from": shared_from_out(post),
        "created_at": post.created_at,
        "published_at": post.published_at,
        "edited_at": post.edited_at,
    }


def links_out(request: VisitorRequest | AuthedRequest, found: PostLinks) -> list[dict[str, Any]]:
    """A post's tracked links, their short links as full addresses (to copy elsewhere)."""
    return [
        {
            "url": link.url,
            "tagged_url": link.tagged_url,
            "short_url": request.build_absolute_uri(short_path(link.code)),
            "in_post": link.in_post,
            "clicks": link.clicks,
            "ctr": link.ctr,
        }
        for link in found.links
    ]


def post_links_out(request: VisitorRequest | AuthedRequest, found: PostLinks) -> dict[str, Any]:
    """The answer of `GET /posts/{id}/links`."""
    return {
        "impressions": found.impressions,
        "clicks": found.clicks,
        "ctr": found.ctr,
        "tags": found.tags,
        "overrides": found.overrides,
        "links": links_out(request, found),
    }


def one_post_out(request: VisitorRequest | AuthedRequest, post: Post) -> dict[str, Any]:
    """The answer about one post: with its tracked links for its statistics team (R8.8)."""
    actor = request.auth
    out = post_out(post, team_ids=selectors.team_community_ids(actor))
    if selectors.may_see_link_figures(actor, post):
        out["links"] = links_out(request, selectors.post_links(actor=actor, post=post))
    return out


def comment_out(comment: Comment, *, community: Community | None) -> dict[str, Any]:
    deleted = comment.status == CommentStatus.DELETED
    if deleted:
        shown_as = None
    elif comment.signed_as == Signature.COMMUNITY and community is not None:
        shown_as = community.name
    else:
        shown_as = comment.author.shown_name
    replies = getattr(comment, "visible_replies", [])
    return {
        "id": comment.pk,
        "post": comment.post_id,
        "parent": comment.parent_id,
        "author": None if deleted else _person(comment.author),
        "signed_as": comment.signed_as,
        "shown_as": shown_as,
        "body": "" if deleted else comment.body,
        "body_html": "" if deleted else comment.body_html,
        "status": comment.status,
        "language": comment.language,
        "held_reasons": (
            text_gate().held_state(comment)[1]
            if comment.status in (CommentStatus.HELD, CommentStatus.REJECTED)
            else None
        ),
        "likes": comment.like_count,
        "liked": bool(getattr(comment, "liked", False)),
        "reply_count": comment.reply_count,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "replies": [comment_out(reply, community=community) for reply in replies],
    }


def revision_out(revision: PostRevision) -> dict[str, Any]:
    return {
        "title": revision.title,
        "body": revision.body,
        "blocks": revision.blocks or [],
        "link_url": revision.link_url,
        "edited_by": revision.edited_by.username if revision.edited_by else None,
        "replaced_at": revision.replaced_at,
    }


def report_out(report: Any) -> dict[str, Any]:
    return {
        "id": report.pk,
        "reason": report.reason,
        "status": report.status,
        "created_at": report.created_at,
    }


# --- helpers --------------------------------------------------------------------------------


def shown(
    request: VisitorRequest | AuthedRequest, posts: Iterable[Post | ShownPost | None]
) -> None:
    """Record that the answer shows these posts (the published ones) to the requester."""
    published = [post for post in posts if post is not None and post.status == PostStatus.PUBLISHED]
    record_impressions(viewer_of(request, api=True), published)


def post_row(actor: Actor, post_id: int, *, details: bool = True) -> Post:
    """The post with this id if the actor may see it; a hidden post is a 404 like a missing one.

    `details=False` when the answer does not show the post (a like, a comment, a report).
    """
    return selectors.post_for(actor=actor, post_id=post_id, details=details)


def post_to_act_on(actor: Actor, post_id: int, *, writing: bool = False) -> Post:
    """The post an action acts on; the action checks who may see it (a hidden post is a 404).
    `writing`: the actor writes under it (a comment: see `selectors.post_to_act_on`)."""
    return selectors.post_to_act_on(actor=actor, post_id=post_id, writing=writing)


def comment_row(comment_id: int) -> Comment:
    """The comment with this id and its thread; the actions decide who may see or change it."""
    comment = (
        Comment.objects.select_related("author", "post__community", "topic__community")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise NotFound
    return comment


def _thread_community(comment: Comment) -> Community | None:
    thread = comment.post if comment.post_id is not None else comment.topic
    return thread.community if thread is not None else None


def _content_of(
    request: AuthedRequest, payload: PostIn | None, files: dict[str, Any]
) -> dict[str, Any]:
    """The post's fields: from the multipart `payload` field, else from a JSON body."""
    if payload is not None:
        return payload.model_dump(exclude_unset=True)
    if files or request.content_type != "application/json" or not request.body:
        return {}
    try:
        data = SafeJsonParser().parse_body(request)
    except ValueError as exc:
        raise HttpError(400, "Cannot parse request body") from exc
    try:
        return PostIn.model_validate(data).model_dump(exclude_unset=True)
    except pydantic.ValidationError as exc:
        errors = [{**error, "loc": ("body", "payload", *error["loc"])} for error in exc.errors()]
        raise NinjaValidationError(errors) from exc


def _uploads(images: list[UploadedFile] | None, document: UploadedFile | None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if images:
        found["images"] = list(images)
    if document is not None:
        found["document"] = document
        found["document_name"] = document.name or ""
    return found


def _one_post(request: AuthedRequest, post: Post) -> dict[str, Any]:
    """A post just written, read back with everything the schema shows."""
    fresh = selectors.post_for(actor=request.auth, post_id=post.pk)
    return one_post_out(request, fresh)


NEW_POST_BODY = {
    "requestBody": {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PostIn"}}}
    },
}
