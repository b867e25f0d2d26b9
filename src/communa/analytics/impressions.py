"""Impressions off the request path: a buffer a page view appends to, and a flush that applies it.

In buffered mode (`COMMUNA_IMPRESSIONS_MODE=buffered`, the default of `communa serve`) a page
that shows posts appends ONE record (viewer, user, platform, post ids, time) to a buffer: a Redis
list when Redis is configured, else one row of `ImpressionBuffer`. The worker flushes the buffer
in batches (`flush_impressions`). Each batch writes, in one transaction: a `ShownPosts` row per
page view (not an event per post shown; the rollup adds them to the day cells), new `PostViewer`
rows and the posts' counters. So reach stays exact (a viewer row inserted once
counts once) and every impression counts exactly once even when a flushing process dies at any
point (docs/adr/0008-buffered-impressions.md):

- database buffer: the batch's rows are locked (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's
  IMMEDIATE transactions serialise writers) and deleted in the same transaction as the writes;
- Redis buffer: a Lua script moves the batch atomically to a claim key named by a fresh batch id;
  the writes record that id in `AppliedImpressionBatch` in their transaction; only then is the
  claim dropped. A claim older than `IMPRESSIONS_CLAIM_STALE_SECONDS` is taken over by the next
  flush, which applies it unless its id is already recorded.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from json.encoder import encode_basestring_ascii as _quoted
from typing import Any, NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from communa.analytics.models import (
    AppliedImpressionBatch,
    ImpressionBuffer,
    PostViewer,
    ShownPosts,
)
from communa.analytics.models.events import ids_of, joined_ids, marked_communities
from communa.core.appends import append_rows
from communa.core.conf import int_setting
from communa.core.events import Viewer

logger = logging.getLogger(__name__)
# Rows of one INSERT of viewers: far below SQLite's and PostgreSQL's limits on parameters.
_CHUNK = 500
# A page view's row, in the order write_batch builds it.
_SHOWN_COLUMNS = (
    *("community_id", "user_id", "viewer", "platform", "at", "post_ids", "community_ids"),
    "shown",
)
# Applied Redis batch ids are kept this long: far longer than any claim can wait to be taken over.
_APPLIED_KEPT = timedelta(days=7)
# A page view's posts, as the buffer holds them.
Ids = tuple[int, ...]


@dataclass(frozen=True)
class PageView:
    """One page that showed posts to a viewer: the unit the buffer holds."""

    viewer: str
    user_id: int | None
    platform: str
    post_ids: tuple[int, ...]
    at: datetime

    def to_json(self) -> str:
        """`[viewer, user id, platform, [post ids], epoch seconds]`, as `from_json` reads it.

        Put together here rather than by `json.dumps` (twice the time of the rest of an
        append but the send); the texts quoted by the json module's own escaping."""
        user = "null" if self.user_id is None else int(self.user_id)
        ids = ",".join(map(str, map(int, self.post_ids)))
        moment = float(self.at.timestamp())
        return f"[{_quoted(self.viewer)},{user},{_quoted(self.platform)},[{ids}],{moment!r}]"

    @classmethod
    def from_json(cls, raw: bytes | str) -> PageView:
        viewer, user_id, platform, post_ids, at = json.loads(raw)
        return cls(viewer, user_id, platform, tuple(post_ids), datetime.fromtimestamp(at, tz=UTC))

    @classmethod
    def all_from_json(cls, raws: Sequence[bytes]) -> list[PageView]:
        """Page views as the buffer holds them, read as one JSON array: a batch's thousands of
        page views decoded one by one were a third of the flush's time in the worker."""
        if not raws:
            return []
        moment = datetime.fromtimestamp
        return [
            cls(viewer, user_id, platform, tuple(post_ids), moment(at, tz=UTC))
            for viewer, user_id, platform, post_ids, at in json.loads(b"[%s]" % b",".join(raws))
        ]


class Flushed(NamedTuple):
    """What one batch of a flush took: the page views claimed, the impressions written (fewer
    when posts were deleted since their view), and whether the claim took what was left."""

    views: int
    written: int
    drained: bool


NOTHING = Flushed(0, 0, drained=True)


# -- the writes of a batch --------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_batch(views: Sequence[PageView]) -> int:
    """Write the impressions of these page views: a `ShownPosts` row per page view (the
    rollup adds them to the day cells), new viewers and counter increments.

    Call inside the batch's transaction. Posts deleted since their view are skipped (their
    counters are gone with them); a post outside any community counts on its own counters only.
    Returns how many impressions were written.
    """
    post_model = PostViewer._meta.get_field("post").related_model
    user_model = ShownPosts._meta.get_field("user").related_model
    # Page views that showed the same posts (a wall page's readers, a feed read again) share
    # what depends on the posts alone: each distinct list's row is made once.
    lists = dict.fromkeys(view.post_ids for view in views)
    post_ids = sorted({post_id for ids in lists for post_id in ids})
    communities: dict[int, int | None] = {}
    for chunk in _chunks(post_ids):
        # Locking the posts in id order first: two flushes that touch the same posts queue
        # here instead of deadlocking on the viewer rows or the counter updates.
        locked = post_model._default_manager.filter(pk__in=chunk).order_by("pk")
        communities.update(locked.select_for_update().values_list("pk", "community_id"))
    user_ids = sorted({view.user_id for view in views if view.user_id})
    users = set(user_model._default_manager.filter(pk__in=user_ids).values_list("pk", flat=True))
    existing, rows = _rows_of_lists(lists, communities)
    shown: list[tuple[Any, ...]] = []
    views_of: Counter[Ids] = Counter()
    earliest: dict[tuple[Ids, str], datetime] = {}  # a viewer's first view of a list
    for view in views:
        if not existing[view.post_ids]:
            continue
        views_of[view.post_ids] += 1
        if view.viewer:
            key = (view.post_ids, view.viewer)
            if key not in earliest or view.at < earliest[key]:
                earliest[key] = view.at
        user_id = view.user_id if view.user_id in users else None
        platform = str(view.platform)  # a Platform member's value, as the driver takes it
        row = rows[view.post_ids]
        if row is not None:
            community_id, joined, marks, count = row
            shown.append(
                (community_id, user_id, view.viewer, platform, view.at, joined, marks, count)
            )
    impressions, first_seen = _per_post(existing, views_of, earliest)
    if not impressions:
        return 0
    # Plain rows through COPY (PostgreSQL): as model instances through bulk_create, the rows
    # were most of the flush's time (docs/performance.md).
    if shown:
        append_rows(ShownPosts, _SHOWN_COLUMNS, shown)
    reach = _insert_new_viewers(first_seen)
    _add_to_counters(post_model, impressions, reach)
    return sum(impressions.values())


def _rows_of_lists(
    lists: Iterable[Ids], communities: dict[int, int | None]
) -> tuple[dict[Ids, list[int]], dict[Ids, tuple[int | None, str, str, int] | None]]:
    """For each distinct list of posts shown: its posts not deleted since, once each; and what
    its `ShownPosts` row holds (None: no post in a community): the community when there is one,
    the posts' ids, each one's community when there are several, and their number."""
    existing: dict[Ids, list[int]] = {}
    rows: dict[Ids, tuple[int | None, str, str, int] | None] = {}
    for ids in lists:
        kept = existing[ids] = [post_id for post_id in dict.fromkeys(ids) if post_id in communities]
        placed = [(post_id, communities[post_id]) for post_id in kept]
        shown = [(post_id, c) for post_id, c in placed if c is not None]
        owners = {c for _post_id, c in shown}
        joined = joined_ids(post_id for post_id, _c in shown)
        if len(owners) == 1:
            rows[ids] = (owners.pop(), joined, "", len(shown))
        else:
            marks = marked_communities(c for _post_id, c in shown)
            rows[ids] = (None, joined, marks, len(shown)) if shown else None
    return existing, rows


def _per_post(
    existing: dict[Ids, list[int]],
    views_of: Counter[Ids],
    earliest: dict[tuple[Ids, str], datetime],
) -> tuple[Counter[int], dict[tuple[int, str], datetime]]:
    """Each post's impressions, and each (post, viewer)'s first moment in the batch, from the
    page views counted per list and each viewer's first view of a list."""
    impressions: Counter[int] = Counter()
    for ids, count in views_of.items():
        for post_id in existing[ids]:
            impressions[post_id] += count
    first_seen: dict[tuple[int, str], datetime] = {}
    for (ids, viewer), at in earliest.items():
        for post_id in existing[ids]:
            pair = (post_id, viewer)
            if pair not in first_seen or at < first_seen[pair]:
                first_seen[pair] = at
    return impressions, first_seen


def _insert_new_viewers(first_seen: dict[tuple[int, str], datetime]) -> Counter[int]:
    """Insert the (post, viewer) rows that do not exist yet; count the new ones per post."""
    table = PostViewer._meta.db_table
    reach: Counter[int] = Counter()
    rows = sorted(first_seen.items())
    # Both SQLite (3.35+) and PostgreSQL return only the rows a statement inserted.
    returning = "ON CONFLICT (post_id, viewer) DO NOTHING RETURNING post_id"
    if connection.vendor == "postgresql":
        # The whole batch as three arrays in one statement: a VALUES list of thousands of
        # placeholders cost more to put together than to run.
        sql = (
            f"INSERT INTO {table} (post_id, viewer, first_seen_at)"  # noqa: S608 - our table
            " SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::timestamptz[]) " + returning
        )
        columns: list[Any] = [[p for (p, _v), _a in rows], [v for (_p, v), _a in rows]]
        columns.append([a for _k, a in rows])
        with connection.cursor() as cursor:
            cursor.execute(sql, columns)
            reach.update(row[0] for row in cursor.fetchall())
        return reach
    for chunk in _chunks(rows):
        placeholders = ", ".join(["(%s, %s, %s)"] * len(chunk))
        params: list[Any] = []
        for (post_id, viewer), at in chunk:
            params += [post_id, viewer, at]
        sql = (
            f"INSERT INTO {table} (post_id, viewer, first_seen_at) VALUES {placeholders} "  # noqa: S608
            + returning
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            reach.update(row[0] for row in cursor.fetchall())
    return reach


def _add_to_counters(post_model: Any, impressions: Counter[int], reach: Counter[int]) -> None:
    """One UPDATE per distinct pair of increments (a batch has few: most posts get +n, +m)."""
    by_increment: dict[tuple[int, int], list[int]] = defaultdict(list)
    for post_id, count in impressions.items():
        by_increment[count, reach[post_id]].append(post_id)
    for (shown, new_viewers), ids in sorted(by_increment.items()):
        for chunk in _chunks(sorted(ids)):
            post_model._default_manager.filter(pk__in=chunk).update(
                impression_count=F("impression_count") + shown,
                reach_count=F("reach_count") + new_viewers,
            )


# -- the buffers ------------------------------------------------------------------------------


class DatabaseBuffer:
    """Page views as rows of `ImpressionBuffer`: one INSERT per page view."""

    def append(self, view: PageView) -> None:
        ImpressionBuffer.objects.create(
            viewer=view.viewer,
            user_id=view.user_id,
            platform=view.platform,
            post_ids=joined_ids(view.post_ids),
            at=view.at,
        )

    def flush_batch(self, limit: int) -> Flushed:
        """Apply and delete up to `limit` buffered page views."""
        if not ImpressionBuffer.objects.exists():
            return NOTHING  # an idle worker takes no write lock (SQLite) and opens no transaction
        with transaction.atomic():
            rows = ImpressionBuffer.objects.order_by("pk")
            if connection.features.has_select_for_update_skip_locked:
                # Two flushes take disjoint batches; a dead flush's locks go with its connection.
                rows = rows.select_for_update(skip_locked=True)
            batch = list(rows[:limit])
            if not batch:
                return NOTHING
            views = [
                PageView(
                    row.viewer,
                    row.user_id,
                    row.platform,
                    tuple(ids_of(row.post_ids)),
                    row.at,
                )
                for row in batch
            ]
            written = write_batch(views)
            self.acknowledge([row.pk for row in batch])
            return Flushed(len(views), written, drained=len(views) < limit)

    def acknowledge(self, ids: list[int]) -> None:
        # In the batch's transaction: the rows go exactly when its writes are committed.
        ImpressionBuffer.objects.filter(pk__in=ids).delete()

    def pending(self) -> int:
        return ImpressionBuffer.objects.count()


# Move up to ARGV[1] page views from the buffer list to a claim list named by the batch id and
# note the claim's time in a sorted set, atomically: nothing is in two places or in none.
_CLAIM = """
local items = redis.call('lrange', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items == 0 then return items end
redis.call('ltrim', KEYS[1], #items, -1)
for start = 1, #items, 1000 do
  redis.call('rpush', KEYS[3], unpack(items, start, math.min(start + 999, #items)))
end
redis.call('zadd', KEYS[2], ARGV[2], ARGV[3])
return items
"""
# Take over the oldest claim not renewed since ARGV[1]: renewing its time in the same script means
# two flushes never take over the same claim at once.
_TAKE_OVER = """
local ids = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1)
if #ids == 0 then return false end
redis.call('zadd', KEYS[1], ARGV[2], ids[1])
return ids[1]
"""


# A page view's RPUSH as Redis's protocol writes it (packed here: the client's own packing was a
# tenth of an append's time).
_RPUSH = b"*3\r\n$5\r\nRPUSH\r\n$%d\r\n%b\r\n$%d\r\n%b\r\n"


def _sized(text: str) -> tuple[int, bytes]:
    data = text.encode()
    return len(data), data


@cache
def _redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url)


class _Appends(threading.local):
    """This thread's own Redis connection for appends, and the append whose reply is unread.

    A page view's RPUSH is sent without waiting for Redis's answer (a round trip, about a tenth
    of a millisecond here, on every page that shows posts); the answer is read before the next
    append, the next flush or count of this process. Redis applies the RPUSH whether or not it
    is read; reading it only tells whether Redis refused it.
    """

    url = ""
    pid = 0
    connection: Any = None
    unread: PageView | None = None


_appends = _Appends()


def _append_connection(url: str) -> Any:
    if _appends.connection is None or _appends.url != url or _appends.pid != os.getpid():
        _drop_append_connection()
        pool = _redis_client(url).connection_pool
        _appends.connection = pool.connection_class(**pool.connection_kwargs)
        _appends.url, _appends.pid = url, os.getpid()
    return _appends.connection


def _drop_append_connection() -> None:
    connection, _appends.connection = _appends.connection, None
    # A connection made by another process (before a fork) is that process's to close.
    if connection is not None and _appends.pid == os.getpid():
        connection.disconnect()


def settle_appends() -> None:
    """Read the answer to this thread's last append: when this returns, the page view is in
    Redis, or (Redis refused it or went away before answering) in the database buffer."""
    import redis

    view, _appends.unread = _appends.unread, None
    if view is None or _appends.pid != os.getpid():
        return  # nothing sent, or sent by the process this one was forked from: its to read
    try:
        _appends.connection.read_response()
    except redis.RedisError:
        logger.warning(
            "impression buffer: Redis did not take a page view, buffering it in the database"
        )
        _drop_append_connection()
        DatabaseBuffer().append(view)


class RedisBuffer:
    """Page views in a Redis list: one RPUSH per page view; batches claimed by a Lua script."""

    def __init__(self, url: str, prefix: str) -> None:
        self.url = url
        self.client = _redis_client(url)
        self.queue = f"{prefix}buffer"
        self.queue_key = self.queue.encode()
        self.claims = f"{prefix}claims"
        self.prefix = prefix

    def _batch_key(self, batch_id: str) -> str:
        return f"{self.prefix}batch:{batch_id}"

    def append(self, view: PageView) -> None:
        """Send the view's RPUSH; its answer is read later (`settle_appends`)."""
        import redis

        settle_appends()
        try:
            packed = _RPUSH % (len(self.queue_key), self.queue_key, *_sized(view.to_json()))
            _append_connection(self.url).send_packed_command([packed], check_health=False)
        except redis.RedisError:
            # Redis is away: the view still counts, through the database buffer.
            logger.warning("impression buffer: Redis failed, buffering in the database")
            _drop_append_connection()
            DatabaseBuffer().append(view)
        else:
            _appends.unread = view

    def flush_batch(self, limit: int) -> Flushed:
        """Apply one stale claim, else claim and apply up to `limit` page views."""
        now = timezone.now().timestamp()
        stale_before = now - int_setting("IMPRESSIONS_CLAIM_STALE_SECONDS")
        taken = self.client.eval(_TAKE_OVER, 1, self.claims, stale_before, now)
        drained = False  # a claim taken over says nothing of what waits behind it
        if taken:
            batch_id = taken.decode()
            items = self.client.lrange(self._batch_key(batch_id), 0, -1)
        else:
            batch_id = uuid.uuid4().hex
            keys = (self.queue, self.claims, self._batch_key(batch_id))
            items = self.client.eval(_CLAIM, 3, *keys, limit, now, batch_id)
            if not items:
                return NOTHING
            drained = len(items) < limit
        written = self.apply(batch_id, PageView.all_from_json(items))
        self.acknowledge(batch_id)
        return Flushed(len(items), written, drained)

    def apply(self, batch_id: str, views: list[PageView]) -> int:
        """Write the batch unless its id is already recorded as applied (then write nothing)."""
        with transaction.atomic():
            try:
                with transaction.atomic():
                    AppliedImpressionBatch.objects.create(batch_id=batch_id)
            except IntegrityError:
                return 0  # applied by a flush that died before dropping its claim
            return write_batch(views)

    def acknowledge(self, batch_id: str) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(self._batch_key(batch_id))
        pipe.zrem(self.claims, batch_id)
        pipe.execute()

    def pending(self) -> int:
        waiting = int(self.client.llen(self.queue))
        for batch_id in self.client.zrange(self.claims, 0, -1):
            waiting += int(self.client.llen(self._batch_key(batch_id.decode())))
        return waiting


def _configured_redis() -> RedisBuffer | None:
    """The Redis buffer when the settings choose it (they are read once: every page that shows
    posts asks)."""
    url, communa = settings.REDIS_URL, settings.COMMUNA
    if communa["IMPRESSIONS_BUFFER"] == "redis" and url:
        return _redis_buffer(url, communa["IMPRESSIONS_REDIS_PREFIX"])
    return None


@cache
def _redis_buffer(url: str, prefix: str) -> RedisBuffer:
    return RedisBuffer(url, prefix)


def redis_configured() -> bool:
    return _configured_redis() is not None


def default_buffer() -> DatabaseBuffer | RedisBuffer:
    """The buffer page views go to: Redis when configured, else the database."""
    return _configured_redis() or DatabaseBuffer()


def all_buffers() -> Iterable[DatabaseBuffer | RedisBuffer]:
    """Every buffer that may hold views: the database one always (Redis falls back to it)."""
    yield DatabaseBuffer()
    redis = _configured_redis()
    if redis is not None:
        yield redis


def buffer_page_view(viewer: Viewer, post_ids: Sequence[int]) -> None:
    """Append one page view to the buffer: the only write a page makes for its impressions."""
    view = PageView(viewer.key, viewer.user_id, viewer.platform, tuple(post_ids), timezone.now())
    default_buffer().append(view)


def flush_impressions(*, max_batches: int | None = None) -> int:
    """Apply buffered page views batch by batch until a batch takes what was left (what comes
    meanwhile waits for the next flush); return the impressions written. Safe to run in several
    processes at once and to kill at any point."""
    limit = int_setting("IMPRESSIONS_FLUSH_BATCH")
    written = 0
    batches = 0
    settle_appends()  # this process's own last page view is in a buffer before the flush
    for buffer in all_buffers():
        while max_batches is None or batches < max_batches:
            done = buffer.flush_batch(limit)
            if done.views == 0:
                break
            batches += 1
            written += done.written
            if done.drained:
                # The claim took what was left: what came since waits for the next flush, in a
                # fuller batch. Chasing it drained the buffer a few page views at a time, with
                # the batch's fixed statements for each few (the worker's CPU 4x under load).
                break
    if redis_configured():
        AppliedImpressionBatch.objects.filter(
            applied_at__lt=timezone.now() - _APPLIED_KEPT
        ).delete()
    return written


def pending_page_views() -> int:
    """Page views waiting in the buffers (for the operator and the tests)."""
    settle_appends()
    return sum(buffer.pending() for buffer in all_buffers())
