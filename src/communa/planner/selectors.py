"""Reads of the planner: rubrics."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from communa.planner.models import Rubric


def rubrics_of(community: Any) -> QuerySet[Rubric]:
    """The community's rubrics in menu order, archived ones left out."""
    return Rubric.objects.filter(community=community, archived=False).order_by("position", "id")
