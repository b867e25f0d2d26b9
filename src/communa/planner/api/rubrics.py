"""The planner API: a community's rubrics (R8.1)."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from ninja.responses import Status

from communa.accounts.authentication import VisitorRequest, anyone
from communa.accounts.http import AuthedRequest
from communa.communities import rubrics as actions
from communa.communities.models import Rubric, Tone
from communa.communities.permissions import Action
from communa.communities.rubrics import rubrics_of
from communa.communities.selectors import community_for
from communa.core.errors import NotFound
from communa.core.schemas import OneOf, Strict
from communa.planner.api.routers import router


class RubricOut(Schema):
    id: int
    code: str
    label: str
    default_tone: str
    position: int
    archived: bool

    @staticmethod
    def resolve_label(obj: Rubric) -> str:
        return obj.label


ToneName = Annotated[str, OneOf(Tone.values)]


class RubricIn(Strict):
    name: str
    default_tone: ToneName = Tone.FUNCTIONAL.value


class RubricPatch(Strict):
    name: str | None = None
    default_tone: ToneName | None = None
    archived: bool | None = None


@router.get("/communities/{slug}/rubrics", response=list[RubricOut], auth=anyone)
def list_rubrics(request: VisitorRequest, slug: str) -> list[Rubric]:
    """The community's rubrics in menu order, archived ones left out."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_WALL)
    return list(rubrics_of(community))


@router.post("/communities/{slug}/rubrics", response={201: RubricOut})
def create_rubric(request: AuthedRequest, slug: str, payload: RubricIn) -> Status:
    """Add a rubric (editors, administrators, the owner)."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    rubric = actions.create_rubric(
        actor=request.auth, community=community, data=payload.model_dump()
    )
    return Status(201, rubric)


@router.patch("/rubrics/{rubric_id}", response=RubricOut)
def update_rubric(request: AuthedRequest, rubric_id: int, payload: RubricPatch) -> Any:
    """Rename a rubric, change its default tone, archive or restore it."""
    rubric = Rubric.objects.select_related("community").filter(pk=rubric_id).first()
    if rubric is None:
        raise NotFound
    community_for(request.auth, rubric.community.slug, Action.SEE)
    return actions.update_rubric(
        actor=request.auth, rubric=rubric, data=payload.model_dump(exclude_unset=True)
    )
