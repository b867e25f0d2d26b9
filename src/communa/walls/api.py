"""The walls API: posts, comments, likes, shares, hides, reports, suggestions and the feed.

Every endpoint parses its input, calls the walls actions or selectors, and turns the result into
a schema. Every answer that shows posts records their impressions with the platform "api".
A post is created from a JSON body, or from a multipart form whose `payload` field holds the
same JSON, with `images` files and an optional `document` file.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any

import pydantic
from django.contrib.auth.models import AnonymousUser
from ninja import Field, File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile

from communa.accounts import selectors as accounts_selectors
from communa.accounts.authentication import VisitorRequest, anyone
from communa.accounts.http import AuthedRequest
from communa.accounts.models import User
from communa.communities.models import Community, Membership, Tone
from communa.communities.permissions import TEAM, Action
from communa.communities.selectors import community_for
from communa.core.errors import NotFound
from communa.core.events import record_impressions, viewer_of
from communa.core.gate import ReportReason, text_gate
from communa.core.http import client_ip
from communa.core.pagination import page_size
from communa.core.parser import SafeJsonParser
from communa.core.schemas import Cursor, OneOf, Page, PageLimit, Strict
from communa.walls import selectors
from communa.walls.actions import comments as comment_actions
from communa.walls.actions import interactions
from communa.walls.actions import posts as post_actions
from communa.walls.models import (
    Comment,
    CommentStatus,
    Post,
    PostDocument,
    PostKind,
    PostRevision,
    PostStatus,
    Signature,
)

router = Router(tags=["walls"])

Actor = User | AnonymousUser


# --- schemas --------------------------------------------------------------------------------


class PostContentIn(Strict):
    title: str | None = None
    body: str | None = None
    blocks: list[dict[str, Any]] | None = None
    link_url: str | None = None
    link_title: str | None = None


SignatureName = Annotated[str, OneOf(Signature.values)]
# On posts an empty label means "the default" (the rubric's tone, a plain post, the usual name).
PostSignature = Annotated[str, OneOf(["", *Signature.values])]


class LabelsIn(Strict):
    rubric: int | None = None
    tone: Annotated[str, OneOf(["", *Tone.values])] | None = None
    promotional: bool | None = None


class PostIn(PostContentIn, LabelsIn):
    kind: Annotated[str, OneOf(["", *PostKind.values])] | None = None
    signed_as: PostSignature | None = None


class PostPatchIn(PostContentIn, LabelsIn):
    signed_as: PostSignature | None = None


class PublishIn(PostContentIn, LabelsIn):
    pass


class RejectIn(Strict):
    reason: str


class CommentIn(Strict):
    body: str
    parent: int | None = None
    signed_as: SignatureName = Signature.AUTHOR.value


class CommentPatchIn(Strict):
    body: str


class ShareIn(Strict):
    to_community: str | None = None
    comment: str = ""


class ReportIn(Strict):
    reason: Annotated[str, OneOf(ReportReason.values)]
    text: str = ""


class CommunityRef(Schema):
    slug: str
    name: str


class PersonRef(Schema):
    username: str
    display_name: str


class ShownAs(Schema):
    name: str
    suggested_by: str | None


class ImageOut(Schema):
    url: str
    thumbnail_url: str
    width: int
    height: int


class DocumentOut(Schema):
    url: str
    name: str
    size: int


class RubricRef(Schema):
    id: int
    label: str


class Counts(Schema):
    views: int
    reach: int
    likes: int
    comments: int
    shares: int


class PostLiteOut(Schema):
    """A shared original inside a repost.

    `available` is false when the viewer may not read the original now (it was deleted or is
    held, or its community's wall is closed to them, e.g. it turned private after the share):
    then every other field is empty or null, so nothing of the original or its community shows.
    """

    available: bool = Field(
        description="False: show “The original post is not available”; the rest is empty."
    )
    id: int | None
    community: CommunityRef | None
    author: PersonRef | None
    signed_as: str
    shown_as: ShownAs | None
    kind: str
    title: str
    body_html: str
    link_url: str
    link_title: str
    images: list[ImageOut]
    document: DocumentOut | None
    status: str
    published_at: datetime | None


class PostOut(Schema):
    id: int
    community: CommunityRef | None
    profile: str | None
    author: PersonRef
    signed_as: str
    shown_as: ShownAs
    kind: str
    title: str
    body: str
    body_html: str
    blocks: list[dict[str, Any]]
    link_url: str
    link_title: str
    images: list[ImageOut]
    document: DocumentOut | None
    # Rubric, tone and the promotional mark are the team's labels: null for everyone else.
    rubric: RubricRef | None
    tone: str | None
    promotional: bool | None
    status: str
    # Why a suggestion was rejected: only suggested or rejected posts carry it, and only the
    # person who suggested the post and the reviewers can see those.
    review_reason: str | None
    # R5.1/R5.2: the detected language, and why the automatic checks hold the post (its
    # author and the moderators see held posts; null when it is not held).
    language: str
    held_reasons: list[str] | None
    pinned: bool
    counts: Counts
    liked: bool
    shared_from: PostLiteOut | None
    created_at: datetime
    published_at: datetime | None
    edited_at: datetime | None


class WallPage(Page[PostOut]):
    pinned: PostOut | None


class RevisionOut(Schema):
    title: str
    body: str
    blocks: list[dict[str, Any]]
    link_url: str
    edited_by: str | None
    replaced_at: datetime


class CommentOut(Schema):
    id: int
    post: int | None
    parent: int | None
    # A deleted comment that still has replies stays in place without its author or text.
    author: PersonRef | None
    signed_as: str
    shown_as: str | None
    body: str
    body_html: str
    status: str
    language: str
    held_reasons: list[str] | None
    likes: int
    liked: bool
    reply_count: int
    created_at: datetime
    edited_at: datetime | None
    replies: list[CommentOut]


class LikeOut(Schema):
    liked: bool
    likes: int


class LinkClickOut(Schema):
    url: str


class ReportOut(Schema):
    id: int
    reason: str
    status: str
    created_at: datetime


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
        "body_html": post.body_html,
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
    """A post as the API shows it; `team_ids` are the communities whose labels the viewer sees."""
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
        "body_html": post.body_html,
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
        "counts": {
            "views": post.impression_count,
            "reach": post.reach_count,
            "likes": post.like_count,
            "comments": post.comment_count,
            "shares": post.share_count,
        },
        "liked": bool(getattr(post, "liked", False)),
        "shared_from": shared_from_out(post),
        "created_at": post.created_at,
        "published_at": post.published_at,
        "edited_at": post.edited_at,
    }


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


def team_ids(actor: Actor) -> set[int]:
    """The communities on whose team the actor is: they see the posts' labels there."""
    if not isinstance(actor, User):
        return set()
    roles = [relation.value for relation in TEAM]
    return set(
        Membership.objects.filter(user=actor, role__in=roles).values_list("community_id", flat=True)
    )


def shown(request: VisitorRequest | AuthedRequest, posts: Iterable[Post | None]) -> None:
    """Record that the answer shows these posts (the published ones) to the requester."""
    published = [post for post in posts if post is not None and post.status == PostStatus.PUBLISHED]
    record_impressions(viewer_of(request, api=True), published)


def post_row(actor: Actor, post_id: int) -> Post:
    """The post with this id if the actor may see it; a hidden post is a 404 like a missing one."""
    return selectors.post_for(actor=actor, post_id=post_id)


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
    return post_out(fresh, team_ids=team_ids(request.auth))


NEW_POST_BODY = {
    "requestBody": {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PostIn"}}}
    },
}


# --- walls and the feed ---------------------------------------------------------------------


@router.get("/communities/{slug}/wall", auth=anyone, response=WallPage)
def community_wall(
    request: VisitorRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """Published posts, newest first; the pinned post comes apart, on the first page only."""
    actor = request.auth
    size = page_size(limit)
    community, _standing = community_for(actor, slug, Action.VIEW_WALL)
    page = selectors.wall_page(actor=actor, community=community, cursor=cursor, limit=size)
    pinned = None if cursor else selectors.pinned_post(actor=actor, community=community)
    shown(request, [pinned, *page.items])
    labels = team_ids(actor)
    return {
        "pinned": post_out(pinned, team_ids=labels) if pinned is not None else None,
        "items": [post_out(post, team_ids=labels) for post in page.items],
        "next_cursor": page.next_cursor,
    }


@router.get("/feed", response=Page[PostOut])
def feed(request: AuthedRequest, cursor: Cursor = None, limit: PageLimit = None) -> dict[str, Any]:
    """R4.7: new posts from your communities, newest first, without the ones you hid."""
    page = selectors.feed_page(actor=request.auth, cursor=cursor, limit=page_size(limit))
    shown(request, page.items)
    labels = team_ids(request.auth)
    return {
        "items": [post_out(post, team_ids=labels) for post in page.items],
        "next_cursor": page.next_cursor,
    }


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
    shown(request, page.items)
    labels = team_ids(request.auth)
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
    labels = team_ids(request.auth)
    return {
        "items": [post_out(post, team_ids=labels) for post in page.items],
        "next_cursor": page.next_cursor,
    }


@router.get("/communities/{slug}/suggestions/mine", response=list[PostOut])
def my_suggestions(request: AuthedRequest, slug: str) -> list[dict[str, Any]]:
    """What you suggested to this page, newest first, with the editors' answers."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    found = selectors.my_suggestions(actor=request.auth, community=community)
    labels = team_ids(request.auth)
    return [post_out(post, team_ids=labels) for post in found]


@router.get("/communities/{slug}/held/mine", response=list[PostOut])
def my_held(request: AuthedRequest, slug: str) -> list[dict[str, Any]]:
    """Your posts the automatic checks hold here, with the reasons, or a moderator refused."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    found = selectors.my_held(actor=request.auth, community=community)
    labels = team_ids(request.auth)
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
    return post_out(post, team_ids=team_ids(request.auth))


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
    """Count a click on the post's link (R8.8, R9.1) and get its address to open.

    The API twin of the web's `/p/{id}/go/`: the same action and event, platform "api".
    """
    actor = request.auth if isinstance(request.auth, User) else None
    post = selectors.post_for(actor=actor, post_id=post_id)
    url = interactions.click_link(viewer=viewer_of(request, api=True), actor=actor, post=post)
    return {"url": url}


# --- comments -------------------------------------------------------------------------------


@router.get("/posts/{post_id}/comments", auth=anyone, response=Page[CommentOut])
def post_comments(
    request: VisitorRequest, post_id: int, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """Top-level comments, oldest first, each with its replies."""
    size = page_size(limit)
    post = post_row(request.auth, post_id)
    page = selectors.comments_page(actor=request.auth, post=post, cursor=cursor, limit=size)
    return {
        "items": [comment_out(c, community=post.community) for c in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/posts/{post_id}/comments", response={201: CommentOut})
def add_comment(request: AuthedRequest, post_id: int, payload: CommentIn) -> Status:
    """Comment on a post, or reply to a comment (`parent`); replies nest one level."""
    post = post_row(request.auth, post_id)
    parent = comment_row(payload.parent) if payload.parent is not None else None
    comment = comment_actions.add_comment(
        actor=request.auth,
        post=post,
        parent=parent,
        body=payload.body,
        signed_as=payload.signed_as,
        viewer=viewer_of(request, api=True),
        ip=client_ip(request),
    )
    return Status(201, comment_out(comment, community=post.community))


@router.patch("/comments/{comment_id}", response=CommentOut)
def edit_comment(request: AuthedRequest, comment_id: int, payload: CommentPatchIn) -> Any:
    """Change your own comment."""
    comment = comment_row(comment_id)
    comment = comment_actions.edit_comment(actor=request.auth, comment=comment, body=payload.body)
    return comment_out(comment, community=_thread_community(comment))


@router.delete("/comments/{comment_id}", response={204: None})
def delete_comment(request: AuthedRequest, comment_id: int) -> Status:
    """Delete your comment, or any as a moderator; one with replies stays as "deleted"."""
    comment_actions.delete_comment(actor=request.auth, comment=comment_row(comment_id))
    return Status(204, None)


# --- likes, shares, hides, reports ----------------------------------------------------------


@router.post("/posts/{post_id}/like", response={201: LikeOut})
def like_post(request: AuthedRequest, post_id: int) -> Status:
    """Like a post (once)."""
    post = interactions.like_post(
        actor=request.auth,
        post=post_row(request.auth, post_id),
        viewer=viewer_of(request, api=True),
        ip=client_ip(request),
    )
    return Status(201, {"liked": True, "likes": post.like_count})


@router.delete("/posts/{post_id}/like", response=LikeOut)
def unlike_post(request: AuthedRequest, post_id: int) -> dict[str, Any]:
    """Take back your like."""
    post = interactions.unlike_post(
        actor=request.auth,
        post=post_row(request.auth, post_id),
        viewer=viewer_of(request, api=True),
    )
    return {"liked": False, "likes": post.like_count}


@router.post("/comments/{comment_id}/like", response={201: LikeOut})
def like_comment(request: AuthedRequest, comment_id: int) -> Status:
    """Like a comment (once)."""
    comment = interactions.like_comment(
        actor=request.auth,
        comment=comment_row(comment_id),
        viewer=viewer_of(request, api=True),
        ip=client_ip(request),
    )
    return Status(201, {"liked": True, "likes": comment.like_count})


@router.delete("/comments/{comment_id}/like", response=LikeOut)
def unlike_comment(request: AuthedRequest, comment_id: int) -> dict[str, Any]:
    """Take back your like of a comment."""
    comment = interactions.unlike_comment(
        actor=request.auth, comment=comment_row(comment_id), viewer=viewer_of(request, api=True)
    )
    return {"liked": False, "likes": comment.like_count}


@router.post("/posts/{post_id}/share", response={201: PostOut})
def share_post(request: AuthedRequest, post_id: int, payload: ShareIn | None = None) -> Status:
    """Repost to your profile wall, or to a community where you may post."""
    payload = payload or ShareIn()
    post = post_row(request.auth, post_id)
    target = None
    if payload.to_community:
        target, _standing = community_for(request.auth, payload.to_community, Action.SEE)
    repost = post_actions.share_post(
        actor=request.auth,
        post=post,
        to_community=target,
        comment=payload.comment,
        viewer=viewer_of(request, api=True),
        ip=client_ip(request),
    )
    return Status(201, _one_post(request, repost))


@router.post("/posts/{post_id}/hide", response={204: None})
def hide_post(request: AuthedRequest, post_id: int) -> Status:
    """Hide a post from your feed."""
    interactions.hide_post(
        actor=request.auth,
        post=post_row(request.auth, post_id),
        viewer=viewer_of(request, api=True),
    )
    return Status(204, None)


@router.post("/posts/{post_id}/report", response={201: ReportOut})
def report_post(request: AuthedRequest, post_id: int, payload: ReportIn) -> Status:
    """Report a post to the community's moderators with a reason."""
    report = interactions.report_post(
        actor=request.auth,
        post=post_row(request.auth, post_id),
        reason=payload.reason,
        text=payload.text,
        viewer=viewer_of(request, api=True),
        ip=client_ip(request),
    )
    return Status(201, report_out(report))


@router.post("/comments/{comment_id}/report", response={201: ReportOut})
def report_comment(request: AuthedRequest, comment_id: int, payload: ReportIn) -> Status:
    """Report a comment to the community's moderators with a reason."""
    report = interactions.report_comment(
        actor=request.auth,
        comment=comment_row(comment_id),
        reason=payload.reason,
        text=payload.text,
        viewer=viewer_of(request, api=True),
        ip=client_ip(request),
    )
    return Status(201, report_out(report))
