"""The worker's rollups: raw events and membership changes summed into day cells (ADR 0015).

Each rollup reads its source table by id from a watermark (`RollupState`) and, in one
transaction, adds the batch to the cells and moves the watermark, so a run that dies changes
nothing and a second run never counts a row twice. Ids are read only up to what was allocated
`ROLLUP_SETTLE_SECONDS` ago: a transaction that took a lower id and committed late (a buffered
flush, a slow request) is in by then, so no event is skipped for having committed out of order.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Func, Max, Model, TextField
from django.utils import timezone

from communa.analytics.metrics.audience import MEMBER_CHANGES
from communa.analytics.models import (
    CommunityDay,
    Event,
    EventKind,
    JoinDay,
    MemberDay,
    PostDay,
    ReachSpan,
    RollupState,
    ShownPosts,
)
from communa.analytics.models.events import shown_parts
from communa.analytics.post_facts import roll_up_post_facts
from communa.analytics.sketch import ReachSketch, hash_viewer
from communa.communities.models import Community, MembershipEvent
from communa.core.conf import int_setting
from communa.core.moments import community_time_zone
from communa.walls.models import Post

EVENTS, SHOWN, MEMBERSHIPS = "events", "shown", "memberships"
# Event kind → the column of a day cell it adds to (an unlike subtracts from likes apart).
_COLUMN = {
    EventKind.IMPRESSION: "impressions",
    EventKind.LIKE: "likes",
    EventKind.UNLIKE: "unlikes",
    EventKind.COMMENT: "comments",
    EventKind.SHARE: "shares",
    EventKind.HIDE: "hides",
    EventKind.REPORT: "reports",
    EventKind.LINK_CLICK: "link_clicks",
}
# Taking part in polls, contests, forms and guides: a community's day only, even when the poll
# hangs under a post (it is not an interaction with the post, METRICS.md).
_TAKING_PART = {
    EventKind.POLL_VOTE: "poll_votes",
    EventKind.ENTRY: "contest_entries",
    EventKind.CONTEST_VOTE: "contest_votes",
    EventKind.FORM_ANSWER: "form_answers",
    EventKind.GUIDE_STEP: "guide_steps",
}
_MEMBER_COLUMN = {
    EventKind.IMPRESSION: ("views", 1),
    EventKind.LIKE: ("likes", 1),
    EventKind.UNLIKE: ("likes", -1),
    EventKind.COMMENT: ("comments", 1),
    EventKind.SHARE: ("shares", 1),
}
# The database types of the key columns that are not counts (for PostgreSQL's unnest).
_SQL_TYPE = {"day": "date", "source": "text", "utm_campaign": "text"}


def roll_up(*, sweep_posts: bool = False) -> int:
    """Everything due: new events, new rows of shown posts, new membership changes, facts of
    newly published posts (of every published post with `sweep_posts`). Returns how many
    source rows were rolled up (the worker's runner)."""
    done = 0
    for rollup in (roll_up_events, roll_up_shown_posts, roll_up_memberships):
        while True:
            moved = rollup()
            done += moved
            if moved == 0:
                break
    return done + roll_up_post_facts(sweep=sweep_posts)


# -- the watermark ----------------------------------------------------------------------------
def _range_to_read(name: str, model: type[Model]) -> tuple[RollupState, int] | None:
    """Lock this rollup's state (inside the caller's transaction) and return the last id it may
    read now, or None when nothing has settled yet."""
    RollupState.objects.get_or_create(name=name)
    # The update takes the row lock on PostgreSQL and the write lock on SQLite before reading,
    # so two workers rolling up at once take turns instead of counting one batch twice.
    RollupState.objects.filter(name=name).update(name=name)
    state = RollupState.objects.get(name=name)
    now = timezone.now()
    if state.done_id < state.seen_id:
        if now - state.seen_at >= timedelta(seconds=int_setting("ROLLUP_SETTLE_SECONDS")):
            return state, state.seen_id
        return None
    newest = model._default_manager.aggregate(newest=Max("pk"))["newest"] or 0
    if newest > state.seen_id:
        state.seen_id, state.seen_at = newest, now
        state.save(update_fields=["seen_id", "seen_at"])
        if int_setting("ROLLUP_SETTLE_SECONDS") <= 0:
            return state, newest
    return None


class _Zones:
    """The community time zones of a batch, read once."""

    def __init__(self, community_ids: Iterable[int]) -> None:
        self._zones: dict[int, zoneinfo.ZoneInfo] = {
            community.pk: community_time_zone(community)
            for community in Community.objects.filter(pk__in=set(community_ids)).only(
                "pk", "time_zone"
            )
        }
        self._days: dict[tuple[int, datetime | str], date | None] = {}

    def day(self, community_id: int, moment: datetime | str) -> date | None:
        """The community's day of a moment (a datetime, or UTC text as `_UtcText` reads it).

        Worked out once per community and moment: a page view's thirty impressions share
        their moment, and a batch holds thousands of them.
        """
        if isinstance(moment, str):
            # Time zones are whole minutes apart: the day is the minute's ("2026-12-05T22:10").
            moment = moment[:16]
        key = (community_id, moment)
        try:
            return self._days[key]
        except KeyError:
            pass
        zone = self._zones.get(community_id)
        if zone is None:
            day = None
        else:
            if isinstance(moment, str):
                moment = datetime.fromisoformat(moment)
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=UTC)
            day = moment.astimezone(zone).date()
        self._days[key] = day
        return day


class _UtcText(Func):
    """A moment as naive UTC ISO text ("2026-12-05T22:10:01.594000" or SQLite's own text).

    The events' rollup reads thousands of moments a batch that repeat (a page view's impressions
    share one): the driver turning each into a datetime was a third of the rollup's time; as
    text, each distinct moment is parsed once (`_Zones.day`).
    """

    # SQLite keeps a DateTimeField as naive UTC text already.
    template = "%(expressions)s"
    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # to_char, unlike a cast, does not depend on the server's DateStyle.
        template = "to_char((%(expressions)s) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
        return self.as_sql(compiler, connection, template=template, **extra)


# -- events -----------------------------------------------------------------------------------
def _roll_up(
    name: str,
    model: type[Model],
    read: Callable[[int, int, int], list[Any]],
    add: Callable[[list[Any]], None],
    last_id: Callable[[Any], int],
) -> int:
    """One batch of a source table read from its watermark (`RollupState`) up to what has
    settled, added to the cells with `add`; the cells and the watermark move in one
    transaction. Returns the number of rows read."""
    with transaction.atomic():
        found = _range_to_read(name, model)
        if found is None:
            return 0
        state, upto = found
        batch = int_setting("ROLLUP_BATCH")
        rows = read(state.done_id, upto, batch)
        if rows:
            add(rows)
        state.done_id = last_id(rows[-1]) if len(rows) == batch else upto
        state.save(update_fields=["done_id"])
        return len(rows)


def _first(row: Any) -> int:
    return int(row[0])


def roll_up_events() -> int:
    """Add one batch of new events to the day cells; the number of events read."""

    def read(after: int, upto: int, batch: int) -> list[Any]:
        return list(
            Event.objects.filter(pk__gt=after, pk__lte=upto)
            .order_by("pk")
            .annotate(moment=_UtcText("at"))
            .values_list(
                "pk", "kind", "community_id", "post_id", "user_id", "viewer", "platform", "moment"
            )[:batch]
        )

    return _roll_up(EVENTS, Event, read, _add_events, _first)


def roll_up_shown_posts() -> int:
    """Add one batch of the buffered flush's rows of shown posts (a page view's impressions
    each) to the day cells of their communities; the number of rows read."""

    def read(after: int, upto: int, batch: int) -> list[Any]:
        return list(
            ShownPosts.objects.filter(pk__gt=after, pk__lte=upto)
            .order_by("pk")
            .annotate(moment=_UtcText("at"))
            .values_list(
                *("pk", "community_id", "user_id", "viewer", "platform", "moment"),
                *("post_ids", "community_ids"),
            )[:batch]
        )

    def add(rows: list[Any]) -> None:
        # A batch's rows of one page (a wall's readers) are split by community once.
        parts_of: dict[tuple[Any, ...], list[tuple[int, tuple[int, ...]]]] = {}
        shown: list[ShownRow] = []
        for row in rows:
            page = row[1], row[6], row[7]
            parts = parts_of.get(page)
            if parts is None:
                parts = parts_of[page] = shown_parts(*page)
            shown += [(community_id, *row[2:6], ids) for community_id, ids in parts]
        add_shown_posts(shown)

    return _roll_up(SHOWN, ShownPosts, read, add, _first)


def _add_events(rows: Sequence[tuple[Any, ...]]) -> None:
    """Add a batch of events (as `roll_up_events` reads them) to the day cells."""
    cells = _Cells(row[2] for row in rows if row[2] is not None)
    for _pk, kind, community_id, post_id, user_id, viewer, platform, at in rows:
        if community_id is None:
            continue
        day = cells.zones.day(community_id, at)
        if day is None:
            continue
        column = _COLUMN.get(kind)
        if column is None:
            if kind in _TAKING_PART:
                cells.community_days[(community_id, day)][_TAKING_PART[kind]] += 1
            continue
        cell = cells.community_days[(community_id, day)]
        cell[column] += 1
        if kind == EventKind.IMPRESSION:
            cell[f"impressions_{platform}"] += 1
            cells.reached(community_id, day, platform, viewer)
        if post_id is not None:
            cells.post_days[(post_id, day)][column] += 1
            cells.post_community[post_id] = community_id
        if user_id is not None and kind in _MEMBER_COLUMN:
            member_column, step = _MEMBER_COLUMN[kind]
            cells.member_days[(community_id, user_id, day)][member_column] += step
    cells.write()


# A page view's impressions in one community: community, user, viewer, platform, moment (a
# datetime or UTC text), ids of the community's posts shown.
ShownRow = tuple[int, int | None, str, str, datetime | str, tuple[int, ...]]


def add_shown_posts(rows: Sequence[ShownRow]) -> None:
    """Add page views' impressions to the day cells, as their events would add (`_add_events`).

    A row is counted as a whole (a page's posts share their viewer and moment); the posts' days
    go post by post once per distinct page and day, for all the page views that showed it.
    """
    cells = _Cells(row[0] for row in rows)
    pages: Counter[tuple[int, date, tuple[int, ...]]] = Counter()
    for community_id, user_id, viewer, platform, at, ids in rows:
        day = cells.zones.day(community_id, at)
        if day is None:
            continue
        shown = len(ids)
        cell = cells.community_days[(community_id, day)]
        cell["impressions"] += shown
        cell[f"impressions_{platform}"] += shown
        cells.reached(community_id, day, platform, viewer)
        pages[(community_id, day, ids)] += 1
        if user_id is not None:
            cells.member_days[(community_id, user_id, day)]["views"] += shown
    post_days: Counter[tuple[int, date]] = Counter()
    for (community_id, day, ids), views in pages.items():
        for post_id in ids:
            post_days[(post_id, day)] += views
        cells.post_community.update(dict.fromkeys(ids, community_id))
    for key, shown in post_days.items():
        cells.post_days[key]["impressions"] += shown
    cells.write()


class _Cells:
    """The day cells a batch adds to, summed in memory, then written in a few statements."""

    def __init__(self, community_ids: Iterable[int]) -> None:
        self.zones = _Zones(community_ids)
        self.community_days: dict[tuple[int, date], dict[str, int]] = _counts()
        self.post_days: dict[tuple[int, date], dict[str, int]] = _counts()
        self.post_community: dict[int, int] = {}
        self.member_days: dict[tuple[int, int, date], dict[str, int]] = _counts()
        self.reach: dict[tuple[int, date, str], set[int]] = defaultdict(set)
        self.hashes: dict[str, int] = {}  # a viewer is hashed once per batch

    def reached(self, community_id: int, day: date, platform: str, viewer: str) -> None:
        if not viewer:
            return
        hashed = self.hashes.get(viewer)
        if hashed is None:
            hashed = self.hashes[viewer] = hash_viewer(viewer)
        self.reach[(community_id, day, platform)].add(hashed)

    def write(self) -> None:
        _add_to_cells(
            CommunityDay,
            ("community_id", "day"),
            [((c, d), counts) for (c, d), counts in self.community_days.items()],
        )
        post_community = self.post_community
        existing = set(Post.objects.filter(pk__in=post_community).values_list("pk", flat=True))
        _add_to_cells(
            PostDay,
            ("post_id", "day"),
            [
                ((p, d), {**counts, "community_id": post_community[p]})
                for (p, d), counts in self.post_days.items()
                if p in existing
            ],
            fixed=("community_id",),
        )
        _add_to_cells(
            MemberDay,
            ("community_id", "day", "user_id"),
            [((c, d, u), counts) for (c, u, d), counts in self.member_days.items()],
        )
        _add_reach(self.reach)


def _counts() -> Any:
    return defaultdict(lambda: defaultdict(int))


def _add_to_cells(
    model: type[Model],
    keys: tuple[str, ...],
    cells: list[tuple[tuple[Any, ...], dict[str, int]]],
    *,
    fixed: tuple[str, ...] = (),
) -> None:
    """Insert the cells, or add their counts to the cells that exist (one statement per chunk).

    Keys and counts are named by their database columns (a key's column is `<name>_id`); a
    `fixed` column is written on insert and left alone after.
    """
    if not cells:
        return
    table = model._meta.db_table
    counted = sorted({column for _key, counts in cells for column in counts} - set(fixed))
    columns = [*keys, *fixed, *counted]
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counted)
    conflict = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    rows = [
        [*key, *(counts[c] for c in fixed), *(counts.get(c, 0) for c in counted)]
        for key, counts in cells
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column: the statement stays short whatever the number of cells, so
            # neither the driver nor the server parses a statement as long as the batch.
            arrays = ", ".join(f"%s::{_SQL_TYPE.get(c, 'bigint')}[]" for c in columns)
            sql = (
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                f"SELECT * FROM unnest({arrays}) {conflict}"
            )
            for chunk in _chunks(rows, 20000):
                cursor.execute(sql, [list(column) for column in zip(*chunk, strict=True)])
            return
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for chunk in _chunks(rows, 500):
            sql = (
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                f"VALUES {', '.join([row] * len(chunk))} {conflict}"
            )
            cursor.execute(sql, [value for values in chunk for value in values])


def span_starts(day: date) -> list[tuple[str, date]]:
    """The day, ISO week and calendar month that a day belongs to, as (level, first day)."""
    return [
        (ReachSpan.Level.DAY, day),
        (ReachSpan.Level.WEEK, day - timedelta(days=day.weekday())),
        (ReachSpan.Level.MONTH, day.replace(day=1)),
    ]


def _add_reach(reach: dict[tuple[int, date, str], set[int]]) -> None:
    """Add the batch's viewers to the sketches of their day, week and month, per platform and
    for all platforms ("")."""
    if not reach:
        return
    spans: dict[tuple[int, str, date, str], set[int]] = defaultdict(set)
    for (community_id, day, platform), hashes in reach.items():
        for level, start in span_starts(day):
            spans[(community_id, level, start, platform)] |= hashes
            spans[(community_id, level, start, "")] |= hashes
    stored: dict[tuple[int, str, date, str], bytes] = {}
    keys = list(spans)
    for chunk in _chunks(keys, 300):
        for community_id, level, start, platform, blob in ReachSpan.objects.filter(
            community_id__in={key[0] for key in chunk},
            level__in={key[1] for key in chunk},
            start__in={key[2] for key in chunk},
        ).values_list("community_id", "level", "start", "platform", "sketch"):
            stored[(community_id, level, start, platform)] = bytes(blob)
    updated = []
    for key, hashes in spans.items():
        sketch = ReachSketch.from_bytes(stored.get(key, b""))
        sketch.add_hashes(hashes)
        updated.append(
            ReachSpan(
                community_id=key[0],
                level=key[1],
                start=key[2],
                platform=key[3],
                viewers=sketch.count(),
                sketch=sketch.to_bytes(),
            )
        )
    ReachSpan.objects.bulk_create(
        updated,
        batch_size=200,
        update_conflicts=True,
        unique_fields=["community", "level", "start", "platform"],
        update_fields=["viewers", "sketch"],
    )


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- membership changes ------------------------------------------------------------------------
def roll_up_memberships() -> int:
    """Add one batch of joins, leaves and blocks to the day cells; the number read."""

    def read(after: int, upto: int, batch: int) -> list[Any]:
        found = MembershipEvent.objects.filter(pk__gt=after, pk__lte=upto).order_by("pk")
        return list(found[:batch])

    return _roll_up(MEMBERSHIPS, MembershipEvent, read, _add_memberships, lambda row: row.pk)


def _add_memberships(rows: Sequence[MembershipEvent]) -> None:
    zones = _Zones(row.community_id for row in rows)
    days: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    joins: dict[tuple[int, date, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    leaves_after_view: dict[tuple[int, date], dict[str, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    post_community: dict[int, int] = {}
    for row in rows:
        day = zones.day(row.community_id, row.at)
        if day is None:
            continue
        cell = days[(row.community_id, day)]
        if row.kind == MembershipEvent.Kind.JOIN:
            cell["joins"] += 1
            cell["member_change"] += 1
            joins[(row.community_id, day, row.source or "direct", row.utm_campaign)]["joins"] += 1
        elif row.kind == MembershipEvent.Kind.LEAVE:
            cell["leaves"] += 1
            cell["member_change"] -= 1
            for post_id in _viewed_before(row):
                leaves_after_view[(post_id, day)]["leaves_after_view"] += 1
                post_community[post_id] = row.community_id
        elif row.kind == MembershipEvent.Kind.BLOCK:
            cell["blocks"] += 1
            if _was_member_before(row):
                cell["member_change"] -= 1
    _add_to_cells(CommunityDay, ("community_id", "day"), list(days.items()))
    _add_to_cells(JoinDay, ("community_id", "day", "source", "utm_campaign"), list(joins.items()))
    _add_to_cells(
        PostDay,
        ("post_id", "day"),
        [
            ((p, d), {**c, "community_id": post_community[p]})
            for (p, d), c in leaves_after_view.items()
        ],
        fixed=("community_id",),
    )


def _viewed_before(leave: MembershipEvent) -> list[int]:
    """The posts of the community that the leaver was shown in the 24 hours before leaving:
    from impression events and from the buffered flush's rows of shown posts (posts deleted
    since are left out)."""
    window = {
        "user_id": leave.user_id,
        "at__gte": leave.at - timedelta(hours=24),
        "at__lte": leave.at,
    }
    seen = set(
        Event.objects.filter(
            kind=EventKind.IMPRESSION,
            post_id__isnull=False,
            community_id=leave.community_id,
            **window,
        )
        .values_list("post_id", flat=True)
        .distinct()
    )
    # The leaver's rows, each with the posts of this community it holds (a feed's row holds
    # several communities').
    rows = ShownPosts.objects.filter(**window).values_list(
        "community_id", "post_ids", "community_ids"
    )
    for row in rows:
        for community_id, ids in shown_parts(*row):
            if community_id == leave.community_id:
                seen.update(ids)
    if not seen:
        return []
    return sorted(Post.objects.filter(pk__in=seen).values_list("pk", flat=True))


def _was_member_before(block: MembershipEvent) -> bool:
    """Whether the blocked person's latest join, leave or block before this one is a join."""
    previous = (
        MembershipEvent.objects.filter(
            community_id=block.community_id,
            user_id=block.user_id,
            kind__in=MEMBER_CHANGES,
            pk__lt=block.pk,
        )
        .order_by("-at", "-pk")
        .values_list("kind", flat=True)
        .first()
    )
    return previous == MembershipEvent.Kind.JOIN
