"""The recognition API (R6.3): a month's leaders and titles, a member's badges, the team's badge
rules, badges given and taken back by hand, the 1 % core and promoting its members.

Members read the leaders and badges (VIEW_CONTENT, visitors too where the community is open); the
team (RUN_ENGAGEMENT) runs the rest; promoting needs the right to manage the team as well."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.responses import Status

from communa.accounts.authentication import VisitorRequest, anyone
from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action, can
from communa.communities.selectors import community_for
from communa.core.errors import NotFound
from communa.core.schemas import OneOf, RowId, Strict
from communa.engagement.actions import recognition as actions
from communa.engagement.api.routers import router
from communa.engagement.models import (
    BadgeRule,
    Contribution,
    Leader,
    MemberBadge,
    MonthlyLeaders,
    RuleScope,
)
from communa.engagement.selectors import recognition as selectors

Label = Annotated[str, Field(max_length=actions.LABEL_MAX)]
Description = Annotated[str, Field(max_length=actions.DESCRIPTION_MAX)]
Reason = Annotated[str, Field(max_length=actions.REASON_MAX)]
ContributionName = Annotated[str, OneOf(Contribution.values)]
ScopeName = Annotated[str, OneOf(RuleScope.values)]
Threshold = Annotated[int, Field(ge=1, le=actions.THRESHOLD_MAX)]
Month = Annotated[
    str, Field(pattern=r"^\d{4}-\d{2}$", description="A month: `YYYY-MM`.", examples=["2026-03"])
]


class PersonOut(Schema):
    username: str
    name: str


class LeaderOut(Schema):
    rank: int = Field(description="Equal scores share a rank (1, 2, 2, 4).")
    member: PersonOut
    score: int
    posts: int
    comments: int
    likes_received: int
    accepted_suggestions: int
    discussion_replies: int


class LeadersOut(Schema):
    month: str = Field(description="`YYYY-MM`, on the community's clock.")
    computed_at: datetime
    weights: dict[str, int] = Field(description="The score's weight of each contribution.")
    include_team: bool
    members_counted: int = Field(description="Members with a score above nothing.")
    titles: list[PersonOut] = Field(description="The members of the month (ties share it).")
    leaders: list[LeaderOut]
    months: list[str] = Field(description="Months with leaders, the latest first (24 at most).")


class BadgeOut(Schema):
    id: int
    kind: str = Field(description="`title` or `badge`.")
    label: str
    description: str
    period: str = Field(description="The month it was earned in (`YYYY-MM`), or blank.")
    automatic: bool = Field(description="Given by a rule or as the member of the month.")
    reason: str
    awarded_at: datetime
    revoked_at: datetime | None
    member: PersonOut


class RuleOut(Schema):
    id: int
    label: str
    description: str
    contribution: str
    threshold: int
    scope: str
    active: bool


class RuleIn(Strict):
    label: Label
    description: Description = ""
    contribution: ContributionName = Field(
        description="What counts; `rank` gives the badge to the top `threshold` of a month."
    )
    threshold: Threshold
    scope: ScopeName = RuleScope.MONTH
    active: bool = True


class RulePatch(Strict):
    label: Label | None = None
    description: Description | None = None
    contribution: ContributionName | None = None
    threshold: Threshold | None = None
    scope: ScopeName | None = None
    active: bool | None = None


class AwardIn(Strict):
    username: Annotated[str, Field(max_length=150)]
    label: Label
    reason: Reason
    description: Description = ""


class RevokeIn(Strict):
    reason: Reason = ""


class SettingsIn(Strict):
    include_team: bool


class SettingsOut(Schema):
    include_team: bool


class CoreMemberOut(Schema):
    member: PersonOut
    role: str
    contributions: int
    likes: int
    comments: int
    shares: int
    posts: int


class CoreOut(Schema):
    first_day: date
    last_day: date
    members: list[CoreMemberOut]


class PromoteIn(Strict):
    role: Annotated[str, OneOf(list(actions.PROMOTION_ROLES))]


class MembershipOut(Schema):
    member: PersonOut
    role: str


def _person(user: Any) -> dict[str, str]:
    return {"username": user.username, "name": user.shown_name}


def _leader(leader: Leader) -> dict[str, Any]:
    return {
        "rank": leader.rank,
        "member": _person(leader.user),
        "score": leader.score,
        "posts": leader.posts,
        "comments": leader.comments,
        "likes_received": leader.likes_received,
        "accepted_suggestions": leader.accepted_suggestions,
        "discussion_replies": leader.discussion_replies,
    }


def leaders_out(board: MonthlyLeaders) -> dict[str, Any]:
    community = board.community
    return {
        "month": selectors.label_of(board.month),
        "computed_at": board.computed_at,
        "weights": board.weights,
        "include_team": board.include_team,
        "members_counted": board.members_counted,
        "titles": [_person(badge.user) for badge in selectors.titles_of(community, board.month)],
        "leaders": [_leader(leader) for leader in selectors.leaders_of(board)],
        "months": [selectors.label_of(month) for month in selectors.months_of(community)],
    }


def badge_out(badge: MemberBadge) -> dict[str, Any]:
    return {
        "id": badge.pk,
        "kind": badge.kind,
        "label": badge.label,
        "description": badge.description,
        "period": badge.period,
        "automatic": badge.awarded_by_id is None,
        "reason": badge.reason,
        "awarded_at": badge.awarded_at,
        "revoked_at": badge.revoked_at,
        "member": _person(badge.user),
    }


def rule_out(rule: BadgeRule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in ("id", *actions.RULE_FIELDS)}


def _rule(request: AuthedRequest, rule_id: int) -> BadgeRule:
    """The rule, 404 unless its community is visible, 403 unless the person runs engagement."""
    rule = selectors.rule_by_id(rule_id)
    community_for(request.auth, rule.community.slug, Action.RUN_ENGAGEMENT)
    return rule


# --- leaders and badges, for members --------------------------------------------------------


@router.get("/communities/{slug}/leaders", auth=anyone, response=LeadersOut)
def leaders(request: VisitorRequest, slug: str, month: Month | None = None) -> dict[str, Any]:
    """A month's leader board with its titles (the latest computed month without `month`); a
    month with no board yet is a 404."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_CONTENT)
    board = selectors.board_of(community, selectors.month_from(month) if month else None)
    if board is None:
        raise NotFound
    board.community = community
    return leaders_out(board)


@router.get("/communities/{slug}/members/{username}/badges", auth=anyone, response=list[BadgeOut])
def member_badges(request: VisitorRequest, slug: str, username: str) -> list[dict[str, Any]]:
    """A member's titles and badges in the community, the newest first; taken-back ones are
    listed to the team only."""
    community, standing = community_for(request.auth, slug, Action.VIEW_CONTENT)
    user = selectors.member_in(community, username)
    team = can(request.auth, Action.RUN_ENGAGEMENT, community, standing=standing)
    badges = selectors.badges_held(community, user)
    for badge in badges:
        badge.user = user
    return [badge_out(b) for b in badges if team or b.revoked_at is None]


# --- the team ------------------------------------------------------------------------------


@router.post("/communities/{slug}/leaders/{month}/compute", response=LeadersOut)
def compute_month(request: AuthedRequest, slug: str, month: Month) -> dict[str, Any]:
    """Compute (again) a finished month's leaders, titles and rule badges."""
    community, _standing = community_for(request.auth, slug, Action.RUN_ENGAGEMENT)
    board = actions.compute_month(
        actor=request.auth, community=community, month=selectors.month_from(month)
    )
    return leaders_out(board)


@router.get("/communities/{slug}/recognition/settings", response=SettingsOut)
def recognition_settings(request: AuthedRequest, slug: str) -> dict[str, Any]:
    """Whether the team is listed among the leaders."""
    community, _standing = community_for(request.auth, slug, Action.RUN_ENGAGEMENT)
    return {"include_team": selectors.settings_of(community).include_team}


@router.patch("/communities/{slug}/recognition/settings", response=SettingsOut)
def update_settings(request: AuthedRequest, slug: str, payload: SettingsIn) -> dict[str, Any]:
    """List the team among the leaders or not (from the next computed month)."""
    community, _standing = community_for(request.auth, slug, Action.RUN_ENGAGEMENT)
    found = actions.update_recognition_settings(
        actor=request.auth, community=community, include_team=payload.include_team
    )
    return {"include_team": found.include_team}


@router.get("/communities/{slug}/recognition/rules", response=list[RuleOut])
def badge_rules(request: AuthedRequest, slug: str) -> list[dict[str, Any]]:
    """The community's badge rules, oldest first."""
    community, _standing = community_for(request.auth, slug, Action.RUN_ENGAGEMENT)
    return [rule_out(rule) for rule in selectors.rules_of(community)]


@router.post("/communities/{slug}/recognition/rules", response={201: RuleOut})
def create_rule(request: AuthedRequest, slug: str, payload: RuleIn) -> Status:
    """Add a badge rule; `rank` with `scope` `total` is a 422."""
    community, _standing = community_for(request.auth, slug, Action.RUN_ENGAGEMENT)
    rule = actions.create_badge_rule(
        actor=request.auth, community=community, data=payload.model_dump()
    )
    return Status(201, rule_out(rule))


@router.get("/recognition/rules/{rule_id}", response=RuleOut)
def get_rule(request: AuthedRequest, rule_id: RowId) -> dict[str, Any]:
    """One badge rule."""
    return rule_out(_rule(request, rule_id))


@router.patch("/recognition/rules/{rule_id}", response=RuleOut)
def update_rule(request: AuthedRequest, rule_id: RowId, payload: RulePatch) -> dict[str, Any]:
    """Change a badge rule; only the keys given change."""
    rule = actions.update_badge_rule(
        actor=request.auth,
        rule=_rule(request, rule_id),
        data=payload.model_dump(exclude_unset=True),
    )
    return rule_out(rule)


@router.delete("/recognition/rules/{rule_id}", response={204: None})
def delete_rule(request: AuthedRequest, rule_id: RowId) -> Status:
    """Delete a badge rule; the badges it gave stay."""
    actions.delete_badge_rule(actor=request.auth, rule=_rule(request, rule_id))
    return Status(204, None)


@router.post("/communities/{slug}/recognition/badges", response={201: BadgeOut})
def award(request: AuthedRequest, slug: str, payload: AwardIn) -> Status:
    """Give a member a badge by hand, with a reason (written in the audit log)."""
    community, _standing = community_for(request.auth, slug, Action.RUN_ENGAGEMENT)
    user = selectors.member_in(community, payload.username)
    badge = actions.award_badge(
        actor=request.auth,
        community=community,
        user=user,
        label=payload.label,
        reason=payload.reason,
        description=payload.description,
    )
    return Status(201, badge_out(badge))


@router.post("/recognition/badges/{badge_id}/revoke", response=BadgeOut)
def revoke(request: AuthedRequest, badge_id: RowId, payload: RevokeIn) -> dict[str, Any]:
    """Take a title or badge back; taking it back twice is a 409."""
    badge = selectors.badge_by_id(badge_id)
    community_for(request.auth, badge.community.slug, Action.RUN_ENGAGEMENT)
    return badge_out(actions.revoke_badge(actor=request.auth, badge=badge, reason=payload.reason))


@router.get("/communities/{slug}/recognition/core", response=CoreOut)
def core_members(request: AuthedRequest, slug: str) -> dict[str, Any]:
    """The 1 % core of the last `COMMUNA_RECOGNITION_CORE_DAYS` days (the participation
    ladder's definition), with their roles now."""
    community, _standing = community_for(request.auth, slug, Action.RUN_ENGAGEMENT)
    first, last = selectors.core_window(community)
    return {
        "first_day": first,
        "last_day": last,
        "members": [
            {
                "member": _person(found.user),
                "role": found.role,
                "contributions": found.contributions.total,
                "likes": found.contributions.likes,
                "comments": found.contributions.comments,
                "shares": found.contributions.shares,
                "posts": found.contributions.posts,
            }
            for found in selectors.core_members(community)
        ],
    }


@router.post("/communities/{slug}/recognition/core/{username}/promote", response=MembershipOut)
def promote(request: AuthedRequest, slug: str, username: str, payload: PromoteIn) -> dict[str, Any]:
    """Give a member a team role (`moderator` or `editor`): needs the right to manage the team;
    a member already in the team is a 409."""
    community, _standing = community_for(request.auth, slug, Action.RUN_ENGAGEMENT)
    user = selectors.member_in(community, username)
    membership = actions.promote_core_member(
        actor=request.auth, community=community, user=user, role=payload.role
    )
    return {"member": _person(user), "role": membership.role}
