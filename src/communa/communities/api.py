"""Communities API: search, creation and settings, wiki, membership, invitations, blocks, team."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from communa.accounts import selectors as accounts_selectors
from communa.accounts.authentication import VisitorRequest, anyone
from communa.accounts.http import AuthedRequest
from communa.accounts.models import User
from communa.communities import actions, selectors
from communa.communities.models import (
    Block,
    Category,
    CommentPolicy,
    Community,
    Invitation,
    JoinRequest,
    JoinSource,
    Kind,
    Membership,
    OwnershipTransfer,
    Privacy,
    RequestStatus,
    Role,
    WallMode,
    WikiPage,
)
from communa.communities.permissions import (
    Action,
    Relation,
    Standing,
    allowed_in,
    can,
    matrix_rows,
)
from communa.core.conf import int_setting
from communa.core.errors import NotFound, ValidationFailed
from communa.core.http import client_ip
from communa.core.schemas import Cursor, Moment, OneOf, Page, PageLimit, Strict

router = Router(tags=["communities"])
# Mounted at /me beside the accounts app's router: "my communities" belongs to this app.
me_router = Router(tags=["communities"])


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


# --- conversions ----------------------------------------------------------------------------


COMMUNITY_FIELDS = [
    name for name in CommunityOut.model_fields if name not in {"avatar_url", "cover_url"}
]


def community_out(community: Community) -> dict[str, Any]:
    return {
        **{name: getattr(community, name) for name in COMMUNITY_FIELDS},
        "avatar_url": community.avatar.url if community.avatar else None,
        "cover_url": community.cover.url if community.cover else None,
    }


def transfer_out(transfer: OwnershipTransfer) -> dict[str, Any]:
    return {
        "from_username": transfer.from_user.username,
        "to_username": transfer.to_user.username,
        "state": transfer.state,
        "requested_at": transfer.requested_at,
        "effective_at": transfer.effective_at,
    }


def member_out(membership: Membership, *, team_view: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "username": membership.user.username,
        "display_name": membership.user.display_name,
        "role": membership.role,
        "joined_at": membership.joined_at,
    }
    if team_view:
        out["source"] = membership.source
        out["utm"] = {
            name: getattr(membership, name)
            for name in actions.UTM_FIELDS
            if getattr(membership, name)
        }
    return out


def my_community_out(membership: Membership) -> dict[str, Any]:
    community = membership.community
    return {
        "community": {
            "slug": community.slug,
            "name": community.name,
            "kind": community.kind,
            "privacy": community.privacy,
            "member_count": community.member_count,
            "avatar_url": community.avatar.url if community.avatar else None,
        },
        "role": membership.role,
        "joined_at": membership.joined_at,
    }


def request_out(join_request: JoinRequest) -> dict[str, Any]:
    return {
        "id": join_request.pk,
        "username": join_request.user.username,
        "display_name": join_request.user.display_name,
        "message": join_request.message,
        "status": join_request.status,
        "source": join_request.source,
        "utm": join_request.utm or {},
        "created_at": join_request.created_at,
        "decided_at": join_request.decided_at,
        "reason": join_request.reason,
    }


def invitation_out(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "community": {"slug": invitation.community.slug, "name": invitation.community.name},
        "inviter": invitation.inviter.username,
        "invitee": invitation.invitee.username,
        "status": invitation.status,
        "created_at": invitation.created_at,
    }


def block_out(block: Block) -> dict[str, Any]:
    return {
        "username": block.user.username,
        "reason": block.reason,
        "ends_at": block.ends_at,
        "created_at": block.created_at,
        "blocked_by": block.blocked_by.username if block.blocked_by else None,
    }


def team_member_out(membership: Membership) -> dict[str, Any]:
    return {
        "username": membership.user.username,
        "display_name": membership.user.display_name,
        "role": membership.role,
        "joined_at": membership.joined_at,
    }


def aware(moment: datetime | None) -> datetime | None:
    """A date without a time zone is read in the person's own zone (the active one)."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def with_aware_dates(data: dict[str, Any]) -> dict[str, Any]:
    return {
        name: aware(value) if isinstance(value, datetime) else value for name, value in data.items()
    }


def user_named(username: str, *, field: str = "username") -> User:
    """The account with this username (any case), or a 422 naming the field."""
    found = accounts_selectors.user_named(username)
    if found is None:
        raise ValidationFailed(
            fields={field: [_("Nobody is called “%(name)s”.") % {"name": username[:64]}]}
        )
    return found


def users_named(usernames: list[str]) -> list[User]:
    """Every named account in one query; a 422 lists the names that match nobody."""
    found, missing = accounts_selectors.users_named(usernames)
    if missing:
        raise ValidationFailed(
            fields={
                "usernames": [
                    _("Nobody is called: %(names)s.") % {"names": ", ".join(sorted(missing))}
                ]
            }
        )
    return found


def renamed_fields(exc: ValidationFailed, names: dict[str, str]) -> ValidationFailed:
    """The same refusal with the action's field names replaced by the names this API uses."""
    fields: dict[str, list[str]] = {}
    for name, reasons in exc.fields.items():
        fields.setdefault(names.get(name, name), []).extend(reasons)
    return ValidationFailed(exc.message, fields=fields)


# --- endpoints without a community in the path (registered before /{slug}) -----------------


@router.get("", auth=anyone, response=Page[CommunityOut])
def search(
    request: VisitorRequest, q: str = "", cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """Communities whose name or description matches; an exact name match comes first."""
    page = selectors.search_communities(request.auth, q, cursor=cursor, limit=limit)
    return {"items": [community_out(c) for c in page.items], "next_cursor": page.next_cursor}


@router.get("/catalog", auth=anyone, response=list[CommunityOut])
def catalog(request: VisitorRequest) -> list[dict[str, Any]]:
    """Featured communities in the order operators chose."""
    return [community_out(c) for c in selectors.catalog()]


@router.post("", response={201: CommunityOut})
def create(request: AuthedRequest, payload: CommunityIn) -> Status:
    """Create a community; you become its owner."""
    data = with_aware_dates(payload.model_dump(exclude_unset=True))
    community = actions.create_community(actor=request.auth, data=data)
    return Status(201, community_out(community))


@router.get("/invitations/mine", response=list[InvitationOut])
def my_invitations(request: AuthedRequest) -> list[dict[str, Any]]:
    """Your pending invitations, newest first."""
    return [invitation_out(i) for i in selectors.invitations_for(request.auth)]


@router.get("/invitations/quota", response=QuotaOut)
def my_invitation_quota(request: AuthedRequest) -> dict[str, Any]:
    """How many invitations you may still send today, and when the count resets."""
    left, resets_at = actions.invitation_quota(request.auth)
    return {"left": left, "limit": int_setting("INVITATIONS_PER_DAY"), "resets_at": resets_at}


def _answer_invitation(actor: User, invitation: Invitation, *, accept: bool) -> Status:
    """Both routes of an invitation answer here: one action, one answer (docs/api.md)."""
    membership = actions.respond_to_invitation(actor=actor, invitation=invitation, accept=accept)
    if accept:
        return Status(201, member_out(membership, team_view=True))
    return Status(204, None)


@router.post("/invitations/{invitation_id}/accept", response={201: MemberOut}, deprecated=True)
def accept_invitation(request: AuthedRequest, invitation_id: int) -> Status:
    """Deprecated alias of `POST /communities/{slug}/invitation/accept` (the same action)."""
    invitation = selectors.invitation_of(request.auth, invitation_id)
    return _answer_invitation(request.auth, invitation, accept=True)


@router.post("/invitations/{invitation_id}/decline", response={204: None}, deprecated=True)
def decline_invitation(request: AuthedRequest, invitation_id: int) -> Status:
    """Deprecated alias of `POST /communities/{slug}/invitation/decline` (the same action)."""
    invitation = selectors.invitation_of(request.auth, invitation_id)
    return _answer_invitation(request.auth, invitation, accept=False)


@me_router.get("/communities", response=MyCommunitiesPage)
def my_communities(
    request: AuthedRequest, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """Your communities with your role, newest first, and handovers of ownership to or from you.

    The API twin of the web page "My communities"; your invitations are at
    `/communities/invitations/mine`.
    """
    page = selectors.my_communities_page(request.auth, cursor=cursor, limit=limit)
    transfers = [] if cursor else selectors.transfers_for(request.auth)
    return {
        "items": [my_community_out(m) for m in page.items],
        "next_cursor": page.next_cursor,
        "transfers": [
            {
                **transfer_out(t),
                "community": {"slug": t.community.slug, "name": t.community.name},
            }
            for t in transfers
        ],
    }


# --- one community --------------------------------------------------------------------------


@router.get("/{slug}", auth=anyone, response=CommunityDetailOut)
def detail(request: VisitorRequest, slug: str) -> dict[str, Any]:
    """A community as this viewer may see it, with their relation and what they may do."""
    actor = request.auth
    community, standing = selectors.community_for(actor, slug, Action.SEE)
    relation = standing.relation
    is_member = standing.membership is not None
    transfer = selectors.pending_transfer(community) if is_member else None
    if transfer is not None and actor.pk not in {transfer.from_user_id, transfer.to_user_id}:
        transfer = None
    request_pending = (
        isinstance(actor, User)
        and relation == Relation.NON_MEMBER
        and selectors.has_pending_request(community, actor)
    )
    block = standing.block
    return {
        **community_out(community),
        "relation": relation.value,
        "permissions": [a.value for a in Action if relation in allowed_in(a, community)],
        "invitation_id": standing.invitation.pk if standing.invitation else None,
        "join_request_pending": request_pending,
        "block": {"reason": block.reason, "ends_at": block.ends_at} if block else None,
        "wiki": (
            [
                {"slug": p.slug, "title": p.title, "position": p.position}
                for p in selectors.wiki_menu(community)
            ]
            if can(actor, Action.VIEW_CONTENT, community, standing=standing)
            else []
        ),
        "transfer": transfer_out(transfer) if transfer else None,
    }


@router.patch("/{slug}", response=CommunityOut)
def update(request: AuthedRequest, slug: str, payload: CommunityPatchIn) -> dict[str, Any]:
    """Change settings; fields left out stay as they are."""
    community, _standing = selectors.community_for(request.auth, slug, Action.EDIT_SETTINGS)
    changes = with_aware_dates(payload.model_dump(exclude_unset=True))
    community = actions.update_community(actor=request.auth, community=community, changes=changes)
    return community_out(community)


@router.post("/{slug}/convert", response=CommunityOut)
def convert(request: AuthedRequest, slug: str, payload: ConvertIn) -> dict[str, Any]:
    """Turn a group into a public page or back (at most once per 30 days)."""
    community, _standing = selectors.community_for(request.auth, slug, Action.CONVERT_KIND)
    community = actions.convert_community(
        actor=request.auth, community=community, kind=payload.kind
    )
    return community_out(community)


@router.post("/{slug}/cover", response=CommunityOut)
def upload_cover(request: AuthedRequest, slug: str, cover: File[UploadedFile]) -> dict[str, Any]:
    """Upload the cover: 795×200 or 1590×400 pixels, JPEG, PNG, WebP or GIF."""
    community, _standing = selectors.community_for(request.auth, slug, Action.EDIT_SETTINGS)
    community = actions.set_community_image(
        actor=request.auth, community=community, field="cover", upload=cover
    )
    return community_out(community)


@router.post("/{slug}/avatar", response=CommunityOut)
def upload_avatar(request: AuthedRequest, slug: str, avatar: File[UploadedFile]) -> dict[str, Any]:
    """Upload the avatar: 200 pixels on one side and 300 to 500 on the other."""
    community, _standing = selectors.community_for(request.auth, slug, Action.EDIT_SETTINGS)
    community = actions.set_community_image(
        actor=request.auth, community=community, field="avatar", upload=avatar
    )
    return community_out(community)


@router.post("/{slug}/verification", response={201: VerificationOut})
def request_verification(request: AuthedRequest, slug: str, payload: VerificationIn) -> Status:
    """Ask the operators for the verified mark."""
    community, _standing = selectors.community_for(request.auth, slug, Action.REQUEST_VERIFICATION)
    found = actions.request_verification(
        actor=request.auth,
        community=community,
        message=payload.message,
        evidence_url=payload.evidence_url,
    )
    return Status(201, {"id": found.pk, "status": found.status, "created_at": found.created_at})


# --- wiki -----------------------------------------------------------------------------------


@router.get("/{slug}/wiki", auth=anyone, response=list[WikiMenuItem])
def wiki_menu(request: VisitorRequest, slug: str) -> list[dict[str, Any]]:
    """The wiki pages that form the community menu, in order."""
    community, _standing = selectors.community_for(request.auth, slug, Action.VIEW_CONTENT)
    return [
        {"slug": p.slug, "title": p.title, "position": p.position}
        for p in selectors.wiki_menu(community)
    ]


def wiki_page_out(page: WikiPage) -> dict[str, Any]:
    return {
        "slug": page.slug,
        "title": page.title,
        "body": page.body,
        "position": page.position,
        "updated_at": page.updated_at,
    }


@router.get("/{slug}/wiki/{page}", auth=anyone, response=WikiPageOut)
def wiki_page(request: VisitorRequest, slug: str, page: str) -> dict[str, Any]:
    """One wiki page."""
    community, _standing = selectors.community_for(request.auth, slug, Action.VIEW_CONTENT)
    return wiki_page_out(selectors.wiki_page_in(community, page))


@router.put("/{slug}/wiki/{page}", response=WikiPageOut)
def save_wiki_page(request: AuthedRequest, slug: str, page: str, payload: WikiPageIn) -> Any:
    """Create or replace a wiki page."""
    community, _standing = selectors.community_for(request.auth, slug, Action.EDIT_WIKI)
    saved = actions.save_wiki_page(
        actor=request.auth,
        community=community,
        slug=page,
        title=payload.title,
        body=payload.body,
        position=payload.position,
    )
    return wiki_page_out(saved)


@router.delete("/{slug}/wiki/{page}", response={204: None})
def delete_wiki_page(request: AuthedRequest, slug: str, page: str) -> Status:
    """Remove a wiki page."""
    community, _standing = selectors.community_for(request.auth, slug, Action.EDIT_WIKI)
    actions.delete_wiki_page(actor=request.auth, community=community, slug=page.lower())
    return Status(204, None)


# --- joining, leaving, requests -------------------------------------------------------------


@router.post("/{slug}/join", response={201: MemberOut})
def join(request: AuthedRequest, slug: str, payload: JoinIn | None = None) -> Status:
    """Join an open community (or accept your invitation), recording where you came from."""
    payload = payload or JoinIn()
    community, _standing = selectors.community_for(request.auth, slug, Action.SEE)
    membership = actions.join_community(
        actor=request.auth,
        community=community,
        source=payload.source,
        utm=payload.utm.model_dump() if payload.utm else None,
        ip=client_ip(request),
    )
    return Status(201, member_out(membership, team_view=True))


@router.post("/{slug}/widget/join", response={201: WidgetJoinOut})
def join_from_widget(
    request: AuthedRequest, slug: str, payload: WidgetJoinIn | None = None
) -> Status:
    """The subscribe widget's button (R3.5): join, or ask to join a closed community.

    The same actions as `/join` and `/requests`, with the source always `widget` (R3.4). Like
    the widget itself, a private community answers 404.
    """
    payload = payload or WidgetJoinIn()
    actor = request.auth
    community, standing = selectors.community_for(actor, slug, Action.SEE)
    if community.privacy == Privacy.PRIVATE:
        raise NotFound
    utm = payload.utm.model_dump() if payload.utm else None
    if can(actor, Action.REQUEST_JOIN, community, standing=standing):
        found = actions.request_to_join(
            actor=actor,
            community=community,
            message=payload.message,
            source=JoinSource.WIDGET,
            utm=utm,
            ip=client_ip(request),
        )
        return Status(201, {"outcome": "requested", "member": None, "request": request_out(found)})
    membership = actions.join_community(
        actor=actor, community=community, source=JoinSource.WIDGET, utm=utm, ip=client_ip(request)
    )
    return Status(
        201,
        {"outcome": "joined", "member": member_out(membership, team_view=True), "request": None},
    )


@router.post("/{slug}/leave", response={204: None})
def leave(request: AuthedRequest, slug: str) -> Status:
    """Leave the community (the owner hands over ownership first)."""
    community, _standing = selectors.community_for(request.auth, slug, Action.SEE)
    actions.leave_community(actor=request.auth, community=community)
    return Status(204, None)


@router.post("/{slug}/invitation/accept", response={201: MemberOut})
def accept_invitation_to(request: AuthedRequest, slug: str) -> Status:
    """Accept your pending invitation to this community: you join it.

    The canonical route, checked against the role × action table like `/join` and `/leave`.
    """
    _community, standing = selectors.community_for(request.auth, slug, Action.ACCEPT_INVITATION)
    return _answer_invitation(request.auth, _invitation_of(standing), accept=True)


@router.post("/{slug}/invitation/decline", response={204: None})
def decline_invitation_to(request: AuthedRequest, slug: str) -> Status:
    """Decline your pending invitation to this community (the canonical route)."""
    _community, standing = selectors.community_for(request.auth, slug, Action.ACCEPT_INVITATION)
    return _answer_invitation(request.auth, _invitation_of(standing), accept=False)


def _invitation_of(standing: Standing) -> Invitation:
    if standing.invitation is None:  # the table allows only the invited, who have one
        raise NotFound
    return standing.invitation


@router.post("/{slug}/requests", response={201: JoinRequestOut})
def ask_to_join(request: AuthedRequest, slug: str, payload: JoinRequestIn | None = None) -> Status:
    """Ask to join a closed community, with an optional message for the moderators."""
    payload = payload or JoinRequestIn()
    community, _standing = selectors.community_for(request.auth, slug, Action.SEE)
    found = actions.request_to_join(
        actor=request.auth,
        community=community,
        message=payload.message,
        source=payload.source,
        utm=payload.utm.model_dump() if payload.utm else None,
        ip=client_ip(request),
    )
    return Status(201, request_out(found))


@router.delete("/{slug}/requests/mine", response={204: None})
def cancel_my_request(request: AuthedRequest, slug: str) -> Status:
    """Withdraw your pending request to join."""
    community, _standing = selectors.community_for(request.auth, slug, Action.SEE)
    actions.cancel_join_request(actor=request.auth, community=community)
    return Status(204, None)


@router.get("/{slug}/requests", response=Page[JoinRequestOut])
def join_requests(
    request: AuthedRequest,
    slug: str,
    status: Annotated[str, OneOf(RequestStatus.values)] = RequestStatus.PENDING.value,
    cursor: Cursor = None,
    limit: PageLimit = None,
) -> dict[str, Any]:
    """Join requests of one status, oldest first (moderators and above)."""
    community, _standing = selectors.community_for(request.auth, slug, Action.REVIEW_REQUESTS)
    if status not in RequestStatus.values:
        raise ValidationFailed(
            fields={
                "status": [
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(RequestStatus.values)}
                ]
            }
        )
    page = selectors.join_requests_page(community, status=status, cursor=cursor, limit=limit)
    return {"items": [request_out(r) for r in page.items], "next_cursor": page.next_cursor}


@router.post("/{slug}/requests/{request_id}/approve", response=JoinRequestOut)
def approve_request(request: AuthedRequest, slug: str, request_id: int) -> dict[str, Any]:
    """Approve a request: the person becomes a member."""
    community, _standing = selectors.community_for(request.auth, slug, Action.REVIEW_REQUESTS)
    found = actions.decide_join_request(
        actor=request.auth,
        join_request=selectors.join_request_in(community, request_id),
        approve=True,
    )
    return request_out(found)


@router.post("/{slug}/requests/{request_id}/reject", response=JoinRequestOut)
def reject_request(
    request: AuthedRequest, slug: str, request_id: int, payload: RejectIn | None = None
) -> dict[str, Any]:
    """Reject a request, with an optional reason the person sees."""
    payload = payload or RejectIn()
    community, _standing = selectors.community_for(request.auth, slug, Action.REVIEW_REQUESTS)
    found = actions.decide_join_request(
        actor=request.auth,
        join_request=selectors.join_request_in(community, request_id),
        approve=False,
        reason=payload.reason,
    )
    return request_out(found)


# --- members --------------------------------------------------------------------------------


@router.get("/{slug}/members", auth=anyone, response=Page[MemberOut])
def members(
    request: VisitorRequest,
    slug: str,
    cursor: Cursor = None,
    limit: PageLimit = None,
    role: Annotated[str, OneOf([*Role.values, "team"])] | None = None,
) -> dict[str, Any]:
    """Members, newest first; `role` filters by a role or `team`. Join sources: team only."""
    community, standing = selectors.community_for(request.auth, slug, Action.VIEW_CONTENT)
    if role and role not in {*Role.values, "team"}:
        raise ValidationFailed(
            fields={
                "role": [
                    _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join([*Role.values, "team"])}
                ]
            }
        )
    # R2.5: where members came from is statistics (the analyst's and editor's), not moderation.
    team_view = can(request.auth, Action.VIEW_STATISTICS, community, standing=standing)
    page = selectors.members_page(community, cursor=cursor, limit=limit, role=role)
    return {
        "items": [member_out(m, team_view=team_view) for m in page.items],
        "next_cursor": page.next_cursor,
    }


@router.get("/{slug}/members/sources", response=MemberSourcesOut)
def member_sources(request: AuthedRequest, slug: str) -> dict[str, Any]:
    """How many members came from each join source (R3.4), most first (VIEW_STATISTICS)."""
    community, _standing = selectors.community_for(request.auth, slug, Action.VIEW_STATISTICS)
    counts = selectors.member_sources(community)
    return {
        "members": sum(count for _source, count in counts),
        "sources": [{"source": source, "members": count} for source, count in counts],
    }


# --- invitations ----------------------------------------------------------------------------


@router.post("/{slug}/invitations", response={201: list[InvitationOut]})
def invite(request: AuthedRequest, slug: str, payload: InviteIn) -> Status:
    """Invite people by username; each decides whether to join. Capped per day."""
    community, _standing = selectors.community_for(request.auth, slug, Action.INVITE)
    created = actions.invite_to_community(
        actor=request.auth,
        community=community,
        invitees=users_named(payload.usernames),
        ip=client_ip(request),
    )
    for invitation in created:
        invitation.community = community
    return Status(201, [invitation_out(i) for i in created])


@router.get("/{slug}/invitations", response=Page[InvitationOut])
def pending_invitations(
    request: AuthedRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """The community's pending invitations, newest first."""
    community, _standing = selectors.community_for(request.auth, slug, Action.INVITE)
    page = selectors.invitations_sent(community, cursor=cursor, limit=limit)
    for invitation in page.items:
        invitation.community = community
    return {"items": [invitation_out(i) for i in page.items], "next_cursor": page.next_cursor}


@router.delete("/{slug}/invitations/{invitation_id}", response={204: None})
def cancel_invitation(request: AuthedRequest, slug: str, invitation_id: int) -> Status:
    """Withdraw an invitation (its sender, or a moderator and above)."""
    community, _standing = selectors.community_for(request.auth, slug, Action.SEE)
    invitation = selectors.invitation_in(community, invitation_id)
    invitation.community = community
    actions.cancel_invitation(actor=request.auth, invitation=invitation)
    return Status(204, None)


# --- blocks ---------------------------------------------------------------------------------


@router.get("/{slug}/blocks", response=Page[BlockOut])
def blocks(
    request: AuthedRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """People blocked from the community, newest first."""
    community, _standing = selectors.community_for(request.auth, slug, Action.BLOCK_MEMBERS)
    page = selectors.blocks_page(community, cursor=cursor, limit=limit)
    return {"items": [block_out(b) for b in page.items], "next_cursor": page.next_cursor}


@router.post("/{slug}/blocks", response={201: BlockOut})
def block(request: AuthedRequest, slug: str, payload: BlockIn) -> Status:
    """Block a person with a reason and an optional end; a member is removed."""
    community, _standing = selectors.community_for(request.auth, slug, Action.BLOCK_MEMBERS)
    try:
        found = actions.block_member(
            actor=request.auth,
            community=community,
            user=user_named(payload.username),
            reason=payload.reason,
            ends_at=aware(payload.ends_at),
        )
    except ValidationFailed as exc:
        raise renamed_fields(exc, {"user": "username"}) from exc
    return Status(201, block_out(found))


@router.delete("/{slug}/blocks/{username}", response={204: None})
def unblock(request: AuthedRequest, slug: str, username: str) -> Status:
    """Lift a block; the person may join or ask again."""
    community, _standing = selectors.community_for(request.auth, slug, Action.BLOCK_MEMBERS)
    person = accounts_selectors.user_named(username)
    if person is None:
        raise NotFound(_("This person is not blocked."))
    actions.unblock_member(actor=request.auth, community=community, user=person)
    return Status(204, None)


# --- team and ownership ---------------------------------------------------------------------

TEAM_COLUMNS = [Role.OWNER, Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.ANALYST, Role.MEMBER]


@router.get("/{slug}/team", response=TeamOut)
def team(request: AuthedRequest, slug: str) -> dict[str, Any]:
    """The team and the role × action table for this community's privacy."""
    community, _standing = selectors.community_for(request.auth, slug, Action.VIEW_TEAM)
    rows = matrix_rows(community.privacy)
    return {
        "members": [team_member_out(m) for m in selectors.team_of(community)],
        "columns": [str(role.value) for role in TEAM_COLUMNS],
        "matrix": [
            {"action": action.value, "label": label, "allowed": flags}
            for action, (label, flags) in zip(Action, rows, strict=True)
        ],
    }


@router.put("/{slug}/team/{username}", response=TeamMemberOut)
def set_role(request: AuthedRequest, slug: str, username: str, payload: RoleIn) -> Any:
    """Give a member a team role, or take it away with `member`."""
    community, _standing = selectors.community_for(request.auth, slug, Action.MANAGE_TEAM)
    person = accounts_selectors.user_named(username)
    if person is None:
        raise NotFound
    try:
        membership = actions.set_member_role(
            actor=request.auth, community=community, user=person, role=payload.role
        )
    except ValidationFailed as exc:
        raise renamed_fields(exc, {"user": "username"}) from exc
    membership.user = person
    return team_member_out(membership)


def _transfer_seen_by(actor: User, community: Community) -> OwnershipTransfer:
    transfer = selectors.pending_transfer(community)
    if transfer is None or actor.pk not in {transfer.from_user_id, transfer.to_user_id}:
        raise NotFound(_("No handover of ownership is pending."))
    return transfer


@router.post("/{slug}/transfer", response={201: TransferOut})
def transfer(request: AuthedRequest, slug: str, payload: TransferIn) -> Status:
    """Hand ownership to a member; it takes effect after 14 days unless cancelled."""
    community, _standing = selectors.community_for(request.auth, slug, Action.TRANSFER_OWNERSHIP)
    try:
        found = actions.request_ownership_transfer(
            actor=request.auth, community=community, to_user=user_named(payload.username)
        )
    except ValidationFailed as exc:
        raise renamed_fields(exc, {"user": "username"}) from exc
    return Status(201, transfer_out(found))


@router.get("/{slug}/transfer", response=TransferOut)
def pending_handover(request: AuthedRequest, slug: str) -> dict[str, Any]:
    """The pending handover, to its owner and its recipient."""
    community, _standing = selectors.community_for(request.auth, slug, Action.SEE)
    return transfer_out(_transfer_seen_by(request.auth, community))


@router.delete("/{slug}/transfer", response={204: None})
def cancel_handover(request: AuthedRequest, slug: str) -> Status:
    """Cancel the pending handover (the owner or the recipient)."""
    community, _standing = selectors.community_for(request.auth, slug, Action.SEE)
    actions.cancel_ownership_transfer(
        actor=request.auth, transfer=_transfer_seen_by(request.auth, community)
    )
    return Status(204, None)
