"""The communities API's input and output schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from communa.communities.models import (
    Category,
    CommentPolicy,
    JoinSource,
    Kind,
    Privacy,
    Role,
    WallMode,
)
from communa.core.schemas import Moment, OneOf, Page, Strict

# --- schemas --------------------------------------------------------------------------------


SLUG_RULE = (
    "The community's address: 3 to 64 lowercase letters, digits, `-` or `_`, "
    "starting and ending with a letter or digit."
)
# Documented here, checked by the action (which also lower-cases and refuses reserved words).
Slug = Annotated[
    str,
    Field(
        description=SLUG_RULE,
        json_schema_extra={"pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{1,62}[A-Za-z0-9]$"},
    ),
]
Name = Annotated[str, Field(max_length=120)]
KindName = Annotated[str, OneOf(Kind.values)]
RoleName = Annotated[str, OneOf(Role.values)]
SourceName = Annotated[str, OneOf(JoinSource.values)]


class LinkIn(Strict):
    title: str = ""
    url: str


ZoneName = Annotated[str, Field(max_length=64, description="An IANA name; blank: the site's.")]


class CommunityPatchIn(Strict):
    name: Name | None = None
    slug: Slug | None = None
    category: Annotated[str, OneOf(Category.values)] | None = None
    description: Annotated[str, Field(max_length=5000)] | None = None
    contacts: Annotated[str, Field(max_length=2000)] | None = None
    links: list[LinkIn] | None = None
    privacy: Annotated[str, OneOf(Privacy.values)] | None = None
    wall_mode: Annotated[str, OneOf(WallMode.values)] | None = None
    comment_policy: Annotated[str, OneOf(CommentPolicy.values)] | None = None
    links_allowed: bool | None = None
    obscene_filter: bool | None = None
    event_starts_at: Moment | None = None
    event_ends_at: Moment | None = None
    event_place: Annotated[str, Field(max_length=200)] | None = None
    event_capacity: Annotated[int, Field(ge=1, le=100_000)] | None = None
    time_zone: (
        Annotated[str, Field(max_length=64, description="An IANA name; blank: the site's.")] | None
    ) = None
    approval_required: bool | None = None
    hold_late_posts: bool | None = None


class CommunityIn(CommunityPatchIn):
    name: Name
    slug: Slug
    kind: KindName | None = None


class LinkOut(Schema):
    title: str
    url: str


class CommunityOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    category: str
    description: str
    contacts: str
    links: list[LinkOut]
    privacy: str
    wall_mode: str
    comment_policy: str
    links_allowed: bool
    obscene_filter: bool
    event_starts_at: datetime | None
    event_ends_at: datetime | None
    event_place: str
    event_capacity: int | None
    time_zone: str
    approval_required: bool
    hold_late_posts: bool
    member_count: int
    verified: bool
    avatar_url: str | None
    cover_url: str | None
    created_at: datetime


class WikiMenuItem(Schema):
    slug: str
    title: str
    position: int


class TransferOut(Schema):
    from_username: str
    to_username: str
    state: str
    requested_at: datetime
    effective_at: datetime


class BlockNotice(Schema):
    reason: str
    ends_at: datetime | None


class CommunityDetailOut(CommunityOut):
    relation: str
    permissions: list[str]
    invitation_id: int | None
    join_request_pending: bool
    block: BlockNotice | None
    wiki: list[WikiMenuItem]
    transfer: TransferOut | None


class ConvertIn(Strict):
    kind: KindName


class VerificationIn(Strict):
    message: str
    evidence_url: str = ""


class VerificationOut(Schema):
    id: int
    status: str
    created_at: datetime


class WikiPageIn(Strict):
    title: str
    body: str = ""
    position: int = 0


class WikiPageOut(Schema):
    slug: str
    title: str
    body: str
    position: int
    updated_at: datetime


class UtmIn(Strict):
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    utm_term: str = ""
    utm_content: str = ""


class JoinIn(Strict):
    source: SourceName = JoinSource.DIRECT.value
    utm: UtmIn | None = None


class JoinRequestIn(Strict):
    message: str = ""
    source: SourceName = JoinSource.DIRECT.value
    utm: UtmIn | None = None


class RejectIn(Strict):
    reason: str = ""


class MemberOut(Schema):
    username: str
    display_name: str
    role: str
    joined_at: datetime
    # Where the member came from: null unless the viewer may see statistics (VIEW_STATISTICS:
    # owner, administrators, editors, analysts), or on the answer to one's own join.
    source: str | None = None
    utm: dict[str, str] | None = None


class JoinSourceCount(Schema):
    source: str
    members: int


class MemberSourcesOut(Schema):
    members: int
    sources: list[JoinSourceCount]


class JoinRequestOut(Schema):
    id: int
    username: str
    display_name: str
    message: str
    status: str
    source: str
    utm: dict[str, str]
    created_at: datetime
    decided_at: datetime | None
    reason: str


class CommunityRef(Schema):
    slug: str
    name: str


class MyCommunityRef(CommunityRef):
    kind: str
    privacy: str
    member_count: int
    avatar_url: str | None


class MyCommunityOut(Schema):
    community: MyCommunityRef
    role: str
    joined_at: datetime


class MyTransferOut(TransferOut):
    community: CommunityRef


class MyCommunitiesPage(Page[MyCommunityOut]):
    # Pending ownership handovers to or from you: on the first page only (empty after it).
    transfers: list[MyTransferOut]


class WidgetJoinIn(Strict):
    message: str = ""
    utm: UtmIn | None = None


class WidgetJoinOut(Schema):
    # "joined": you are a member now; "requested": the moderators decide (a closed community).
    outcome: Literal["joined", "requested"]
    member: MemberOut | None
    request: JoinRequestOut | None


class InviteIn(Strict):
    usernames: list[str]


class InvitationOut(Schema):
    id: int
    community: CommunityRef
    inviter: str
    invitee: str
    status: str
    created_at: datetime


class QuotaOut(Schema):
    left: int
    limit: int
    resets_at: datetime


class BlockIn(Strict):
    username: str
    reason: str
    ends_at: Moment | None = None


class BlockOut(Schema):
    username: str
    reason: str
    ends_at: datetime | None
    created_at: datetime
    blocked_by: str | None


class RoleIn(Strict):
    role: RoleName


class TeamMemberOut(Schema):
    username: str
    display_name: str
    role: str
    joined_at: datetime


class MatrixRow(Schema):
    action: str
    label: str
    allowed: list[bool]


class TeamOut(Schema):
    members: list[TeamMemberOut]
    columns: list[str]
    matrix: list[MatrixRow]


class TransferIn(Strict):
    username: str
