"""Best time to post (R8.5): when a community's members are active, read from the events.

The definition is in docs/metrics.md, "Best time to post": over the last `BEST_TIME_WEEKS` weeks,
every view (impression), like and comment by a person who is a member of the community now
(its team left out: their hours are when they work on the community, not when its audience
reads) is placed in that member's own time zone, else the community's. A member counts at most
once per cell per day, with the weight of their strongest action in that hour (view 1, like 2,
comment 3), so one tireless reader cannot make an hour; a cell's score is its sum scaled so the
busiest cell is 100.

How it is read: one statement for the members' time zones and one aggregate statement for the
grid and the sample; no row of an event reaches Python. The tz database is applied in Python:
for each zone the members use, its UTC offsets over the window (summer time included) become a
`CASE` of offsets by zone and moment inside the statement, zones with the same offsets sharing
one arm. So SQLite, which knows no time zones, and PostgreSQL give the same answer from the same
rules the pages use to show times, and a zone name the database does not know cannot fail the
query. ADR 0013 has the choice.
"""

from __future__ import annotations

import math
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from communa.accounts.models import User
from communa.analytics.models import Event, ShownPosts
from communa.analytics.models.events import community_mark
from communa.communities.models import Community, Membership, Role
from communa.core.activity import (
    DAYS_IN_WEEK,
    HOURS_IN_DAY,
    BestTimeGrid,
    BestTimes,
    Sample,
    Slot,
    thin_grid,
)
from communa.core.conf import int_setting
from communa.core.events import EventKind
from communa.core.moments import community_time_zone, known_zone

# What each kind of event is worth in a cell (docs/metrics.md): a comment is more of a sign that
# people are there to talk than a like, a like more than a view.
WEIGHTS: dict[str, int] = {EventKind.IMPRESSION: 1, EventKind.LIKE: 2, EventKind.COMMENT: 3}
# Whose activity counts: members without a team role.
COUNTED_ROLES: tuple[str, ...] = (Role.MEMBER,)

HOUR = 3600
DAY = 24 * HOUR
WEEK = 7 * DAY
# 1970-01-01, day 0 of the epoch, was a Thursday (weekday 3 when Monday is 0).
EPOCH_WEEKDAY = 3


@dataclass(frozen=True)
class Offsets:
    """A zone's UTC offset (in seconds) at the start of a window and each change inside it."""

    first: int
    changes: tuple[tuple[int, int], ...] = ()  # (epoch second it takes effect, new offset)


def _offset_at(zone: zoneinfo.ZoneInfo, second: int) -> int:
    moment = datetime.fromtimestamp(second, UTC).astimezone(zone)
    return int(moment.utcoffset().total_seconds())  # type: ignore[union-attr]


def offsets_over(zone: zoneinfo.ZoneInfo, since: int, until: int) -> Offsets:
    """The zone's offsets between two epoch seconds: looked at once a day, each change found to
    the second by halving (zones change at most twice a year, never twice in a day)."""
    first = current = _offset_at(zone, since)
    changes: list[tuple[int, int]] = []
    left = since
    while left < until:
        right = min(left + DAY, until)
        if _offset_at(zone, right) != current:
            low, high = left, right  # the offset is `current` at low, another at high
            while high - low > 1:
                middle = (low + high) // 2
                if _offset_at(zone, middle) == current:
                    low = middle
                else:
                    high = middle
            current = _offset_at(zone, high)
            changes.append((high, current))
        left = right
    return Offsets(first, tuple(changes))


def _moment_param(second: int) -> Any:
    return connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(second, UTC))


def _offset_sql(offsets: Offsets, at: str) -> tuple[str, list[Any]]:
    """An SQL expression of the offset at the event's moment `at`."""
    if not offsets.changes:
        return "%s", [offsets.first]
    parts, params, current = ["CASE"], [], offsets.first
    for second, new in offsets.changes:
        parts.append(f"WHEN {at} < %s THEN %s")
        params += [_moment_param(second), current]
        current = new
    parts.append("ELSE %s END")
    params.append(current)
    return " ".join(parts), params


def _epoch_sql(at: str) -> str:
    """Whole seconds since 1970 of a stored moment (truncated, never rounded up an hour)."""
    if connection.vendor == "sqlite":
        # Stored as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC; strftime would round the fraction.
        return f"CAST(strftime('%%s', substr({at}, 1, 19)) AS INTEGER)"
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {at})) AS BIGINT)"


def _member_zones(community: Community) -> list[str]:
    return list(
        Membership.objects.filter(community=community, role__in=COUNTED_ROLES)
        .exclude(user__time_zone="")
        .order_by()
        .values_list("user__time_zone", flat=True)
        .distinct()
    )


def _local_offset_sql(
    community: Community, zone: zoneinfo.ZoneInfo, since: int, until: int, columns: dict[str, str]
) -> tuple[str, list[Any], bool]:
    """The offset of each event's local time: its member's zone, else the community's; the
    expression names the member's zone (needs the user table) only when some member's zone
    differs from the community's."""
    default = offsets_over(zone, since, until)
    groups: dict[Offsets, list[str]] = {}
    for name in _member_zones(community):
        found = known_zone(name)
        if found is None:
            continue  # a name this installation does not know: the community's zone
        offsets = offsets_over(found, since, until)
        if offsets != default:
            groups.setdefault(offsets, []).append(name)
    default_sql, params = _offset_sql(default, columns["at"])
    if not groups:
        return default_sql, params, False
    parts: list[str] = ["CASE"]
    arm_params: list[Any] = []
    for offsets, names in groups.items():
        arm, values = _offset_sql(offsets, columns["at"])
        marks = ", ".join(["%s"] * len(names))
        parts.append(f"WHEN {columns['time_zone']} IN ({marks}) THEN {arm}")
        arm_params += [*sorted(names), *values]
    parts.append(f"ELSE {default_sql} END")
    return " ".join(parts), arm_params + params, True


@dataclass(frozen=True)
class Activity:
    """What the statement found: the weight of each cell and the sample."""

    weights: dict[tuple[int, int], int]
    events: int
    members: int
    first_second: int | None


def read_activity(
    community: Community, zone: zoneinfo.ZoneInfo, since: int, until: int
) -> Activity:
    """The members' weighted activity per weekday and local hour between two epoch seconds."""
    q = connection.ops.quote_name
    columns = {"at": f"e.{q('at')}", "time_zone": f"u.{q('time_zone')}"}
    offset_sql, offset_params, by_member = _local_offset_sql(community, zone, since, until, columns)
    epoch = _epoch_sql(columns["at"])
    user_join = f"JOIN {q(User._meta.db_table)} u ON u.id = e.user_id" if by_member else ""
    weight_sql = " ".join(["CASE e.kind", *["WHEN %s THEN %s"] * len(WEIGHTS), "ELSE 0 END"])
    weight_params = [value for pair in WEIGHTS.items() for value in pair]
    kinds = ", ".join(["%s"] * len(WEIGHTS))
    roles = ", ".join(["%s"] * len(COUNTED_ROLES))
    weekday = f"(slot / {HOURS_IN_DAY} + {EPOCH_WEEKDAY}) %% {DAYS_IN_WEEK}"
    hour = f"slot %% {HOURS_IN_DAY}"

    def part(table: str, weight: str, count: str, condition: str) -> str:
        # Events and the flush's rows of shown posts: the same columns under the same alias, so
        # the offset's expression fits both. The members' rows are found by the member.
        return f"""
            SELECT e.user_id AS member_id, ({epoch} + {offset_sql}) / {HOUR} AS slot,
                   {weight} AS weight, {count} AS events, {epoch} AS at_second
            FROM {q(table)} e
            JOIN {q(Membership._meta.db_table)} m
              ON m.community_id = %s AND m.user_id = e.user_id
            {user_join}
            WHERE e.user_id IS NOT NULL AND {condition}
              AND {columns["at"]} >= %s AND {columns["at"]} < %s AND m.role IN ({roles})
        """  # noqa: S608 - every value is a parameter; names come from the models

    # A row of shown posts stands for as many impressions as it holds of the community's posts:
    # all of them in a row of one community, else as many as `community_ids` marks it.
    shown_here = (
        "CASE WHEN e.community_id = %s THEN e.shown"
        " ELSE (LENGTH(e.community_ids) - LENGTH(REPLACE(e.community_ids, %s, ''))) / %s END"
    )
    mark = community_mark(community.pk)
    from_events = part(
        Event._meta.db_table, weight_sql, "1", f"e.community_id = %s AND e.kind IN ({kinds})"
    )
    from_shown = part(
        ShownPosts._meta.db_table,
        "%s",
        shown_here,
        "(e.community_id = %s OR e.community_ids LIKE %s)",
    )
    sql = f"""
        WITH counted AS ({from_events} UNION ALL {from_shown}), slots AS (
            SELECT member_id, slot, MAX(weight) AS weight, SUM(events) AS events,
                   MIN(at_second) AS first_second
            FROM counted GROUP BY member_id, slot
        )
        SELECT {weekday} AS cell_day, {hour} AS cell_hour, SUM(weight), SUM(events), 0, 0
        FROM slots GROUP BY {weekday}, {hour}
        UNION ALL
        SELECT -1, -1, 0, COALESCE(SUM(events), 0), COUNT(DISTINCT member_id),
               COALESCE(MIN(first_second), -1)
        FROM slots
    """  # noqa: S608 - every value is a parameter; names come from the models
    window = [_moment_param(since), _moment_param(until), *COUNTED_ROLES]
    params = [
        *offset_params,
        *weight_params,
        community.pk,
        community.pk,
        *WEIGHTS,
        *window,
        *offset_params,
        WEIGHTS[EventKind.IMPRESSION],
        *(community.pk, mark, len(mark)),
        community.pk,
        *(community.pk, f"%{mark}%"),
        *window,
    ]
    weights: dict[tuple[int, int], int] = {}
    events = members = 0
    first: int | None = None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for day, hour_of_day, weight, count, distinct, first_second in cursor.fetchall():
            if day == -1:
                events, members = int(count), int(distinct)
                first = int(first_second) if int(first_second) >= 0 else None
            else:
                weights[(int(day), int(hour_of_day))] = int(weight)
    return Activity(weights, events, members, first)


def _score(weight: int, busiest: int) -> int:
    """0–100, rounded half up; any activity shows as at least 1."""
    if weight <= 0:
        return 0
    return max(1, (200 * weight + busiest) // (2 * busiest))


def compute_grid(community: Community, now: datetime) -> BestTimeGrid:
    """The grid of the weeks before `now`, read from the database (no cache)."""
    zone = community_time_zone(community)
    window = int_setting("BEST_TIME_WEEKS")
    until = math.floor(now.timestamp())
    since = until - window * WEEK
    found = read_activity(community, zone, since, until)
    weeks = 0
    if found.first_second is not None:
        weeks = min(window, max(1, math.ceil((until - found.first_second) / WEEK)))
    sample = Sample(events=found.events, members=found.members, weeks=weeks)
    thin = thin_grid(community, sample)
    if found.members < thin.minimum_members or found.events < thin.minimum_events:
        return thin
    busiest = max(found.weights.values(), default=0)
    if busiest <= 0:
        return thin
    scores = tuple(
        tuple(_score(found.weights.get((day, hour), 0), busiest) for hour in range(HOURS_IN_DAY))
        for day in range(DAYS_IN_WEEK)
    )
    ranked = sorted(
        (cell for cell, weight in found.weights.items() if weight > 0),
        key=lambda cell: (-found.weights[cell], cell),
    )
    top = tuple(
        Slot(day, hour, scores[day][hour]) for day, hour in ranked[: int_setting("BEST_TIME_TOP")]
    )
    return BestTimeGrid(
        time_zone=zone.key,
        window_weeks=window,
        sample=sample,
        minimum_members=thin.minimum_members,
        minimum_events=thin.minimum_events,
        enough_data=True,
        scores=scores,
        top=top,
    )


def _cache_key(community: Community, now: datetime) -> str:
    settings_part = ":".join(
        str(int_setting(name))
        for name in ("BEST_TIME_WEEKS", "BEST_TIME_MIN_MEMBERS", "BEST_TIME_MIN_EVENTS")
    )
    hour = math.floor(now.timestamp()) // HOUR
    zone = community_time_zone(community).key
    top = int_setting("BEST_TIME_TOP")
    return f"best-times:1:{community.pk}:{zone}:{settings_part}:{top}:{hour}"


def grid_of(community: Community, now: datetime) -> BestTimeGrid:
    """The grid of the weeks before `now`; kept for `BEST_TIME_CACHE_SECONDS` within an hour,
    as the figures of eight weeks barely move in one."""
    seconds = int_setting("BEST_TIME_CACHE_SECONDS")
    if seconds <= 0:
        return compute_grid(community, now)
    key = _cache_key(community, now)
    found = cache.get(key)
    if isinstance(found, BestTimeGrid):
        return found
    grid = compute_grid(community, now)
    cache.set(key, grid, seconds)
    return grid


def _hour_start(moment: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """The start of the local hour `moment` falls in, as a UTC moment."""
    local = moment.astimezone(zone)
    return (
        local
        - timedelta(minutes=local.minute, seconds=local.second, microseconds=local.microsecond)
    ).astimezone(UTC)


def next_free_slot(
    grid: BestTimeGrid,
    zone: zoneinfo.ZoneInfo,
    after: datetime,
    taken: Iterable[datetime] = (),
) -> datetime | None:
    """The start of the first suggested local hour after `after` in which none of `taken` falls.

    Hours are walked in UTC from the local hour of `after`, so a summer-time change neither
    repeats nor skips one; the walk ends once it has passed every taken hour and a whole week.
    """
    chosen = {(slot.weekday, slot.hour) for slot in grid.top}
    if not chosen:
        return None
    busy = {_hour_start(moment, zone) for moment in taken}
    start = _hour_start(after, zone)
    steps = HOURS_IN_DAY * DAYS_IN_WEEK * (len(busy) // len(chosen) + 2)
    for step in range(steps):
        candidate = start + timedelta(hours=step)
        if candidate <= after or candidate in busy:
            continue
        local = candidate.astimezone(zone)
        if (local.weekday(), local.hour) in chosen:
            return local
    return None


class AnalyticsBestTimes(BestTimes):
    """The kernel's best-time socket, answered from this app's event tables."""

    def grid(self, community: Any, now: datetime | None = None) -> BestTimeGrid:
        return grid_of(community, now or timezone.now())

    def next_best_time(
        self, community: Any, after: datetime, taken: Iterable[datetime] = ()
    ) -> datetime | None:
        grid = grid_of(community, timezone.now())
        return next_free_slot(grid, community_time_zone(community), after, taken)
