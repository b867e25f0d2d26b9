"""The period a statistic covers: whole days on the community's clock, and the period before it.

Every query function takes a `Period`, so a page, the API, a CSV and a report of "the last 30
days" read the same days. Days are local to the community's time zone (`core.moments`): a
period's start is local midnight of its first day and its end local midnight after its last day,
whatever daylight-saving does in between (a day can last 23 or 25 hours).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from communa.core.conf import int_setting
from communa.core.errors import ValidationFailed
from communa.core.moments import check_day, community_time_zone

# The presets a dashboard offers; "custom" reads `start` and `end`.
PRESET_DAYS = {"7": 7, "30": 30, "90": 90, "365": 365}
PERIOD_CHOICES = (*PRESET_DAYS, "custom")
DEFAULT_PERIOD = "30"


@dataclass(frozen=True)
class Period:
    """Whole local days `first`–`last` (both included) in `zone`."""

    first: date
    last: date
    zone: zoneinfo.ZoneInfo
    preset: str = "custom"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        """The moment the period starts: local midnight of its first day."""
        return local_midnight(self.first, self.zone)

    @property
    def end(self) -> datetime:
        """The moment it ends (excluded): local midnight after its last day."""
        return local_midnight(self.last + timedelta(days=1), self.zone)

    def previous(self) -> Period:
        """The period of the same length just before this one (for "compared with")."""
        return Period(
            first=self.first - timedelta(days=self.days),
            last=self.first - timedelta(days=1),
            zone=self.zone,
            preset=self.preset,
        )

    def each_day(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.preset,
            "start": self.first.isoformat(),
            "end": self.last.isoformat(),
            "days": self.days,
            "time_zone": self.zone.key,
        }


def local_midnight(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    """The first moment of `day` in `zone` (midnight; where a zone skips midnight, the first
    moment after the gap, as `fold=0` resolves it)."""
    return datetime.combine(day, time(0), tzinfo=zone)


def local_day(moment: datetime, zone: zoneinfo.ZoneInfo) -> date:
    """The community's calendar day of a moment."""
    return moment.astimezone(zone).date()


def today_in(zone: zoneinfo.ZoneInfo) -> date:
    return local_day(timezone.now(), zone)


def period_of(
    community: Any,
    *,
    period: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Period:
    """The period a request asks for, on the community's clock; a 422 naming the field when it
    is unknown, backwards, or longer than `COMMUNA_STATS_MAX_DAYS`.

    A preset ("7", "30", "90", "365") ends today; "custom" needs `start` and `end`. Giving
    `start` or `end` without a period means "custom".
    """
    zone = community_time_zone(community)
    chosen = (period or "").strip() or ("custom" if (start or end) else DEFAULT_PERIOD)
    if chosen not in PERIOD_CHOICES:
        raise ValidationFailed(
            fields={
                "period": [
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(PERIOD_CHOICES)}
                ]
            }
        )
    if chosen in PRESET_DAYS:
        last = today_in(zone)
        return Period(
            first=last - timedelta(days=PRESET_DAYS[chosen] - 1),
            last=last,
            zone=zone,
            preset=chosen,
        )
    if start is None or end is None:
        missing: dict[str, list[str]] = {}
        if start is None:
            missing["start"] = [_("A custom period needs its first day.")]
        if end is None:
            missing["end"] = [_("A custom period needs its last day.")]
        raise ValidationFailed(fields=missing)
    check_day(start, field="start")
    check_day(end, field="end")
    if end < start:
        raise ValidationFailed(fields={"end": [_("The last day comes before the first day.")]})
    longest = int_setting("STATS_MAX_DAYS")
    if (end - start).days + 1 > longest:
        raise ValidationFailed(
            fields={
                "end": [
                    _("A period can last at most %(days)s days.") % {"days": longest},
                ]
            }
        )
    return Period(first=start, last=end, zone=zone, preset="custom")
