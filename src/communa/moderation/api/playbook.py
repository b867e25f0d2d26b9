"""The playbook API (R5.4): read and replace the steps, list and lift sanctions, see one's own."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Router, Schema

from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.pagination import page_size
from communa.core.schemas import Cursor, OneOf, Page, PageLimit, Strict
from communa.moderation import playbooks
from communa.moderation.models import Sanction, SanctionAction

router = Router(tags=["moderation"])


class StepIn(Strict):
    offences: int
    window_days: int
    action: Annotated[str, OneOf(SanctionAction.values)]
    duration_days: int | None = None
    message: str = ""


class PlaybookIn(Strict):
    steps: list[StepIn]


class StepOut(Schema):
    position: int
    offences: int
    window_days: int
    action: str
    duration_days: int | None
    message: str


class PlaybookOut(Schema):
    is_default: bool
    steps: list[StepOut]
    default_steps: list[StepOut]


class SanctionOut(Schema):
    id: int
    user: str
    action: str
    reason: str
    message: str
    created_at: datetime
    ends_at: datetime | None
    lifted_at: datetime | None
    active: bool
    applied_by: str | None


def _steps_out(steps: list[playbooks.StepSpec]) -> list[dict[str, Any]]:
    return [{"position": n, **step.as_dict()} for n, step in enumerate(steps, start=1)]


def playbook_out(playbook: playbooks.Playbook) -> dict[str, Any]:
    return {
        "is_default": playbook.is_default,
        "steps": _steps_out(playbook.steps),
        "default_steps": _steps_out(list(playbooks.DEFAULT_STEPS)),
    }


def sanction_out(sanction: Sanction) -> dict[str, Any]:
    return {
        "id": sanction.pk,
        "user": sanction.user.username,
        "action": sanction.action,
        "reason": sanction.reason,
        "message": sanction.message,
        "created_at": sanction.created_at,
        "ends_at": sanction.ends_at,
        "lifted_at": sanction.lifted_at,
        "active": playbooks.in_force(sanction),
        "applied_by": sanction.applied_by.username if sanction.applied_by else None,
    }


@router.get("/communities/{slug}/playbook", response=PlaybookOut)
def get_playbook(request: AuthedRequest, slug: str) -> dict[str, Any]:
    """The community's escalation steps, or the defaults it follows (moderators and up)."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    return playbook_out(playbooks.read_playbook(actor=request.auth, community=community))


@router.put("/communities/{slug}/playbook", response=PlaybookOut)
def put_playbook(request: AuthedRequest, slug: str, payload: PlaybookIn) -> dict[str, Any]:
    """Replace the steps (at most 10, offences increasing); an empty list restores the defaults."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    saved = playbooks.save_playbook(
        actor=request.auth,
        community=community,
        steps=[step.model_dump() for step in payload.steps],
    )
    return playbook_out(saved)


@router.get("/communities/{slug}/sanctions", response=Page[SanctionOut])
def list_sanctions(
    request: AuthedRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """Warnings, mutes and blocks the playbook applied, newest first (who may block)."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    page = playbooks.sanctions_page(
        actor=request.auth, community=community, cursor=cursor, limit=page_size(limit)
    )
    return {"items": [sanction_out(s) for s in page.items], "next_cursor": page.next_cursor}


@router.get("/communities/{slug}/sanctions/mine", response=list[SanctionOut])
def my_sanctions(request: AuthedRequest, slug: str) -> list[dict[str, Any]]:
    """Your own warnings, mutes and blocks in force here, with the reason and the end."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    return [sanction_out(s) for s in playbooks.active_sanctions(request.auth, community)]


@router.post("/sanctions/{sanction_id}/lift", response=SanctionOut)
def lift(request: AuthedRequest, sanction_id: int) -> dict[str, Any]:
    """End a sanction now; lifting a block lets the person join or ask again."""
    sanction = playbooks.sanction_for(actor=request.auth, sanction_id=sanction_id)
    return sanction_out(playbooks.lift_sanction(actor=request.auth, sanction=sanction))
