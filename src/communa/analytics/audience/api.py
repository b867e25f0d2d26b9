"""The audience statistics in the API (R9.5–R9.7): negative feedback, the participation ladder,
audience health and the members behind each figure (VIEW_STATISTICS); marking a comment negative
(MODERATE)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from communa.accounts.http import AuthedRequest
from communa.analytics.audience.actions import comment_of, mark_comment_negative
from communa.analytics.metrics import health as health_metrics
from communa.analytics.metrics import negative as negative_metrics
from communa.analytics.metrics.ladder import ladder_as_dict, participation_ladder
from communa.analytics.periods import Period
from communa.analytics.schemas import PeriodOut, PeriodQuery
from communa.communities.models import Community
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.conf import int_setting
from communa.core.pagination import page_size
from communa.core.schemas import Cursor, OneOf, Page, PageLimit, RowId

router = Router(tags=["analytics"])


def _period(community: Community, query: PeriodQuery) -> Period:
    return query.period_in(community)


# -- negative feedback ---------------------------------------------------------------------------
class NegativeCountsOut(Schema):
    hides: int
    reports: int = Field(description="Reports of the post and of its comments.")
    leaves: int = Field(description="Members who left within 24 hours of being shown the post.")
    comments: int = Field(
        description="Comments held by the moderation checks and not approved, or marked "
        "negative by the team (each once)."
    )
    total: int


class NegativeDayOut(NegativeCountsOut):
    day: date


class NegativePostOut(NegativeCountsOut):
    id: int
    title: str
    published_at: datetime | None
    reach: int
    rate: float | None = Field(
        description="Negative feedback / reach in percent (null while the reach is 0)."
    )


class NegativeFeedbackOut(Schema):
    period: PeriodOut
    previous_period: PeriodOut
    totals: NegativeCountsOut
    previous_totals: NegativeCountsOut
    change_percent: float | None = Field(
        description="Total against the previous period, in percent (null when it had none)."
    )
    days: list[NegativeDayOut]
    posts: list[NegativePostOut] = Field(
        description="The latest published posts (over their whole life), sorted by `sort`."
    )


class NegativeQuery(PeriodQuery):
    sort: (
        Annotated[
            str,
            OneOf([*negative_metrics.POST_SORTS, *(f"-{s}" for s in negative_metrics.POST_SORTS)]),
        ]
        | None
    ) = Field(None, description="The posts' order; a leading `-` is descending (`-published`).")


def post_row(row: negative_metrics.PostNegative) -> dict[str, Any]:
    post = row.post
    return {
        **row.counts.as_dict(),
        "id": post.pk,
        "title": str(post)[:200],
        "published_at": post.published_at,
        "reach": row.reach,
        "rate": row.rate,
    }


@router.get("/communities/{slug}/stats/negative-feedback", response=NegativeFeedbackOut)
def negative_feedback(
    request: AuthedRequest, slug: str, query: Query[NegativeQuery]
) -> dict[str, Any]:
    """Hides, reports, leaves after a view and negative comments per day of the period, the
    previous period's totals, and the latest posts with their negative feedback rate."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    period = _period(community, query)
    ledger = negative_metrics.negative_ledger(community, period)
    posts = negative_metrics.negative_by_post(
        community, sort=query.sort or negative_metrics.DEFAULT_POST_SORT
    )
    return {
        "period": period.as_dict(),
        "previous_period": ledger.previous.as_dict(),
        "totals": ledger.totals.as_dict(),
        "previous_totals": ledger.previous_totals.as_dict(),
        "change_percent": ledger.change_percent,
        "days": [{"day": d.day, **d.counts.as_dict()} for d in ledger.days],
        "posts": [post_row(row) for row in posts],
    }


class PersonOut(Schema):
    username: str
    display_name: str
    profile_url: str


def person_of(user: Any) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.shown_name,
        "profile_url": reverse("walls:profile_wall", args=[user.username]),
    }


class ReviewedCommentOut(Schema):
    id: int
    post: int
    author: PersonOut
    body: str
    status: str
    created_at: datetime
    flagged: bool = Field(description="Held by the moderation checks and not approved.")
    marked: bool = Field(description="Marked negative by the team.")


class CommentsQuery(Schema):
    negative: bool = Field(False, description="Only the negative comments (flagged or marked).")
    cursor: Cursor = None
    limit: PageLimit = None


def reviewed_comment(comment: Any) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "post": comment.post_id,
        "author": person_of(comment.author),
        "body": comment.body,
        "status": comment.status,
        "created_at": comment.created_at,
        "flagged": comment.flagged,
        "marked": comment.marked,
    }


@router.get(
    "/communities/{slug}/stats/negative-feedback/comments", response=Page[ReviewedCommentOut]
)
def negative_feedback_comments(
    request: AuthedRequest, slug: str, query: Query[CommentsQuery]
) -> dict[str, Any]:
    """The comments under the community's posts, newest first, with whether the checks flagged
    them and whether the team marked them negative (paged)."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    found = negative_metrics.comments_for_review(
        community, cursor=query.cursor, limit=page_size(query.limit), negative_only=query.negative
    )
    return {"items": [reviewed_comment(c) for c in found.items], "next_cursor": found.next_cursor}


class MarkOut(Schema):
    comment: int
    marked: bool


@router.put("/communities/{slug}/stats/negative-comments/{comment_id}", response=MarkOut)
def mark_negative(request: AuthedRequest, slug: str, comment_id: RowId) -> dict[str, Any]:
    """Mark a comment of the community negative (moderators and up); marking again is fine."""
    community, _standing = community_for(request.auth, slug, Action.MODERATE)
    comment = comment_of(community, comment_id)
    marked = mark_comment_negative(
        actor=request.auth, community=community, comment=comment, negative=True
    )
    return {"comment": comment.pk, "marked": marked}


@router.delete("/communities/{slug}/stats/negative-comments/{comment_id}", response=MarkOut)
def unmark_negative(request: AuthedRequest, slug: str, comment_id: RowId) -> dict[str, Any]:
    """Take the team's negative mark off a comment (moderators and up)."""
    community, _standing = community_for(request.auth, slug, Action.MODERATE)
    comment = comment_of(community, comment_id)
    marked = mark_comment_negative(
        actor=request.auth, community=community, comment=comment, negative=False
    )
    return {"comment": comment.pk, "marked": marked}


# -- participation ladder ------------------------------------------------------------------------
class CoreMemberOut(PersonOut):
    contributions: int
    likes: int
    comments: int
    shares: int
    posts: int
    views: int


class ParticipationOut(Schema):
    period: PeriodOut
    members: int = Field(description="Current members without a team role.")
    inactive: int = Field(description="Members with no view and no contribution (off the ladder).")
    inactive_share: float | None
    on_ladder: int = Field(description="Lurkers + contributors + core.")
    lurkers: int
    lurkers_share: float | None
    contributors: int
    contributors_share: float | None
    core_count: int
    core_share: float | None
    core_target: int = Field(description="1 % of the ladder, at least 1; ties may exceed it.")
    contributions: int
    core_contributions: int
    core_share_of_contributions: float | None
    core: list[CoreMemberOut] = Field(description="The core, most contributions first (≤ 100).")


@router.get("/communities/{slug}/stats/participation", response=ParticipationOut)
def participation(request: AuthedRequest, slug: str, query: Query[PeriodQuery]) -> dict[str, Any]:
    """The participation ladder (90-9-1) of the period: inactive members apart, lurkers,
    contributors and the core with their share of all contributions (docs/metrics.md)."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    period = _period(community, query)
    ladder = participation_ladder(community, period)
    return {
        "period": period.as_dict(),
        **ladder_as_dict(ladder),
        "core": [
            {
                **person_of(m.user),
                "contributions": m.contributions.total,
                "likes": m.contributions.likes,
                "comments": m.contributions.comments,
                "shares": m.contributions.shares,
                "posts": m.contributions.posts,
                "views": m.contributions.views,
            }
            for m in ladder.core
        ],
    }


# -- audience health -----------------------------------------------------------------------------
class DeadOut(Schema):
    raised: bool
    members: int
    posts: int = Field(description="Posts read: the last published ones, at most `posts_read`.")
    median_engagements: float | None
    min_members: int
    max_median: int
    posts_read: int


class AudienceHealthOut(Schema):
    period: PeriodOut
    members: int = Field(description="Current members without a team role.")
    inactive: int
    inactive_share: float | None
    suspected: int = Field(description="Members with at least `min_signals` of the signals.")
    suspected_share: float | None
    min_signals: int
    no_profile: int
    quiet: int
    burst: int
    dead_community: DeadOut


@router.get("/communities/{slug}/stats/audience-health", response=AudienceHealthOut)
def audience_health(request: AuthedRequest, slug: str, query: Query[PeriodQuery]) -> dict[str, Any]:
    """Inactive and suspected fake members and their shares, the count behind each fake-account
    signal, and the dead-community signal (docs/metrics.md)."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    period = _period(community, query)
    found = health_metrics.audience_health(community, period)
    return health_as_dict(found)


def health_as_dict(found: health_metrics.Health) -> dict[str, Any]:
    dead = found.dead
    return {
        "period": found.period.as_dict(),
        "members": found.members,
        "inactive": found.inactive,
        "inactive_share": found.inactive_share,
        "suspected": found.suspected,
        "suspected_share": found.suspected_share,
        "min_signals": int_setting("FAKE_MIN_SIGNALS"),
        **found.signals,
        "dead_community": {
            "raised": dead.raised,
            "members": dead.members,
            "posts": dead.posts,
            "median_engagements": dead.median,
            "min_members": dead.min_members,
            "max_median": dead.max_median,
            "posts_read": dead.posts_read,
        },
    }


class HealthMemberOut(PersonOut):
    joined_at: datetime
    source: str
    utm_campaign: str
    inactive: bool
    no_profile: bool
    quiet: bool
    burst: bool


class MembersQuery(PeriodQuery):
    figure: Annotated[str, OneOf(health_metrics.FIGURES)] = Field(
        description="Whose members: `inactive`, `suspected`, or one signal."
    )
    cursor: Cursor = None
    limit: PageLimit = None


def health_member(membership: Any) -> dict[str, Any]:
    return {
        **person_of(membership.user),
        "joined_at": membership.joined_at,
        "source": membership.source,
        "utm_campaign": membership.utm_campaign,
        "inactive": bool(membership.inactive),
        "no_profile": bool(membership.no_profile),
        "quiet": bool(membership.quiet),
        "burst": bool(membership.burst),
    }


@router.get("/communities/{slug}/stats/audience-health/members", response=Page[HealthMemberOut])
def audience_health_members(
    request: AuthedRequest, slug: str, query: Query[MembersQuery]
) -> dict[str, Any]:
    """The members behind one figure, newest members first, with their signals (paged)."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    period = _period(community, query)
    found = health_metrics.members_behind(
        community, period, query.figure, cursor=query.cursor, limit=page_size(query.limit)
    )
    return {"items": [health_member(m) for m in found.items], "next_cursor": found.next_cursor}
