"""The walls API's input and output schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema

from communa.communities.models import Tone
from communa.core.gate import ReportReason
from communa.core.schemas import OneOf, Page, Strict
from communa.walls.models import (
    PostKind,
    Signature,
)

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
