"""Search, the catalog, creation, one community's settings and images, and its wiki."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import File, Status
from ninja.files import UploadedFile

from communa.accounts.authentication import VisitorRequest, anyone
from communa.accounts.http import AuthedRequest
from communa.accounts.models import User
from communa.communities import actions, selectors
from communa.communities.api.conversions import (
    answer_invitation,
    community_out,
    invitation_out,
    my_community_out,
    transfer_out,
    with_aware_dates,
)
from communa.communities.api.routers import me_router, router
from communa.communities.api.schemas import (
    CommunityDetailOut,
    CommunityIn,
    CommunityOut,
    CommunityPatchIn,
    ConvertIn,
    InvitationOut,
    MemberOut,
    MyCommunitiesPage,
    QuotaOut,
    VerificationIn,
    VerificationOut,
    WikiMenuItem,
    WikiPageIn,
    WikiPageOut,
)
from communa.communities.models import (
    WikiPage,
)
from communa.communities.permissions import (
    Action,
    Relation,
    allowed_in,
    can,
)
from communa.core.conf import int_setting
from communa.core.schemas import CheckedOnce, Cursor, Page, PageLimit, render_checked

OPERATION_ID_PREFIX = "communa_communities_api"


# --- endpoints without a community in the path (registered before /{slug}) -----------------


# Each community as the lists show it, checked against `CommunityOut` once per distinct row.
_CHECKED = CheckedOnce(CommunityOut)


@router.get("", auth=anyone, response=Page[CommunityOut])
def search(
    request: VisitorRequest, q: str = "", cursor: Cursor = None, limit: PageLimit = None
) -> HttpResponse:
    """Communities whose name or description matches; an exact name match comes first."""
    page = selectors.search_communities(request.auth, q, cursor=cursor, limit=limit)
    items = [_CHECKED(community_out(c)) for c in page.items]
    return render_checked(request, {"items": items, "next_cursor": page.next_cursor})


@router.get("/catalog", auth=anyone, response=list[CommunityOut])
def catalog(request: VisitorRequest) -> HttpResponse:
    """Featured communities in the order operators chose."""
    return render_checked(request, [_CHECKED(community_out(c)) for c in selectors.catalog()])


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


@router.post("/invitations/{invitation_id}/accept", response={201: MemberOut}, deprecated=True)
def accept_invitation(request: AuthedRequest, invitation_id: int) -> Status:
    """Deprecated alias of `POST /communities/{slug}/invitation/accept` (the same action)."""
    invitation = selectors.invitation_of(request.auth, invitation_id)
    return answer_invitation(request.auth, invitation, accept=True)


@router.post("/invitations/{invitation_id}/decline", response={204: None}, deprecated=True)
def decline_invitation(request: AuthedRequest, invitation_id: int) -> Status:
    """Deprecated alias of `POST /communities/{slug}/invitation/decline` (the same action)."""
    invitation = selectors.invitation_of(request.auth, invitation_id)
    return answer_invitation(request.auth, invitation, accept=False)


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
