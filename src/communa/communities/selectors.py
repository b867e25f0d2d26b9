"""Reads of communities: lookup with privacy, search, catalog, and the paged lists."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connections
from django.db.models import Case, Count, IntegerField, Model, Q, QuerySet, Value, When

from communa.accounts.models import signed_in
from communa.communities.models import (
    Block,
    Community,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    OwnershipTransfer,
    Privacy,
    RequestStatus,
    Role,
    TransferState,
    WikiPage,
)
from communa.communities.permissions import (
    Action,
    Standing,
    require,
    standing_as_member,
    standing_of,
)
from communa.core.errors import NotFound
from communa.core.pagination import Page, decode_cursor, keyset_page, page_of, page_size
from communa.core.rows import Only, read_many, read_one

M = TypeVar("M", bound=Model)


def community_at(slug: str) -> Community | None:
    """The community at this address, whatever the case of its letters, if there is one.

    Every community page starts here: a statement written once (core.rows) that the unique
    index on LOWER(slug) answers (`slug__iexact` compares UPPER() and scans the table).
    """
    return read_one(Community, 'LOWER(t0."slug") = LOWER(%s)', [slug])


def community_for(actor: Any, slug: str, action: Action = Action.SEE) -> tuple[Community, Standing]:
    """The community at this address if the actor may do `action`; a hidden one is a 404.

    A signed-in person's membership is read with its community in one statement: every page a
    member opens in a community starts here. Found none (not a member, or no such community),
    the community is read alone and the standing from blocks and invitations.
    """
    if signed_in(actor):
        membership = read_one(
            Membership,
            'LOWER(j1."slug") = LOWER(%s) AND t0."user_id" = %s',
            [slug, actor.pk],
            join=("community",),
        )
        if membership is not None:
            joined = membership.community
            return joined, require(actor, action, joined, standing=standing_as_member(membership))
    community = community_at(slug)
    if community is None:
        raise NotFound
    standing = standing_of(actor, community, no_membership=True) if signed_in(actor) else None
    return community, require(actor, action, community, standing=standing)


_MOST_MEMBERS = 't0."member_count" DESC, t0."id" DESC'
# The rank's field, one for every search: a new field each time named a new statement, so
# core.rows built the statement again for every search and its kept statements filled up.
_RANK = IntegerField()


# The columns a community's card shows (communities/_card.html): a page of cards reads only
# these. Built with every column, the rows of a search page and its catalog cost more than
# the cards, which are kept (communities.views.catalog).
CARD_COLUMNS: Only = (
    (
        "",
        (
            "slug",
            "name",
            "avatar",
            "verified",
            "category",
            "privacy",
            "member_count",
            "description",
        ),
    ),
)


def search_communities(
    actor: Any,
    query: str,
    *,
    cursor: str | None = None,
    limit: int | None = None,
    only: Only | None = None,
) -> Page[Community]:
    """Communities whose name or description matches; private ones never appear (R1.8).

    Rank 0: the name is the query; 1: the name contains the exact query; 2: every word of the
    query appears in the name or description. Within a rank, more members first.

    A statement written once (core.rows): built through the ORM, the query cost more than the
    database took to answer it. The cursor is the one `keyset_page` makes: rank, members, id.
    With `only`, the rows hold those columns (`CARD_COLUMNS`), the others deferred.
    """
    folded = " ".join((query or "").split()).casefold()[:100]
    connection = connections["default"]
    like = connection.operators["contains"] % "%s"  # type: ignore[attr-defined]

    def containing(text: str) -> str:
        return f"%{connection.ops.prep_for_like_query(text)}%"

    where, params = 't0."privacy" <> %s', [Privacy.PRIVATE.value]
    rank, rank_params = "2", []
    if folded:
        words = " AND ".join(f't0."search_text" {like}' for _word in folded.split())
        where += f' AND (({words}) OR t0."search_name" {like})'
        params += [*(containing(word) for word in folded.split()), containing(folded)]
        rank = (
            f'CASE WHEN t0."search_name" = %s THEN 0 WHEN t0."search_name" {like} THEN 1 ELSE 2 END'
        )
        rank_params = [folded, containing(folded)]
    if cursor:
        last_rank, members, last_id = decode_cursor(cursor, [int, int, int])
        # After the cursor in (rank, most members, newest): one row comparison (both databases),
        # the descending columns negated.
        where += f' AND ({rank}, -t0."member_count", -t0."id") > (%s, %s, %s)'
        params += [*rank_params, last_rank, -members, -last_id]
    size = page_size(limit)
    rows = read_many(
        Community,
        where,
        [*rank_params, *params, *rank_params],  # the rank's in the columns, then in the order
        order_by=f'{rank}, t0."member_count" DESC, t0."id" DESC' if folded else _MOST_MEMBERS,
        limit=size + 1,
        extra=(("rank", rank, _RANK),),
        only=only,
    )
    return page_of(rows, size, lambda last: [last.rank, last.member_count, last.pk])  # type: ignore[attr-defined]


_CATALOG = (
    't0."featured" AND t0."privacy" <> %s',
    't0."featured_rank", t0."member_count" DESC, t0."id"',
)


def catalog(*, limit: int = 24, only: Only | None = None) -> list[Community]:
    """Featured communities that operators curate, in their chosen order (with `only`, the
    rows hold those columns)."""
    where, order = _CATALOG
    return read_many(
        Community, where, [Privacy.PRIVATE.value], order_by=order, limit=limit, only=only
    )


def members_page(
    community: Community,
    *,
    cursor: str | None = None,
    limit: int | None = None,
    role: str | None = None,
) -> Page[Membership]:
    """Members, newest first, with their user rows (one query per page)."""
    found = Membership.objects.filter(community=community).select_related("user")
    if role == "team":
        found = found.exclude(role=Role.MEMBER)
    elif role:
        found = found.filter(role=role)
    return keyset_page(
        found,
        ["-joined_at", "-id"],
        cursor=cursor,
        limit=page_size(limit),
    )


def member_sources(community: Community) -> list[tuple[str, int]]:
    """Members per join source (R3.4), most first: one grouped query."""
    rows = (
        Membership.objects.filter(community=community)
        .values("source")
        .annotate(members=Count("id"))
        .order_by("-members", "source")
    )
    return [(row["source"], row["members"]) for row in rows]


def join_requests_page(
    community: Community,
    *,
    status: str = RequestStatus.PENDING,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[JoinRequest]:
    """Join requests of one status, oldest first so none waits forever."""
    found = JoinRequest.objects.filter(community=community, status=status).select_related("user")
    return keyset_page(
        found,
        ["created_at", "id"],
        cursor=cursor,
        limit=page_size(limit),
    )


def blocks_page(
    community: Community, *, cursor: str | None = None, limit: int | None = None
) -> Page[Block]:
    """Blocks not lifted, newest first (expired ones show as ended)."""
    found = Block.objects.filter(community=community, lifted_at__isnull=True).select_related(
        "user", "blocked_by"
    )
    return keyset_page(
        found,
        ["-created_at", "-id"],
        cursor=cursor,
        limit=page_size(limit),
    )


def invitations_sent(
    community: Community,
    *,
    cursor: str | None = None,
    limit: int | None = None,
    inviter: Any = None,
) -> Page[Invitation]:
    """Pending invitations of a community, newest first; only one inviter's when given."""
    found = Invitation.objects.filter(
        community=community, status=InvitationStatus.PENDING
    ).select_related("invitee", "inviter")
    if inviter is not None:
        found = found.filter(inviter=inviter)
    return keyset_page(
        found,
        ["-created_at", "-id"],
        cursor=cursor,
        limit=page_size(limit),
    )


def invitations_for(user: Any) -> list[Invitation]:
    """A person's pending invitations, newest first."""
    return list(
        Invitation.objects.filter(invitee=user, status=InvitationStatus.PENDING)
        .select_related("community", "inviter")
        .order_by("-created_at", "-id")[:100]
    )


def communities_of(user: Any) -> list[Membership]:
    """The person's memberships with their communities, most recent first."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("community")
        .order_by("-joined_at", "-id")[:200]
    )


TEAM_ROLES = [Role.OWNER, Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.ANALYST]


def managed_by(user: Any) -> QuerySet[Membership]:
    """The memberships through which this person helps run a community (a team role)."""
    return Membership.objects.filter(user=user, role__in=TEAM_ROLES)


def my_communities_page(
    user: Any, *, cursor: str | None = None, limit: int | None = None
) -> Page[Membership]:
    """A person's memberships with their communities, most recent first (one query a page)."""
    found = Membership.objects.filter(user=user).select_related("community")
    return keyset_page(found, ["-joined_at", "-id"], cursor=cursor, limit=page_size(limit))


def team_of(community: Community) -> list[Membership]:
    """Owner and team roles, most powerful first."""
    order = Case(
        *[When(role=role, then=Value(i)) for i, role in enumerate(Role.values)],
        output_field=IntegerField(),
    )
    return list(
        Membership.objects.filter(community=community)
        .exclude(role=Role.MEMBER)
        .select_related("user")
        .annotate(order=order)
        .order_by("order", "joined_at")
    )


def pending_transfer(community: Community) -> OwnershipTransfer | None:
    """The handover of ownership waiting to take effect, if any."""
    return (
        OwnershipTransfer.objects.filter(community=community, state=TransferState.PENDING)
        .select_related("from_user", "to_user")
        .first()
    )


def transfers_for(user: Any) -> list[OwnershipTransfer]:
    """Pending handovers the person gives or receives."""
    return list(
        OwnershipTransfer.objects.filter(state=TransferState.PENDING)
        .filter(Q(from_user=user) | Q(to_user=user))
        .select_related("community", "from_user", "to_user")
    )


_WIKI_MENU = (("", ("community_id", "title", "slug", "position")),)


def wiki_menu(community: Community) -> list[WikiPage]:
    """The wiki pages that make the community menu, in order (a statement written once: every
    community home shows the menu)."""
    return read_many(
        WikiPage,
        't0."community_id" = %s',
        [community.pk],
        order_by='t0."position", t0."id"',
        limit=None,
        only=_WIKI_MENU,
    )


def standing(actor: Any, community: Community) -> Standing:
    """How the actor stands to the community (for pages that show buttons by role)."""
    return standing_of(actor, community)


def _one_or_404(queryset: QuerySet[M]) -> M:
    found = queryset.first()
    if found is None:
        raise NotFound
    return found


def has_pending_request(community: Community, user: Any) -> bool:
    """Whether the person's request to join is waiting for a moderator."""
    if not getattr(user, "is_authenticated", False):
        return False
    return JoinRequest.objects.filter(
        community=community, user=user, status=RequestStatus.PENDING
    ).exists()


def join_request_in(community: Community, request_id: int) -> JoinRequest:
    """A join request of this community, or NotFound (ids of other communities look missing)."""
    return _one_or_404(
        JoinRequest.objects.filter(pk=request_id, community=community).select_related(
            "user", "community"
        )
    )


def invitation_in(community: Community, invitation_id: int) -> Invitation:
    """An invitation of this community, or NotFound."""
    return _one_or_404(
        Invitation.objects.filter(pk=invitation_id, community=community).select_related("community")
    )


def invitation_of(user: Any, invitation_id: int) -> Invitation:
    """An invitation addressed to this person, or NotFound."""
    return _one_or_404(
        Invitation.objects.filter(pk=invitation_id, invitee=user).select_related("community")
    )


def transfer_by_id(transfer_id: int) -> OwnershipTransfer:
    """A handover of ownership, or NotFound (the cancel action checks who may see it)."""
    return _one_or_404(OwnershipTransfer.objects.filter(pk=transfer_id).select_related("community"))


def wiki_page_in(community: Community, slug: str) -> WikiPage:
    """A wiki page of this community, or NotFound."""
    return _one_or_404(WikiPage.objects.filter(community=community, slug=(slug or "").lower()))
