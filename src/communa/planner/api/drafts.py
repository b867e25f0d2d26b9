"""Planner API: drafts and approval (R8.3). A draft is written with the post composer's fields
(`walls`' PostIn) plus where it sits in the plan; times are ISO 8601 text, read in the
community's time zone when they carry no offset (a time a daylight-saving change skips or
doubles is a 422 that names the choices; `fold` picks one of a doubled time)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.urls import reverse
from ninja import Schema, Status
from pydantic import Field

from communa.accounts.http import AuthedRequest
from communa.communities.models import Community
from communa.communities.permissions import Action, can, require
from communa.communities.selectors import community_for
from communa.core.http import client_ip
from communa.core.moments import FOLDS, moment_from_text
from communa.core.pagination import page_size
from communa.core.schemas import Cursor, Day, OneOf, Page, PageLimit, RowId, Strict
from communa.planner.actions import placement
from communa.planner.api.routers import router
from communa.planner.selectors import drafts as draft_selectors
from communa.planner.selectors.calendar import entry_of
from communa.planner.selectors.mix import mix_of
from communa.planner.selectors.plans import zone_of
from communa.walls.actions import drafts
from communa.walls.actions.posts import edit_post
from communa.walls.api.schemas import PostContentIn, PostSignature
from communa.walls.models import DRAFT_STATUSES, Post, PostKind

When = Annotated[
    str,
    Field(
        max_length=40,
        description=(
            "ISO 8601: with an offset it is that instant; without one, a wall-clock time in the"
            " community's time zone (e.g. 2026-03-29T09:00)."
        ),
    ),
]
Fold = Annotated[str, OneOf(list(FOLDS))]
Tone = Annotated[str, OneOf(["", "branded", "functional", "emotional"])]
DraftState = Annotated[str, OneOf(sorted(DRAFT_STATUSES))]


class DraftIn(PostContentIn):
    kind: Annotated[str, OneOf(["", *PostKind.values])] | None = None
    signed_as: PostSignature | None = None
    rubric: RowId | None = None
    tone: Tone | None = None
    promotional: bool | None = None
    scheduled_at: When | None = None
    fold: Fold | None = None
    slot: RowId | None = None
    slot_date: Day | None = None
    promotion: RowId | None = None


class DraftPatchIn(PostContentIn):
    signed_as: PostSignature | None = None
    rubric: RowId | None = None
    tone: Tone | None = None
    promotional: bool | None = None
    slot: RowId | None = None
    slot_date: Day | None = None
    promotion: RowId | None = None


class TimeIn(Strict):
    scheduled_at: When | None = None
    fold: Fold | None = None


class ReturnIn(Strict):
    comment: Annotated[str, Field(max_length=1000)]


class StepOut(Schema):
    from_status: str
    to_status: str
    actor: str | None
    note: str
    scheduled_at: datetime | None
    at: datetime


class DraftOut(Schema):
    id: int
    status: str
    kind: str
    title: str
    body: str
    link_url: str
    rubric: int | None
    tone: str
    promotional: bool
    signed_as: str
    author: str | None
    scheduled_at: datetime | None
    local_time: str | None = Field(description="The planned time in the community's zone.")
    time_zone: str
    published_at: datetime | None
    review_reason: str
    publish_error: str
    slot: int | None
    slot_date: date | None
    promotion: int | None
    url: str


class DraftDetailOut(DraftOut):
    history: list[StepOut]
    warnings: list[str] = Field(
        description="What the mix advisor says the draft does to its week at its time."
    )


def _draft_out(post: Post, community: Community) -> dict[str, Any]:
    zone = zone_of(community)
    entry = entry_of(post)
    return {
        "id": post.pk,
        "status": post.status,
        "kind": post.kind,
        "title": post.title,
        "body": post.body,
        "link_url": post.link_url,
        "rubric": post.rubric_id,
        "tone": post.tone,
        "promotional": post.promotional,
        "signed_as": post.signed_as,
        "author": post.author.username if post.author else None,
        "scheduled_at": post.scheduled_at,
        "local_time": post.scheduled_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        if post.scheduled_at
        else None,
        "time_zone": zone.key,
        "published_at": post.published_at,
        "review_reason": post.review_reason,
        "publish_error": post.publish_error,
        "slot": entry.slot_id if entry else None,
        "slot_date": entry.slot_date if entry else None,
        "promotion": entry.promotion_id if entry else None,
        "url": reverse("walls:post", args=[post.pk]),
    }


def warnings_for(post: Post, community: Community) -> list[str]:
    """The mix advisor's warnings for the draft's week, were it to go out at its time."""
    if post.scheduled_at is None or post.status not in DRAFT_STATUSES:
        return []
    day = post.scheduled_at.astimezone(zone_of(community)).date()
    return mix_of(community, period="week", day=day, moving=(post, post.scheduled_at)).warnings


def _detail(post: Post) -> dict[str, Any]:
    community = post.community
    assert community is not None  # noqa: S101 — planned posts live on community walls
    fresh = draft_selectors.draft_row(post.pk)
    return {
        **_draft_out(fresh, community),
        "history": [
            {
                "from_status": step.from_status,
                "to_status": step.to_status,
                "actor": step.actor.username if step.actor else None,
                "note": step.note,
                "scheduled_at": step.scheduled_at,
                "at": step.at,
            }
            for step in draft_selectors.history_of(fresh)
        ],
        "warnings": warnings_for(fresh, community),
    }


def _time(community: Community, text: str | None, fold: str | None) -> datetime | None:
    return moment_from_text(text, zone_of(community), fold=fold) if text else None


def _draft(request: AuthedRequest, draft_id: int) -> Post:
    return draft_selectors.planned_post(actor=request.auth, post_id=draft_id)


def _planning(request: AuthedRequest, slug: str) -> Community:
    community, standing = community_for(request.auth, slug, Action.SEE)
    if not (
        can(request.auth, Action.PLAN_CONTENT, community, standing=standing)
        or can(request.auth, Action.APPROVE_POSTS, community, standing=standing)
    ):
        require(request.auth, Action.PLAN_CONTENT, community, standing=standing)
    return community


CONTENT = ("title", "body", "blocks", "link_url", "link_title", "kind", "signed_as")
LABELS = ("rubric", "tone", "promotional")


@router.get("/communities/{slug}/drafts", response=Page[DraftOut])
def list_drafts(
    request: AuthedRequest,
    slug: str,
    state: DraftState | None = None,
    cursor: Cursor = None,
    limit: PageLimit = None,
) -> dict[str, Any]:
    """The community's drafts, newest first; `state` keeps one status (the planning team)."""
    community = _planning(request, slug)
    page = draft_selectors.drafts_page(
        community=community, state=state or "", cursor=cursor, limit=page_size(limit)
    )
    return {
        "items": [_draft_out(post, community) for post in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/communities/{slug}/drafts", response={201: DraftDetailOut})
def create_draft(request: AuthedRequest, slug: str, payload: DraftIn) -> Status:
    """Write a draft (editors and above) at a time, into a slot, for a promotion, or unplanned."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    values = payload.model_dump(exclude_unset=True)
    data = {k: v for k, v in values.items() if k in CONTENT + LABELS}
    post = placement.plan_draft(
        actor=request.auth,
        community=community,
        data=data,
        at=_time(community, values.get("scheduled_at"), values.get("fold")),
        slot_id=values.get("slot"),
        slot_date=values.get("slot_date"),
        promotion_id=values.get("promotion"),
        fold=values.get("fold"),
        ip=client_ip(request),
    )
    return Status(201, _detail(post))


@router.get("/drafts/{draft_id}", response=DraftDetailOut)
def get_draft(request: AuthedRequest, draft_id: int) -> dict[str, Any]:
    """A draft (or a post that went out through the planner) with its history and the mix
    advisor's warnings for its week."""
    return _detail(_draft(request, draft_id))


@router.patch("/drafts/{draft_id}", response=DraftDetailOut)
def update_draft(request: AuthedRequest, draft_id: int, payload: DraftPatchIn) -> dict[str, Any]:
    """Change a draft's words, labels, slot or promotion (its time: `POST .../move`)."""
    post = _draft(request, draft_id)
    values = payload.model_dump(exclude_unset=True)
    data = {k: v for k, v in values.items() if k in CONTENT + LABELS}
    if data:
        post = edit_post(actor=request.auth, post=post, data=data)
    if {"slot", "slot_date", "promotion"} & set(values):
        entry = entry_of(post)
        placement.place_post(
            actor=request.auth,
            post=post,
            slot_id=values.get("slot", entry.slot_id if entry else None),
            slot_date=values.get("slot_date", entry.slot_date if entry else None),
            promotion_id=values.get("promotion", entry.promotion_id if entry else None),
        )
    return _detail(post)


@router.post("/drafts/{draft_id}/move", response=DraftDetailOut)
def move_draft(request: AuthedRequest, draft_id: int, payload: TimeIn) -> dict[str, Any]:
    """Give a draft or scheduled post another time (the calendar's drag and drop)."""
    post = _draft(request, draft_id)
    assert post.community is not None  # noqa: S101 — planned_post found a community post
    at = _time(post.community, payload.scheduled_at, payload.fold)
    if at is None:
        post = drafts.set_draft_time(actor=request.auth, post=post, at=None)
    else:
        post = placement.move_draft(actor=request.auth, post=post, at=at)
    return _detail(post)


@router.post("/drafts/{draft_id}/submit", response=DraftDetailOut)
def submit_draft(request: AuthedRequest, draft_id: int) -> dict[str, Any]:
    """Send the draft for approval; the administrators and the owner are told."""
    return _detail(drafts.submit_draft(actor=request.auth, post=_draft(request, draft_id)))


@router.post("/drafts/{draft_id}/withdraw", response=DraftDetailOut)
def withdraw_draft(request: AuthedRequest, draft_id: int) -> dict[str, Any]:
    """Take the draft back from approval or off the schedule."""
    return _detail(drafts.withdraw_draft(actor=request.auth, post=_draft(request, draft_id)))


@router.post("/drafts/{draft_id}/approve", response=DraftDetailOut)
def approve_draft(
    request: AuthedRequest, draft_id: int, payload: TimeIn | None = None
) -> dict[str, Any]:
    """Approve a draft awaiting approval (administrators and the owner, not its author where a
    second person is required): scheduled for the given or planned time, or published now."""
    post = _draft(request, draft_id)
    assert post.community is not None  # noqa: S101
    at = _time(post.community, payload.scheduled_at, payload.fold) if payload else None
    return _detail(drafts.approve_draft(actor=request.auth, post=post, at=at))


@router.post("/drafts/{draft_id}/return", response=DraftDetailOut)
def return_draft(request: AuthedRequest, draft_id: int, payload: ReturnIn) -> dict[str, Any]:
    """Return a draft to its author with a comment they see."""
    post = _draft(request, draft_id)
    return _detail(drafts.return_draft(actor=request.auth, post=post, comment=payload.comment))


@router.post("/drafts/{draft_id}/schedule", response=DraftDetailOut)
def schedule_draft(
    request: AuthedRequest, draft_id: int, payload: TimeIn | None = None
) -> dict[str, Any]:
    """Schedule a draft, or retry a failed post, where no approval is needed."""
    post = _draft(request, draft_id)
    assert post.community is not None  # noqa: S101
    at = _time(post.community, payload.scheduled_at, payload.fold) if payload else None
    return _detail(drafts.schedule_draft(actor=request.auth, post=post, at=at))


@router.post("/drafts/{draft_id}/publish", response=DraftDetailOut)
def publish_draft(request: AuthedRequest, draft_id: int) -> dict[str, Any]:
    """Publish a draft now (the plan is a guide), where no approval is needed or by an approver
    who is not its author."""
    return _detail(drafts.publish_draft_now(actor=request.auth, post=_draft(request, draft_id)))


@router.get("/communities/{slug}/approvals", response=Page[DraftOut])
def approvals(
    request: AuthedRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """Drafts awaiting approval, oldest first (administrators and the owner)."""
    community, _standing = community_for(request.auth, slug, Action.APPROVE_POSTS)
    page = draft_selectors.approvals_page(
        community=community, cursor=cursor, limit=page_size(limit)
    )
    return {
        "items": [_draft_out(post, community) for post in page.items],
        "next_cursor": page.next_cursor,
    }
