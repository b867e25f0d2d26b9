"""The engagement API: guides (learning units). The team (RUN_ENGAGEMENT) builds a guide of
ordered modules of the community's published posts and reads everyone's progress; members
(TAKE_PART) mark steps as done and read their own progress."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.responses import Status

from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.events import viewer_of
from communa.core.pagination import page_size
from communa.core.schemas import Cursor, Page, PageLimit, RowId, Strict
from communa.engagement.actions import guides as actions
from communa.engagement.api.routers import router
from communa.engagement.models import Guide, GuideModule, GuideStep
from communa.engagement.selectors import forms as form_selectors
from communa.engagement.selectors import guides as selectors

Title = Annotated[str, Field(max_length=actions.TITLE_MAX)]
Description = Annotated[str, Field(max_length=actions.DESCRIPTION_MAX)]
Note = Annotated[str, Field(max_length=actions.NOTE_MAX)]


class GuideOut(Schema):
    id: int
    title: str
    description: str
    published: bool
    step_count: int


class StepOut(Schema):
    id: int
    position: int
    post: int
    post_title: str
    available: bool = Field(description="Whether the post can still be read.")
    note: str


class ModuleOut(Schema):
    id: int
    position: int
    title: str
    description: str
    steps: list[StepOut]


class ModuleProgressOut(Schema):
    module: int
    done: int
    total: int


class ProgressOut(Schema):
    done: int
    total: int
    done_steps: list[int]
    started_at: datetime | None
    completed_at: datetime | None
    modules: list[ModuleProgressOut]


class GuideDetailOut(GuideOut):
    modules: list[ModuleOut]
    progress: ProgressOut = Field(description="The reader's own progress.")


class GuideIn(Strict):
    title: Title
    description: Description = ""
    published: bool = False


class GuidePatch(Strict):
    title: Title | None = None
    description: Description | None = None
    published: bool | None = None


class ModuleIn(Strict):
    title: Title
    description: Description = ""


class ModulePatch(Strict):
    title: Title | None = None
    description: Description | None = None


class StepIn(Strict):
    post: RowId = Field(description="A published post of the community.")
    note: Note = ""


class StepPatch(Strict):
    note: Note


class OrderIn(Strict):
    order: list[RowId] = Field(description="Every id, in the new order.")


class MemberProgressOut(Schema):
    user: str
    done: int
    total: int
    started_at: datetime
    completed_at: datetime | None


class StepFigureOut(Schema):
    step: int
    module: int
    post_title: str
    done: int
    percent: int


class GuideSummaryOut(Schema):
    started: int
    completed: int
    steps: list[StepFigureOut]


def guide_out(guide: Guide) -> dict[str, Any]:
    return {
        "id": guide.pk,
        "title": guide.title,
        "description": guide.description,
        "published": guide.published,
        "step_count": guide.step_count,
    }


def step_out(step: GuideStep) -> dict[str, Any]:
    available = selectors.post_available(step)
    return {
        "id": step.pk,
        "position": step.position,
        "post": step.post_id,
        "post_title": str(step.post) if available else "",
        "available": available,
        "note": step.note,
    }


def module_out(module: GuideModule) -> dict[str, Any]:
    return {
        "id": module.pk,
        "position": module.position,
        "title": module.title,
        "description": module.description,
        "steps": [step_out(step) for step in module.steps.all()],
    }


def _progress(progress: selectors.Progress) -> dict[str, Any]:
    return {
        "done": progress.done,
        "total": progress.total,
        "done_steps": sorted(progress.done_steps),
        "started_at": progress.started_at,
        "completed_at": progress.completed_at,
        "modules": [
            {"module": item.module.pk, "done": item.done, "total": item.total}
            for item in progress.modules
        ],
    }


def _detail(guide: Guide, user: Any) -> dict[str, Any]:
    modules = selectors.outline(guide)
    return {
        **guide_out(guide),
        "modules": [module_out(module) for module in modules],
        "progress": _progress(selectors.progress_of(guide, user, modules)),
    }


def _seen(request: AuthedRequest, guide_id: int) -> Guide:
    guide = selectors.guide_by_id(guide_id)
    community, standing = community_for(request.auth, guide.community.slug, Action.VIEW_CONTENT)
    team = form_selectors.runs_forms(request.auth, community, standing)
    return selectors.require_visible(guide, team=team)


def _run(request: AuthedRequest, guide_id: int) -> Guide:
    guide = selectors.guide_by_id(guide_id)
    community_for(request.auth, guide.community.slug, Action.RUN_ENGAGEMENT)
    return guide


def _given(payload: Strict) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True)


@router.get("/communities/{slug}/guides", response=Page[GuideOut])
def list_guides(
    request: AuthedRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """The community's guides, newest first; unpublished ones only for the team."""
    community, standing = community_for(request.auth, slug, Action.VIEW_CONTENT)
    team = form_selectors.runs_forms(request.auth, community, standing)
    page = selectors.guides_page(community, team=team, cursor=cursor, limit=page_size(limit))
    return {"items": [guide_out(guide) for guide in page.items], "next_cursor": page.next_cursor}


@router.post("/communities/{slug}/guides", response={201: GuideDetailOut})
def create_guide(request: AuthedRequest, slug: str, payload: GuideIn) -> Status:
    """Start a guide (unpublished unless `published`)."""
    community, _standing = community_for(request.auth, slug, Action.RUN_ENGAGEMENT)
    guide = actions.create_guide(actor=request.auth, community=community, data=_given(payload))
    return Status(201, _detail(guide, request.auth))


@router.get("/guides/{guide_id}", response=GuideDetailOut)
def get_guide(request: AuthedRequest, guide_id: RowId) -> dict[str, Any]:
    """A guide's modules and steps, with the reader's progress."""
    return _detail(_seen(request, guide_id), request.auth)


@router.patch("/guides/{guide_id}", response=GuideDetailOut)
def update_guide(request: AuthedRequest, guide_id: RowId, payload: GuidePatch) -> dict[str, Any]:
    """Change a guide; `published` shows it to members."""
    guide = actions.update_guide(
        actor=request.auth, guide=_run(request, guide_id), data=_given(payload)
    )
    return _detail(guide, request.auth)


@router.delete("/guides/{guide_id}", response={204: None})
def delete_guide(request: AuthedRequest, guide_id: RowId) -> Status:
    """Delete a guide with its modules and everyone's progress."""
    actions.delete_guide(actor=request.auth, guide=_run(request, guide_id))
    return Status(204, None)


@router.post("/guides/{guide_id}/modules", response={201: ModuleOut})
def add_module(request: AuthedRequest, guide_id: RowId, payload: ModuleIn) -> Status:
    """Add a module at the end of the guide."""
    module = actions.add_module(
        actor=request.auth, guide=_run(request, guide_id), data=_given(payload)
    )
    return Status(201, module_out(module))


@router.put("/guides/{guide_id}/modules/order", response=list[ModuleOut])
def reorder_modules(
    request: AuthedRequest, guide_id: RowId, payload: OrderIn
) -> list[dict[str, Any]]:
    """Put the modules in a new order: every module's id once."""
    guide = _run(request, guide_id)
    actions.reorder_modules(actor=request.auth, guide=guide, order=payload.order)
    return [module_out(module) for module in selectors.outline(guide)]


@router.patch("/guides/{guide_id}/modules/{module_id}", response=ModuleOut)
def update_module(
    request: AuthedRequest, guide_id: RowId, module_id: RowId, payload: ModulePatch
) -> dict[str, Any]:
    """Rename a module or change its description."""
    guide = _run(request, guide_id)
    module = actions.update_module(
        actor=request.auth, module=selectors.module_in(guide, module_id), data=_given(payload)
    )
    return module_out(module)


@router.delete("/guides/{guide_id}/modules/{module_id}", response={204: None})
def delete_module(request: AuthedRequest, guide_id: RowId, module_id: RowId) -> Status:
    """Remove a module with its steps."""
    guide = _run(request, guide_id)
    actions.delete_module(actor=request.auth, module=selectors.module_in(guide, module_id))
    return Status(204, None)


@router.post("/guides/{guide_id}/modules/{module_id}/steps", response={201: StepOut})
def add_step(request: AuthedRequest, guide_id: RowId, module_id: RowId, payload: StepIn) -> Status:
    """Add a published post of the community at the end of the module."""
    guide = _run(request, guide_id)
    step = actions.add_step(
        actor=request.auth, module=selectors.module_in(guide, module_id), data=_given(payload)
    )
    return Status(201, step_out(step))


@router.put("/guides/{guide_id}/modules/{module_id}/steps/order", response=list[StepOut])
def reorder_steps(
    request: AuthedRequest, guide_id: RowId, module_id: RowId, payload: OrderIn
) -> list[dict[str, Any]]:
    """Put a module's steps in a new order: every step's id once."""
    guide = _run(request, guide_id)
    module = selectors.module_in(guide, module_id)
    found = actions.reorder_steps(actor=request.auth, module=module, order=payload.order)
    return [step_out(selectors.step_in(guide, step.pk)) for step in found]


@router.patch("/guides/{guide_id}/steps/{step_id}", response=StepOut)
def update_step(
    request: AuthedRequest, guide_id: RowId, step_id: RowId, payload: StepPatch
) -> dict[str, Any]:
    """Change a step's note."""
    guide = _run(request, guide_id)
    step = actions.update_step(
        actor=request.auth, step=selectors.step_in(guide, step_id), data=_given(payload)
    )
    return step_out(step)


@router.delete("/guides/{guide_id}/steps/{step_id}", response={204: None})
def delete_step(request: AuthedRequest, guide_id: RowId, step_id: RowId) -> Status:
    """Remove a step."""
    guide = _run(request, guide_id)
    actions.delete_step(actor=request.auth, step=selectors.step_in(guide, step_id))
    return Status(204, None)


@router.post("/guides/{guide_id}/steps/{step_id}/done", response=ProgressOut)
def mark_step_done(request: AuthedRequest, guide_id: RowId, step_id: RowId) -> dict[str, Any]:
    """Mark a step as done (again changes nothing); the last one finishes the guide."""
    guide = _seen(request, guide_id)
    actions.mark_step_done(
        actor=request.auth,
        step=selectors.step_in(guide, step_id),
        viewer=viewer_of(request, api=True),
    )
    return _progress(selectors.progress_of(guide, request.auth))


@router.delete("/guides/{guide_id}/steps/{step_id}/done", response=ProgressOut)
def unmark_step(request: AuthedRequest, guide_id: RowId, step_id: RowId) -> dict[str, Any]:
    """Take back a step marked as done."""
    guide = _seen(request, guide_id)
    actions.unmark_step(actor=request.auth, step=selectors.step_in(guide, step_id))
    return _progress(selectors.progress_of(guide, request.auth))


@router.get("/guides/{guide_id}/progress", response=Page[MemberProgressOut])
def list_progress(
    request: AuthedRequest, guide_id: RowId, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """Every member who began the guide, latest first, with steps done (the team)."""
    guide = _run(request, guide_id)
    page = selectors.progress_page(guide, cursor=cursor, limit=page_size(limit))
    return {
        "items": [
            {
                "user": row.user.username,
                "done": row.done_count,  # type: ignore[attr-defined]
                "total": guide.step_count,
                "started_at": row.started_at,
                "completed_at": row.completed_at,
            }
            for row in page.items
        ],
        "next_cursor": page.next_cursor,
    }


@router.get("/guides/{guide_id}/summary", response=GuideSummaryOut)
def guide_summary(request: AuthedRequest, guide_id: RowId) -> dict[str, Any]:
    """Members who began and finished the guide, and per step how many did it (the team)."""
    summary = selectors.guide_summary(_run(request, guide_id))
    return {
        "started": summary.started,
        "completed": summary.completed,
        "steps": [
            {
                "step": item.step.pk,
                "module": item.module.pk,
                "post_title": str(item.step.post),
                "done": item.done,
                "percent": item.percent,
            }
            for item in summary.steps
        ],
    }
