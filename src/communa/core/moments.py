"""Local wall-clock times in a community's time zone, turned into moments without silent shifts.

A post "at 09:00" means 09:00 where the community is, whatever the daylight-saving rules do to
that day. On a change day a local time can be missing (the clocks jump over it: 02:30 on the
last Sunday of March in Europe/Berlin) or happen twice (the clocks go back over it: 02:30 on the
last Sunday of October). Both get a clear choice instead of a guess: a missing time is refused
with the two nearest real times named, a doubled one needs `fold` ("first" or "second", as in
PEP 495) and is refused, naming both moments, when it comes without one.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from communa.core.errors import ValidationFailed

FOLDS = ("first", "second")


@cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name this machine's tz database knows (shipped by the tzdata package)."""
    return frozenset(zoneinfo.available_timezones())


def zone_named(name: str, *, field: str = "time_zone") -> zoneinfo.ZoneInfo:
    """The zone of an IANA name; an unknown name is a 422 naming `field`. Blank: the site's."""
    name = (name or "").strip() or settings.TIME_ZONE
    if name not in known_zones() and name != "UTC":
        raise ValidationFailed(
            fields={field: [_("“%(name)s” is not a known time zone.") % {"name": name}]}
        )
    return zoneinfo.ZoneInfo(name)


def known_zone(name: str) -> zoneinfo.ZoneInfo | None:
    """The IANA zone of this name, or None when the name is blank or unknown here (a stored name
    the tz database has since dropped reads as unknown, never as an error)."""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def community_time_zone(community: Any) -> zoneinfo.ZoneInfo:
    """The community's time zone (`Community.time_zone`), else the site's `TIME_ZONE`."""
    found = known_zone(str(getattr(community, "time_zone", "") or ""))
    return found or known_zone(settings.TIME_ZONE) or zoneinfo.ZoneInfo("UTC")


def _exists(local: datetime, zone: zoneinfo.ZoneInfo) -> bool:
    """Whether this naive wall-clock time happens in `zone` (it round-trips through UTC)."""
    aware = local.replace(tzinfo=zone)
    back = aware.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(zone)
    return back.replace(tzinfo=None) == local


def _doubled(local: datetime, zone: zoneinfo.ZoneInfo) -> bool:
    first = local.replace(tzinfo=zone, fold=0).utcoffset()
    second = local.replace(tzinfo=zone, fold=1).utcoffset()
    return first != second


def _text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z (UTC%z)")


# The days a calendar or a schedule may name: far enough for any plan, near enough that every
# zone's offset and every week around them stay within the years the database can hold.
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2999, 12, 31)


def check_day(day: date | None, *, field: str = "day") -> date | None:
    """The day, when it is within FIRST_DAY–LAST_DAY; a 422 on `field` otherwise."""
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationFailed(
            fields={
                field: [
                    _("Choose a day from %(first)s to %(last)s.")
                    % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
                ]
            }
        )
    return day


def local_moment(
    day: date,
    clock: time,
    zone: zoneinfo.ZoneInfo,
    *,
    fold: str | None = None,
    field: str = "scheduled_at",
) -> datetime:
    """The moment of `clock` on `day` in `zone`, as an aware datetime in that zone.

    A time the clocks skip is a 422 on `field` naming the real times around it; a time that
    happens twice needs `fold` ("first" or "second") and is a 422 naming both without it.
    """
    check_day(day, field=field)
    local = datetime.combine(day, clock.replace(tzinfo=None, fold=0))
    if not _exists(local, zone):
        # Read with the offset from before the jump and from after it, the wall-clock time lands
        # on the real times on each side: 03:30 and 01:30 for a skipped 02:30.
        utc = zoneinfo.ZoneInfo("UTC")
        one, two = (
            local.replace(tzinfo=zone, fold=f).astimezone(utc).astimezone(zone) for f in (0, 1)
        )
        earlier, later = sorted((one, two))
        raise ValidationFailed(
            fields={
                field: [
                    _(
                        "%(time)s does not exist on %(day)s in %(zone)s: the clocks skip it."
                        " Choose %(later)s or %(earlier)s."
                    )
                    % {
                        "time": clock.strftime("%H:%M"),
                        "day": day.isoformat(),
                        "zone": zone.key,
                        "later": _text(later),
                        "earlier": _text(earlier),
                    }
                ]
            }
        )
    if _doubled(local, zone):
        if fold not in FOLDS:
            first = local.replace(tzinfo=zone, fold=0)
            second = local.replace(tzinfo=zone, fold=1)
            raise ValidationFailed(
                fields={
                    field: [
                        _(
                            "%(time)s happens twice on %(day)s in %(zone)s: the clocks go back."
                            " Say which: “first” (%(first)s) or “second” (%(second)s)."
                        )
                        % {
                            "time": clock.strftime("%H:%M"),
                            "day": day.isoformat(),
                            "zone": zone.key,
                            "first": _text(first),
                            "second": _text(second),
                        }
                    ]
                }
            )
        return local.replace(tzinfo=zone, fold=FOLDS.index(fold))
    return local.replace(tzinfo=zone)


def moment_from_text(
    text: str, zone: zoneinfo.ZoneInfo, *, fold: str | None = None, field: str = "scheduled_at"
) -> datetime:
    """A moment from ISO 8601 text: with an offset it is that instant; without one it is a
    wall-clock time in `zone` (checked by `local_moment`). Bad text is a 422 on `field`."""
    try:
        parsed = datetime.fromisoformat((text or "").strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(
            fields={field: [_("Give a date and time such as 2026-03-29T09:00.")]}
        ) from None
    if parsed.tzinfo is not None:
        check_day(parsed.date(), field=field)
        return parsed
    return local_moment(parsed.date(), parsed.time(), zone, fold=fold, field=field)
