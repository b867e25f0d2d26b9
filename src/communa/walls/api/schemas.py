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


class LinkTagsIn(Strict):
    """R8.8: the UTM tags of the post's links, chosen by the community's editors; "" or left out
    on a new post means the default, left out on an edit keeps the current choice."""

    utm_source: str | None = Field(None, description="Default: the instance (`communa`).")
    utm_medium: str | None = Field(None, description="Default: `social`.")
    utm_campaign: str | None = Field(
        None, description="Default: the post's promotion when it has one, else its rubric."
    )
    utm_content: str | None = Field(None, description="Default: `post-<id>`.")


class PostIn(PostContentIn, LabelsIn, LinkTagsIn):
    kind: Annotated[str, OneOf(["", *PostKind.values])] | None = None
    signed_as: PostSignature | None = None


class PostPatchIn(PostContentIn, LabelsIn, LinkTagsIn):
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


class TrackedLinkOut(Schema):
    """One outbound link of a post: the address written, the tagged address a click leads to,
    the short link that counts the click, and its clicks (R8.8, R9.9)."""

    url: str
    tagged_url: str
    short_url: str
    in_post: bool = Field(description="False: an edit removed it; its short link answers 404.")
    clicks: int
    ctr: float | None = Field(
        description="Clicks / impressions of the post, in percent (two decimals); null before "
        "the first impression."
    )


class LinkTagsOut(Schema):
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_content: str


class PostLinksOut(Schema):
    """A post's tracked links with their figures, for its community's statistics team."""

    impressions: int
    clicks: int = Field(description="Clicks on all the post's links.")
    ctr: float | None = Field(description="`clicks` / `impressions` in percent; null before any.")
    tags: LinkTagsOut = Field(description="The tags the links carry now.")
    overrides: LinkTagsOut = Field(description="What the team chose; empty: the default.")
    links: list[TrackedLinkOut]


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
    links: list[TrackedLinkOut] | None = Field(
        None,
        description="The post's tracked links (R8.8): in the answer about one post, for its "
        "community's statistics team; null elsewhere (see `GET /posts/{id}/links`).",
    )


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
