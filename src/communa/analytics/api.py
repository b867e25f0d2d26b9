"""The analytics API: the best time to post (R8.5)."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema
from pydantic import Field

from communa.accounts.http import AuthedRequest
from communa.analytics.benchmarks.api import router as benchmarks_router
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.activity import BestTimeGrid
from communa.core.activity import best_times as best_times_of

router = Router(tags=["analytics"])


class SlotOut(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday.")
    hour: int = Field(ge=0, le=23, description="The hour it starts, on the wall clock.")
    score: int = Field(ge=0, le=100)


class SampleOut(Schema):
    events: int = Field(description="Views, likes and comments of members counted.")
    members: int = Field(description="Distinct members they came from.")
    weeks: int = Field(description="Weeks the counted activity covers (at most `window_weeks`).")


class MinimumOut(Schema):
    members: int
    events: int


class BestTimesOut(Schema):
    time_zone: str = Field(
        description="The community's time zone: suggested hours are read on its clock; each "
        "member's activity was placed in their own zone, else this one."
    )
    window_weeks: int = Field(description="The weeks of activity read, up to now.")
    enough_data: bool = Field(
        description="False until `minimum` is reached: `grid` is then all 0 and `top` empty."
    )
    sample: SampleOut
    minimum: MinimumOut = Field(description="The sample a suggestion needs.")
    top: list[SlotOut] = Field(description="The suggested cells, best first.")
    grid: list[list[int]] = Field(
        description="Scores 0–100 by `grid[weekday][hour]`: 7 rows, Monday first, of 24 hours "
        "(docs/metrics.md, 'Best time to post')."
    )


def best_times_out(found: BestTimeGrid) -> dict[str, Any]:
    return {
        "time_zone": found.time_zone,
        "window_weeks": found.window_weeks,
        "enough_data": found.enough_data,
        "sample": {
            "events": found.sample.events,
            "members": found.sample.members,
            "weeks": found.sample.weeks,
        },
        "minimum": {"members": found.minimum_members, "events": found.minimum_events},
        "top": [{"weekday": s.weekday, "hour": s.hour, "score": s.score} for s in found.top],
        "grid": [list(row) for row in found.scores],
    }


@router.get("/communities/{slug}/best-times", response=BestTimesOut)
def best_times(request: AuthedRequest, slug: str) -> dict[str, Any]:
    """When the community's members are active and the hours to post at (VIEW_STATISTICS)."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    return best_times_out(best_times_of(community))


# The benchmarks' operations (R9.10) live in their own package; they share this router's tag
# and mount (ADR 0016).
router.add_router("", benchmarks_router)
