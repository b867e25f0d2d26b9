"""The statistics API's shared shapes: the period a route reads and the period it answers
with (docs/api.md "Statistics periods")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from communa.analytics.periods import PERIOD_CHOICES, Period, period_of
from communa.core.schemas import Day, OneOf

PeriodChoice = Annotated[str, OneOf(list(PERIOD_CHOICES))]


class PeriodQuery(Schema):
    period: PeriodChoice | None = Field(
        None,
        description="Days up to today in the community's time zone (7, 30, 90, 365) or `custom` "
        "with `start` and `end` (at most COMMUNA_STATS_MAX_DAYS days); the route says its "
        "default.",
    )
    start: Day | None = Field(None, description="The first day of a custom period.")
    end: Day | None = Field(None, description="The last day of a custom period (included).")

    def period_in(self, community: Any, *, default: str | None = None) -> Period:
        """The period asked for, on the community's clock (a 422 naming the field if bad)."""
        chosen = self.period or (None if (self.start or self.end) else default)
        return period_of(community, period=chosen, start=self.start, end=self.end)


class PeriodOut(Schema):
    period: str
    start: date
    end: date
    days: int
    time_zone: str
