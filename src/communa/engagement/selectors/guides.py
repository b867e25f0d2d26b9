"""Reads of guides: a community's guides, a guide's outline, a member's progress, the team's
table of everyone's progress and the guide's summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch

from communa.communities.models import Community
from communa.core.errors import NotFound
from communa.core.pagination import Page, keyset_page
from communa.engagement.models import Guide, GuideModule, GuideProgress, GuideStep, GuideStepDone
from communa.walls.models import PostStatus


def guide_by_id(guide_id: int) -> Guide:
    """A guide with its community, or NotFound (the front door checks who may see it)."""
    found = Guide.objects.select_related("community").filter(pk=guide_id).first()
    if found is None:
        raise NotFound
    return found


def guide_in(community: Community, guide_id: int) -> Guide:
    """A guide of this community, or NotFound."""
    found = (
        Guide.objects.select_related("community").filter(pk=guide_id, community=community).first()
    )
    if found is None:
        raise NotFound
    return found


def require_visible(guide: Guide, *, team: bool) -> Guide:
    """An unpublished guide is the team's: to anyone else it does not exist."""
    if not guide.published and not team:
        raise NotFound
    return guide


def module_in(guide: Guide, module_id: int) -> GuideModule:
    """A module of this guide, or NotFound."""
    found = (
        GuideModule.objects.select_related("guide__community")
        .filter(pk=module_id, guide=guide)
        .first()
    )
    if found is None:
        raise NotFound
    return found


def step_in(guide: Guide, step_id: int) -> GuideStep:
    """A step of this guide, or NotFound."""
    found = (
        GuideStep.objects.select_related("guide__community", "module", "post")
        .filter(pk=step_id, guide=guide)
        .first()
    )
    if found is None:
        raise NotFound
    return found


def guides_page(community: Community, *, team: bool, cursor: str | None, limit: int) -> Page[Guide]:
    """The community's guides, newest first; unpublished ones only for the team. One query."""
    found = Guide.objects.filter(community=community)
    if not team:
        found = found.filter(published=True)
    return keyset_page(found, ["-id"], cursor=cursor, limit=limit)


def outline(guide: Guide) -> list[GuideModule]:
    """The guide's modules in order, each with its steps and their posts. Two queries."""
    return list(
        GuideModule.objects.filter(guide=guide)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=GuideStep.objects.select_related("post").order_by("position", "id"),
            )
        )
    )


def post_available(step: GuideStep) -> bool:
    """Whether the step's post can still be read (published)."""
    return step.post.status == PostStatus.PUBLISHED


@dataclass
class ModuleProgress:
    """A member's steps done in one module."""

    module: GuideModule
    done: int
    total: int


@dataclass
class Progress:
    """A member's progress through a guide."""

    done_steps: set[int]
    done: int
    total: int
    started_at: datetime | None
    completed_at: datetime | None
    modules: list[ModuleProgress]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress_of(guide: Guide, user: Any, modules: list[GuideModule] | None = None) -> Progress:
    """The member's progress: steps done in all and per module, when they began and finished."""
    modules = outline(guide) if modules is None else modules
    row = (
        GuideProgress.objects.filter(guide=guide, user=user).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    done_steps = (
        set(GuideStepDone.objects.filter(progress=row).values_list("step_id", flat=True))
        if row is not None
        else set()
    )
    per_module = [
        ModuleProgress(
            module=module,
            done=sum(1 for step in module.steps.all() if step.pk in done_steps),
            total=len(module.steps.all()),
        )
        for module in modules
    ]
    return Progress(
        done_steps=done_steps,
        done=sum(item.done for item in per_module),
        total=sum(item.total for item in per_module),
        started_at=row.started_at if row else None,
        completed_at=row.completed_at if row else None,
        modules=per_module,
    )


def progress_page(guide: Guide, *, cursor: str | None, limit: int) -> Page[GuideProgress]:
    """Everyone who began the guide, latest first, with their count of steps done. One query."""
    found = (
        GuideProgress.objects.filter(guide=guide)
        .select_related("user")
        .annotate(done_count=Count("done"))
    )
    return keyset_page(found, ["-id"], cursor=cursor, limit=limit)


@dataclass
class StepFigure:
    """How many members did one step."""

    step: GuideStep
    module: GuideModule
    done: int
    percent: int


@dataclass
class GuideSummary:
    """Members who began and finished the guide, and how many did each step."""

    started: int
    completed: int
    steps: list[StepFigure]


def guide_summary(guide: Guide) -> GuideSummary:
    """Started, completed, and per step the members who did it. Four queries."""
    modules = outline(guide)
    figures = GuideProgress.objects.filter(guide=guide).aggregate(
        started=Count("id"), completed=Count("completed_at")
    )
    counts = Counter(
        dict(
            GuideStepDone.objects.filter(step__guide=guide)
            .values_list("step_id")
            .annotate(n=Count("id"))
            .values_list("step_id", "n")
        )
    )
    started = figures["started"] or 0
    steps = [
        StepFigure(
            step=step,
            module=module,
            done=counts.get(step.pk, 0),
            percent=round(100 * counts.get(step.pk, 0) / started) if started else 0,
        )
        for module in modules
        for step in module.steps.all()
    ]
    return GuideSummary(started=started, completed=figures["completed"] or 0, steps=steps)
