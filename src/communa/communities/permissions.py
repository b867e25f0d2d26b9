"""The one role × action table (R2.6): every community permission is decided here.

A person's *relation* to a community is their team role, or member, or one of the outsider
relations (invited, blocked, non-member, anonymous). Some actions depend on the community's
privacy, so each action maps privacy → the relations allowed; "*" is the rule for any privacy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from communa.accounts.models import Actor, signed_in
from communa.communities.models import (
    Block,
    CommentPolicy,
    Community,
    Invitation,
    InvitationStatus,
    Kind,
    Membership,
    Privacy,
    Role,
    WallMode,
)
from communa.core.errors import NotFound, PermissionRefused
from communa.core.rows import read_one


class Relation(StrEnum):
    """How a person stands to one community, most powerful first."""

    OWNER = "owner"
    ADMIN = "admin"
    EDITOR = "editor"
    MODERATOR = "moderator"
    ANALYST = "analyst"
    MEMBER = "member"
    INVITED = "invited"
    BLOCKED = "blocked"
    NON_MEMBER = "non_member"
    ANONYMOUS = "anonymous"


class Action(StrEnum):
    """Everything a person can try to do with a community."""

    SEE = "see"
    VIEW_CONTENT = "view_content"
    JOIN = "join"
    REQUEST_JOIN = "request_join"
    ACCEPT_INVITATION = "accept_invitation"
    LEAVE = "leave"
    INVITE = "invite"
    REVIEW_REQUESTS = "review_requests"
    BLOCK_MEMBERS = "block_members"
    EDIT_SETTINGS = "edit_settings"
    EDIT_WIKI = "edit_wiki"
    MANAGE_TEAM = "manage_team"
    APPOINT_ADMINS = "appoint_admins"
    TRANSFER_OWNERSHIP = "transfer_ownership"
    CONVERT_KIND = "convert_kind"
    REQUEST_VERIFICATION = "request_verification"
    VIEW_TEAM = "view_team"
    VIEW_WALL = "view_wall"
    POST = "post"
    SUGGEST_POST = "suggest_post"
    REVIEW_SUGGESTIONS = "review_suggestions"
    MANAGE_POSTS = "manage_posts"
    COMMENT = "comment"
    INTERACT = "interact"
    DELETE_COMMENTS = "delete_comments"
    START_TOPIC = "start_topic"
    MANAGE_TOPICS = "manage_topics"
    ATTEND = "attend"
    MANAGE_MEDIA = "manage_media"
    MODERATE = "moderate"
    VIEW_AUDIT_LOG = "view_audit_log"
    VIEW_STATISTICS = "view_statistics"
    PLAN_CONTENT = "plan_content"
    APPROVE_POSTS = "approve_posts"
    RUN_ENGAGEMENT = "run_engagement"
    TAKE_PART = "take_part"


R = Relation
TEAM = frozenset({R.OWNER, R.ADMIN, R.EDITOR, R.MODERATOR, R.ANALYST})
MEMBERS = TEAM | {R.MEMBER}
OUTSIDERS = frozenset({R.INVITED, R.BLOCKED, R.NON_MEMBER, R.ANONYMOUS})
EVERYONE = MEMBERS | OUTSIDERS
NOBODY: frozenset[Relation] = frozenset()
EDITORS = frozenset({R.OWNER, R.ADMIN, R.EDITOR})
MODERATORS = EDITORS | {R.MODERATOR}
SIGNED_IN = EVERYONE - {R.BLOCKED, R.ANONYMOUS}

MATRIX: dict[Action, dict[str, frozenset[Relation]]] = {
    # Name, description, avatar, cover: a private community is unknown to outsiders (404).
    Action.SEE: {"*": EVERYONE, Privacy.PRIVATE: MEMBERS | {R.INVITED}},
    # Wall, members, wiki.
    Action.VIEW_CONTENT: {"*": MEMBERS, Privacy.OPEN: EVERYONE},
    # The invited may join any community; in a closed or private one that accepts the invitation.
    Action.JOIN: {"*": frozenset({R.INVITED}), Privacy.OPEN: frozenset({R.NON_MEMBER, R.INVITED})},
    Action.REQUEST_JOIN: {"*": NOBODY, Privacy.CLOSED: frozenset({R.NON_MEMBER})},
    Action.ACCEPT_INVITATION: {"*": frozenset({R.INVITED})},
    Action.LEAVE: {"*": MEMBERS - {R.OWNER}},
    Action.INVITE: {
        "*": MEMBERS,
        Privacy.PRIVATE: frozenset({R.OWNER, R.ADMIN, R.EDITOR, R.MODERATOR}),
    },
    Action.REVIEW_REQUESTS: {"*": frozenset({R.OWNER, R.ADMIN, R.MODERATOR})},
    Action.BLOCK_MEMBERS: {"*": frozenset({R.OWNER, R.ADMIN, R.MODERATOR})},
    Action.EDIT_SETTINGS: {"*": frozenset({R.OWNER, R.ADMIN})},
    Action.EDIT_WIKI: {"*": frozenset({R.OWNER, R.ADMIN, R.EDITOR})},
    Action.MANAGE_TEAM: {"*": frozenset({R.OWNER, R.ADMIN})},
    Action.APPOINT_ADMINS: {"*": frozenset({R.OWNER})},
    Action.TRANSFER_OWNERSHIP: {"*": frozenset({R.OWNER})},
    Action.CONVERT_KIND: {"*": frozenset({R.OWNER, R.ADMIN})},
    Action.REQUEST_VERIFICATION: {"*": frozenset({R.OWNER, R.ADMIN})},
    Action.VIEW_TEAM: {"*": frozenset({R.OWNER, R.ADMIN})},
    # Walls (R4). The community's wall mode, comment policy and kind narrow these further:
    # see SETTING_RULES below.
    Action.VIEW_WALL: {"*": MEMBERS, Privacy.OPEN: EVERYONE},
    Action.POST: {"*": MEMBERS},
    Action.SUGGEST_POST: {"*": MEMBERS},
    Action.REVIEW_SUGGESTIONS: {"*": MODERATORS},
    # Post as the community, edit or delete anyone's post, pin, read the edit history.
    Action.MANAGE_POSTS: {"*": EDITORS},
    Action.COMMENT: {"*": MEMBERS, Privacy.OPEN: SIGNED_IN},
    # Like, share, hide from the feed, report.
    Action.INTERACT: {"*": MEMBERS, Privacy.OPEN: SIGNED_IN},
    Action.DELETE_COMMENTS: {"*": MODERATORS},
    Action.START_TOPIC: {"*": MEMBERS},
    Action.MANAGE_TOPICS: {"*": MODERATORS},
    Action.ATTEND: {"*": MEMBERS, Privacy.OPEN: SIGNED_IN},
    # Documents and photo albums.
    Action.MANAGE_MEDIA: {"*": EDITORS},
    # The moderation queue: reports, suggested posts, join requests, and its statistics.
    Action.MODERATE: {"*": MODERATORS},
    # Who did what in the community (R5.6): the people who run it.
    Action.VIEW_AUDIT_LOG: {"*": frozenset({R.OWNER, R.ADMIN})},
    # Statistics and where members came from (join source, UTM tags): R2.5 makes them the
    # analyst's job and R2.3 the editor's; moderators (R2.4) decide requests, not statistics.
    Action.VIEW_STATISTICS: {"*": frozenset({R.OWNER, R.ADMIN, R.EDITOR, R.ANALYST})},
    # The planner (R8): editors write drafts and keep the plan, the calendar and promotions;
    # administrators and the owner approve drafts (R8.3: "an editor drafts, an admin approves").
    Action.PLAN_CONTENT: {"*": EDITORS},
    Action.APPROVE_POSTS: {"*": frozenset({R.OWNER, R.ADMIN})},
    # Engagement (R6): editors run polls, contests, forms, guides and awards; members take part.
    Action.RUN_ENGAGEMENT: {"*": EDITORS},
    Action.TAKE_PART: {"*": MEMBERS},
}

ACTION_LABELS: dict[Action, Promise] = {
    Action.SEE: _("See the name and description"),
    Action.VIEW_CONTENT: _("See the wall, members and wiki"),
    Action.JOIN: _("Join"),
    Action.REQUEST_JOIN: _("Ask to join"),
    Action.ACCEPT_INVITATION: _("Accept an invitation"),
    Action.LEAVE: _("Leave"),
    Action.INVITE: _("Invite people"),
    Action.REVIEW_REQUESTS: _("Approve or reject join requests"),
    Action.BLOCK_MEMBERS: _("Block and unblock members"),
    Action.EDIT_SETTINGS: _("Change settings and images"),
    Action.EDIT_WIKI: _("Edit wiki pages"),
    Action.MANAGE_TEAM: _("Appoint editors, moderators and analysts"),
    Action.APPOINT_ADMINS: _("Appoint administrators"),
    Action.TRANSFER_OWNERSHIP: _("Hand over ownership"),
    Action.CONVERT_KIND: _("Convert between group and public page"),
    Action.REQUEST_VERIFICATION: _("Ask for the verified mark"),
    Action.VIEW_TEAM: _("See the team and this table"),
    Action.VIEW_WALL: _("See the wall, discussions, documents and albums"),
    Action.POST: _("Post on the wall"),
    Action.SUGGEST_POST: _("Suggest a post"),
    Action.REVIEW_SUGGESTIONS: _("Publish or reject suggested posts"),
    Action.MANAGE_POSTS: _("Post as the community, pin, edit and delete any post"),
    Action.COMMENT: _("Comment"),
    Action.INTERACT: _("Like, share, hide and report"),
    Action.DELETE_COMMENTS: _("Delete comments"),
    Action.START_TOPIC: _("Start a discussion"),
    Action.MANAGE_TOPICS: _("Pin, close and delete discussions"),
    Action.ATTEND: _("Say whether one is going to the event"),
    Action.MANAGE_MEDIA: _("Add and remove documents and photos"),
    Action.MODERATE: _("Work the moderation queue"),
    Action.VIEW_AUDIT_LOG: _("Read the audit log"),
    Action.VIEW_STATISTICS: _("See statistics and where members came from"),
    Action.PLAN_CONTENT: _("Write drafts and keep the content plan and promotions"),
    Action.APPROVE_POSTS: _("Approve drafts for publishing"),
    Action.RUN_ENGAGEMENT: _("Run polls, contests, forms, guides and awards"),
    Action.TAKE_PART: _("Vote in polls, enter contests, answer forms and follow guides"),
}

REFUSALS: dict[Action, Promise] = {
    Action.JOIN: _("This community cannot be joined directly."),
    Action.REQUEST_JOIN: _("You cannot ask to join this community."),
    Action.ACCEPT_INVITATION: _("You have no pending invitation to this community."),
    Action.LEAVE: _("You are not a member, or you are its owner: hand over ownership first."),
}

# Where the privacy is the reason, the refusal says so and names the way in there is.
_ONLY_INVITED = _("This community is private: only an invitation lets you in.")
PRIVACY_REFUSALS: dict[tuple[Action, str], Promise] = {
    (Action.JOIN, Privacy.CLOSED): _(
        "This community is closed: ask to join, and its moderators will answer."
    ),
    (Action.JOIN, Privacy.PRIVATE): _ONLY_INVITED,
    (Action.REQUEST_JOIN, Privacy.OPEN): _("This community is open: join it directly."),
    (Action.REQUEST_JOIN, Privacy.PRIVATE): _ONLY_INVITED,
}

RELATION_LABELS: dict[Relation, Promise] = {
    R.OWNER: _("Owner"),
    R.ADMIN: _("Administrator"),
    R.EDITOR: _("Editor"),
    R.MODERATOR: _("Moderator"),
    R.ANALYST: _("Analyst"),
    R.MEMBER: _("Member"),
    R.INVITED: _("Invited"),
    R.BLOCKED: _("Blocked"),
    R.NON_MEMBER: _("Not a member"),
    R.ANONYMOUS: _("Not logged in"),
}


@dataclass(frozen=True)
class Standing:
    """A person's relation to a community, with the rows it was read from."""

    relation: Relation
    membership: Membership | None = None
    block: Block | None = None
    invitation: Invitation | None = None


def allowed(action: Action, privacy: str) -> frozenset[Relation]:
    """The relations the table allows for an action in a community of this privacy."""
    rules = MATRIX[action]
    return rules.get(privacy, rules["*"])


@dataclass(frozen=True)
class SettingRule:
    """A community setting that narrows an action, and what a refused person is told."""

    allows: frozenset[Relation]
    refusal: Promise


_WALL_OFF = _("The wall of this community is turned off.")


def _view_wall_rule(community: Community) -> SettingRule | None:
    if community.wall_mode == WallMode.OFF:
        return SettingRule(TEAM, _WALL_OFF)
    return None


def _post_rule(community: Community) -> SettingRule | None:
    if community.wall_mode == WallMode.OFF:
        return SettingRule(NOBODY, _WALL_OFF)
    if community.kind == Kind.PUBLIC_PAGE:
        return SettingRule(
            EDITORS, _("A public page posts only as itself: suggest a post instead.")
        )
    if community.wall_mode in (WallMode.LIMITED, WallMode.CLOSED):
        return SettingRule(EDITORS, _("Only the administrators and editors post on this wall."))
    return None


def _suggest_rule(community: Community) -> SettingRule | None:
    if community.kind != Kind.PUBLIC_PAGE:
        return SettingRule(NOBODY, _("Posts are suggested only on public pages."))
    if community.wall_mode == WallMode.OFF:
        return SettingRule(NOBODY, _WALL_OFF)
    return None


def _comment_rule(community: Community) -> SettingRule | None:
    if (
        community.wall_mode in (WallMode.CLOSED, WallMode.OFF)
        or community.comment_policy == CommentPolicy.NOBODY
    ):
        return SettingRule(NOBODY, _("Comments are turned off in this community."))
    if community.comment_policy == CommentPolicy.MEMBERS:
        return SettingRule(MEMBERS, _("Only members may comment in this community."))
    return None


def _interact_rule(community: Community) -> SettingRule | None:
    return SettingRule(NOBODY, _WALL_OFF) if community.wall_mode == WallMode.OFF else None


def _attend_rule(community: Community) -> SettingRule | None:
    if community.kind != Kind.EVENT:
        return SettingRule(NOBODY, _("Only events have attendance."))
    return None


# R1.1, R1.3, R1.4: the kind, wall mode and comment policy narrow the wall actions.
SETTING_RULES: dict[Action, Callable[[Community], SettingRule | None]] = {
    Action.VIEW_WALL: _view_wall_rule,
    Action.POST: _post_rule,
    Action.SUGGEST_POST: _suggest_rule,
    Action.COMMENT: _comment_rule,
    Action.INTERACT: _interact_rule,
    Action.ATTEND: _attend_rule,
}


def _setting_rule(action: Action, community: Community) -> SettingRule | None:
    rule = SETTING_RULES.get(action)
    return rule(community) if rule is not None else None


def allowed_in(action: Action, community: Community) -> frozenset[Relation]:
    """The relations allowed for an action in this community, its settings included."""
    relations = allowed(action, community.privacy)
    rule = _setting_rule(action, community)
    return relations & rule.allows if rule is not None else relations


def standing_of(actor: Actor, community: Community, *, no_membership: bool = False) -> Standing:
    """Work out how the actor stands to the community (at most three small queries).

    `no_membership=True`: the caller has already looked for the actor's membership and found none
    (`community_for` reads it with the community), so only blocks and invitations are read.
    """
    if not signed_in(actor):
        return Standing(R.ANONYMOUS)
    if not no_membership:
        # Read on every request a member makes: a statement written once (core.rows), not built.
        membership = read_one(
            Membership, 't0."community_id" = %s AND t0."user_id" = %s', [community.pk, actor.pk]
        )
        if membership is not None:
            return standing_as_member(membership)
    block = active_block(community, actor)
    if block is not None:
        return Standing(R.BLOCKED, block=block)
    invitation = Invitation.objects.filter(
        community=community, invitee=actor, status=InvitationStatus.PENDING
    ).first()
    if invitation is not None:
        return Standing(R.INVITED, invitation=invitation)
    return Standing(R.NON_MEMBER)


def standing_as_member(membership: Membership) -> Standing:
    """How a member stands: by the role of the membership read."""
    return Standing(Relation(membership.role), membership=membership)


def active_block(community: Community, user: Any) -> Block | None:
    """The block that keeps this person out now, if any."""
    return (
        Block.objects.filter(community=community, user=user, lifted_at__isnull=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now()))
        .first()
    )


def can(
    actor: Actor, action: Action, community: Community, *, standing: Standing | None = None
) -> bool:
    """Whether the table allows the actor this action on this community."""
    standing = standing or standing_of(actor, community)
    return standing.relation in allowed_in(action, community)


def require(
    actor: Actor, action: Action, community: Community, *, standing: Standing | None = None
) -> Standing:
    """Refuse unless allowed: NotFound when the person may not even see the community."""
    standing = standing or standing_of(actor, community)
    if standing.relation in allowed_in(action, community):
        return standing
    if standing.relation not in allowed(Action.SEE, community.privacy):
        raise NotFound
    rule = _setting_rule(action, community)
    if standing.relation in allowed(action, community.privacy) and rule is not None:
        raise PermissionRefused(str(rule.refusal))
    by_privacy = PRIVACY_REFUSALS.get((action, community.privacy))
    if by_privacy is not None and standing.relation in {R.NON_MEMBER, R.ANONYMOUS}:
        raise PermissionRefused(str(by_privacy))
    if action in REFUSALS:
        raise PermissionRefused(str(REFUSALS[action]))
    raise PermissionRefused(
        _("Your role does not allow this: %(action)s.")
        % {"action": str(ACTION_LABELS[action]).lower()}
    )


def visible_communities(actor: Actor, queryset: QuerySet[Community]) -> QuerySet[Community]:
    """Only communities the actor may see: private ones only to their members and invitees."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return queryset.exclude(privacy=Privacy.PRIVATE)
    return queryset.filter(
        ~Q(privacy=Privacy.PRIVATE)
        | Q(memberships__user=actor)
        | Q(invitations__invitee=actor, invitations__status=InvitationStatus.PENDING)
    ).distinct()


# The community fields the VIEW_WALL rule reads: `visible_walls` evaluates the table once for
# each combination of them (a test checks it agrees with `can` for every other field too).
_WALL_FIELDS = [(privacy, mode) for privacy in Privacy.values for mode in WallMode.values]
_OUTSIDERS_SIGNED_IN = frozenset({R.BLOCKED, R.INVITED, R.NON_MEMBER})


def _relation_in(relations: frozenset[Relation], actor: Actor, community: OuterRef) -> Q | None:
    """A filter: the actor stands in one of these relations to `community` (None: in none)."""
    if not signed_in(actor):
        return Q() if R.ANONYMOUS in relations else None
    if relations >= MEMBERS | _OUTSIDERS_SIGNED_IN:
        return Q()  # every signed-in person: nothing to look up
    parts: list[Q] = []
    roles = sorted(ROLE_OF_RELATION[r].value for r in relations if r in MEMBERS)
    if roles:
        mine = Membership.objects.filter(community=community, user=actor, role__in=roles)
        parts.append(Q(Exists(mine)))
    outsiders = relations & _OUTSIDERS_SIGNED_IN
    if outsiders:
        not_member = ~Q(Exists(Membership.objects.filter(community=community, user=actor)))
        if outsiders == _OUTSIDERS_SIGNED_IN:
            parts.append(not_member)
        else:
            # The same precedence as standing_of: a block wins over an invitation.
            blocks = Block.objects.filter(community=community, user=actor, lifted_at__isnull=True)
            blocked = Q(
                Exists(blocks.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now())))
            )
            invited = Q(
                Exists(
                    Invitation.objects.filter(
                        community=community, invitee=actor, status=InvitationStatus.PENDING
                    )
                )
            )
            which = Q(pk__in=[])
            if R.BLOCKED in outsiders:
                which |= blocked
            if R.INVITED in outsiders:
                which |= ~blocked & invited
            if R.NON_MEMBER in outsiders:
                which |= ~blocked & ~invited
            parts.append(not_member & which)
    if not parts:
        return None
    found = parts[0]
    for part in parts[1:]:
        found |= part
    return found


def visible_walls(actor: Actor, queryset: QuerySet[Any], *, through: str = "") -> QuerySet[Any]:
    """Only rows whose community's wall the actor may read now (VIEW_WALL, wall mode included).

    `queryset` holds communities, or rows with a foreign key to one named by `through` (posts:
    `through="community"`; rows without a community are dropped). One statement whatever the
    number of communities, checked row by row, for lists that show content of many communities
    at once (shared originals on a profile wall or in the feed).
    """
    field = f"{through}__" if through else ""
    community = OuterRef(f"{through}_id" if through else "pk")
    by_relations: dict[frozenset[Relation], list[Q]] = {}
    for privacy, mode in _WALL_FIELDS:
        relations = allowed_in(Action.VIEW_WALL, Community(privacy=privacy, wall_mode=mode))
        setting = Q(**{f"{field}privacy": privacy, f"{field}wall_mode": mode})
        by_relations.setdefault(relations, []).append(setting)
    condition = Q(pk__in=[])
    for relations, settings in by_relations.items():
        standing = _relation_in(relations, actor, community)
        if standing is None:
            continue
        where = Q(pk__in=[])
        for setting in settings:
            where |= setting
        condition |= where & standing
    return queryset.filter(condition)


def matrix_rows(privacy: str) -> list[tuple[str, list[bool]]]:
    """The table as shown on the team page: one row per action, one column per team relation."""
    columns = [R.OWNER, R.ADMIN, R.EDITOR, R.MODERATOR, R.ANALYST, R.MEMBER]
    return [
        (str(ACTION_LABELS[action]), [relation in allowed(action, privacy) for relation in columns])
        for action in Action
    ]


ROLE_OF_RELATION = {
    R.OWNER: Role.OWNER,
    R.ADMIN: Role.ADMIN,
    R.EDITOR: Role.EDITOR,
    R.MODERATOR: Role.MODERATOR,
    R.ANALYST: Role.ANALYST,
    R.MEMBER: Role.MEMBER,
}


# Who may act on whom among members (blocking): a higher rank only. Editors and moderators share
# a rank, so neither blocks the other.
RANK: dict[str, int] = {
    Role.OWNER: 5,
    Role.ADMIN: 4,
    Role.EDITOR: 3,
    Role.MODERATOR: 3,
    Role.ANALYST: 2,
    Role.MEMBER: 1,
}


def outranks(standing: Standing, role: str) -> bool:
    """Whether the person of this standing ranks above a member of `role` in the community."""
    if standing.membership is None:
        return False
    return RANK.get(str(standing.relation.value), 0) > RANK.get(str(role), 0)
