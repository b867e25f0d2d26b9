"""Best time to post (R8.5), the kernel's part: what a suggestion looks like and the socket that
answers it.

Analytics reads the members' activity from its event tables and plugs the answer in at start-up
(`analytics.best_times`); the planner (the calendar, the scheduling form) and any other app ask
through `best_times()` and `next_best_time()` here, so nothing below analytics imports it.
Without analytics every community has "not enough data yet" and no suggested time.

A cell is a weekday (0 = Monday … 6 = Sunday) and a wall-clock hour (0–23); its score is 0 to
100, 100 being the busiest cell. The definition is in docs/metrics.md, "Best time to post".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext

from communa.core.conf import int_setting
from communa.core.hooks import answer
from communa.core.moments import community_time_zone

DAYS_IN_WEEK = 7
HOURS_IN_DAY = 24
# Five shades besides "no activity": a cell's level is its score in fifths, rounded up.
LEVELS = 5


def hour_label(hour: int) -> str:
    """An hour of the day in the active language's time format ("7 p.m.", "19:00")."""
    return formats.time_format(time(hour % HOURS_IN_DAY), "TIME_FORMAT")


def hours_label(hour: int) -> str:
    """The hour starting at `hour`, as a range ("7 p.m.–8 p.m.", "19:00–20:00")."""
    return f"{hour_label(hour)}–{hour_label(hour + 1)}"


@dataclass(frozen=True)
class Slot:
    """One suggested cell: a weekday, a wall-clock hour, its score (0–100)."""

    weekday: int
    hour: int
    score: int

    @property
    def weekday_name(self) -> str:
        return str(WEEKDAYS[self.weekday])

    @property
    def hours(self) -> str:
        return hours_label(self.hour)


@dataclass(frozen=True)
class Sample:
    """What the scores were computed from: counted events, distinct members, weeks covered."""

    events: int = 0
    members: int = 0
    weeks: int = 0

    def summary(self) -> str:
        """ "120 events from 14 members over 8 weeks", in the active language."""
        if not self.events:
            return _("no activity of members yet")
        return _("%(events)s from %(members)s over %(weeks)s") % {
            "events": ngettext("%(n)d event", "%(n)d events", self.events) % {"n": self.events},
            # After "from": some languages need another case of the noun there.
            "members": npgettext(
                "best time sample, after 'from'", "%(n)d member", "%(n)d members", self.members
            )
            % {"n": self.members},
            "weeks": npgettext(
                "best time sample, after 'over'", "%(n)d week", "%(n)d weeks", self.weeks
            )
            % {"n": self.weeks},
        }


@dataclass(frozen=True)
class HeatCell:
    """A cell of the heat map as a page shows it: its score, shade and whether it is suggested."""

    weekday: int
    hour: int
    score: int
    suggested: bool

    @property
    def level(self) -> int:
        return 0 if self.score <= 0 else -(-self.score * LEVELS // 100)


@dataclass(frozen=True)
class HeatRow:
    """A weekday's row of the heat map."""

    weekday: int
    cells: list[HeatCell]

    @property
    def name(self) -> str:
        return str(WEEKDAYS[self.weekday])

    @property
    def short_name(self) -> str:
        return str(WEEKDAYS_ABBR[self.weekday])


@dataclass(frozen=True)
class HourColumn:
    """A column of the heat map: the hour as a number and as the language says it."""

    hour: int

    @property
    def label(self) -> str:
        return hours_label(self.hour)


def _no_scores() -> tuple[tuple[int, ...], ...]:
    return tuple((0,) * HOURS_IN_DAY for _day in range(DAYS_IN_WEEK))


@dataclass(frozen=True)
class BestTimeGrid:
    """When a community's members are active: a 7 × 24 grid of scores, the suggested cells.

    `scores[weekday][hour]`, Monday first. `top` is empty and every score 0 while there is not
    enough data (`enough_data`); `sample` then says how much there is, `minimum_*` how much is
    needed.
    """

    time_zone: str
    window_weeks: int
    sample: Sample
    minimum_members: int
    minimum_events: int
    enough_data: bool = False
    scores: tuple[tuple[int, ...], ...] = field(default_factory=_no_scores)
    top: tuple[Slot, ...] = ()

    def suggested(self, weekday: int, hour: int) -> bool:
        return any(slot.weekday == weekday and slot.hour == hour for slot in self.top)

    def rows(self) -> list[HeatRow]:
        """The weekdays in the order the active language starts its week, with their cells."""
        first = (int(formats.get_format("FIRST_DAY_OF_WEEK")) - 1) % DAYS_IN_WEEK
        chosen = {(slot.weekday, slot.hour) for slot in self.top}
        return [
            HeatRow(
                day,
                [
                    HeatCell(day, hour, self.scores[day][hour], (day, hour) in chosen)
                    for hour in range(HOURS_IN_DAY)
                ],
            )
            for day in ((first + offset) % DAYS_IN_WEEK for offset in range(DAYS_IN_WEEK))
        ]

    def columns(self) -> list[HourColumn]:
        return [HourColumn(hour) for hour in range(HOURS_IN_DAY)]

    def not_enough(self) -> str:
        """Why there is no suggestion yet, with the sample, in the active language."""
        return _(
            "Not enough data yet: %(sample)s. Suggestions start at %(members)s and %(events)s."
        ) % {
            "sample": self.sample.summary(),
            "members": ngettext("%(n)d active member", "%(n)d active members", self.minimum_members)
            % {"n": self.minimum_members},
            "events": ngettext("%(n)d event", "%(n)d events", self.minimum_events)
            % {"n": self.minimum_events},
        }


def thin_grid(community: Any, sample: Sample | None = None) -> BestTimeGrid:
    """The answer while there is not enough data: no scores, no suggestion."""
    return BestTimeGrid(
        time_zone=community_time_zone(community).key,
        window_weeks=int_setting("BEST_TIME_WEEKS"),
        sample=sample or Sample(),
        minimum_members=int_setting("BEST_TIME_MIN_MEMBERS"),
        minimum_events=int_setting("BEST_TIME_MIN_EVENTS"),
    )


class BestTimes:
    """The socket analytics answers: when to post in a community, from its members' activity."""

    def grid(self, community: Any, now: datetime | None = None) -> BestTimeGrid:
        """Scores of the weeks before `now` (default: now) and the suggested cells."""
        return thin_grid(community)

    def next_best_time(
        self, community: Any, after: datetime, taken: Iterable[datetime] = ()
    ) -> datetime | None:
        """The start of the first suggested hour after `after` that holds none of `taken`, in
        the community's time zone; None when nothing is suggested."""
        return None


def best_times(community: Any, now: datetime | None = None) -> BestTimeGrid:
    """When this community's members are active, and the hours to post at (R8.5)."""
    return answer(BestTimes).grid(community, now or timezone.now())


def next_best_time(
    community: Any, after: datetime, taken: Iterable[datetime] = ()
) -> datetime | None:
    """The start of the next suggested hour after `after` that none of `taken` (e.g. the times
    of posts already scheduled) falls in; in the community's time zone, None without data."""
    return answer(BestTimes).next_best_time(community, after, taken)
