"""The moderation queue API: list waiting items, decide one or many, read the team's figures."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Query, Router, Schema
from pydantic import Field

from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.pagination import page_size
from communa.core.schemas import Cursor, OneOf, Page, PageLimit, Strict
from communa.moderation import queue

router = Router(tags=["moderation"])


class QueueItemOut(Schema):
    key: str
    kind: str
    reason: str
    created_at: datetime
    author: str | None
    summary: str
    decisions: list[str]


class DecisionIn(Strict):
    items: list[str] = Field(min_length=1, max_length=100)
    decision: Annotated[str, OneOf(queue.Decision)]
    reason: str = ""
    block_days: int | None = None


class BulkOut(Schema):
    done: list[str]
    refused: dict[str, str]


class ModeratorOut(Schema):
    username: str
    reports: int
    suggestions: int
    join_requests: int
    held: int
    total: int


class StatsOut(Schema):
    since: datetime
    moderators: list[ModeratorOut]
    reports_decided: int
    median_report_hours: float | None
    suggestions_reviewed: int
    suggestions_published_share: float | None
    waiting: int
    held_decided: int
    held_approved_share: float | None


class QueueFilters(Schema):
    kind: list[Annotated[str, OneOf(queue.ItemKind)]] = Field(default_factory=list)
    reason: Annotated[str, OneOf(["", *queue.REASONS])] = ""
    cursor: Cursor = None
    limit: PageLimit = None


def _item_out(item: queue.QueueItem) -> dict[str, Any]:
    return {
        "key": item.key,
        "kind": item.kind.value,
        "reason": item.reason,
        "created_at": item.created_at,
        "author": item.author.username if item.author else None,
        "summary": queue.summary_of(item),
        "decisions": [d.value for d in item.decisions],
    }


@router.get("/communities/{slug}/moderation/queue", response=Page[QueueItemOut])
def list_queue(request: AuthedRequest, slug: str, filters: Query[QueueFilters]) -> dict[str, Any]:
    """Waiting items, newest first; open reports of one post or comment are one item.

    Each item's `decisions` are those the caller's role may make on it (a block needs the right
    to block members, a join request the right to review requests).
    """
    community, _standing = community_for(request.auth, slug, Action.SEE)
    page = queue.queue_page(
        actor=request.auth,
        community=community,
        kinds=filters.kind,
        reason=filters.reason,
        cursor=filters.cursor,
        limit=page_size(filters.limit),
    )
    return {"items": [_item_out(i) for i in page.items], "next_cursor": page.next_cursor}


@router.post("/communities/{slug}/moderation/queue/decide", response=BulkOut)
def decide(request: AuthedRequest, slug: str, payload: DecisionIn) -> dict[str, Any]:
    """Approve, reject (with a reason), delete, or block the author (with days) of items."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    result = queue.decide_many(
        actor=request.auth,
        community=community,
        keys=payload.items,
        data=queue.DecisionInput(payload.decision, payload.reason, payload.block_days),
    )
    return {"done": result.done, "refused": result.refused}


@router.get("/communities/{slug}/moderation/stats", response=StatsOut)
def stats(
    request: AuthedRequest, slug: str, days: Annotated[int, Field(ge=1, le=366)] = 30
) -> dict[str, Any]:
    """Items handled per moderator, median hours from report to decision, suggestions published."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    figures = queue.moderation_stats(actor=request.auth, community=community, days=days)
    return {
        "since": figures.since,
        "moderators": [
            {
                "username": f.user.username,
                "reports": f.reports,
                "suggestions": f.suggestions,
                "join_requests": f.join_requests,
                "held": f.held,
                "total": f.total,
            }
            for f in figures.moderators
        ],
        "reports_decided": figures.reports_decided,
        "median_report_hours": figures.median_report_hours,
        "suggestions_reviewed": figures.suggestions_reviewed,
        "suggestions_published_share": figures.suggestions_published_share,
        "waiting": figures.waiting,
        "held_decided": figures.held_decided,
        "held_approved_share": figures.held_approved_share,
    }
