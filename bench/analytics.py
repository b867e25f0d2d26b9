"""`make bench-analytics`: the statistics on a large first-party data set (R9).

On PostgreSQL (COMMUNA_DATABASE_URL; by default the database communa_bench_analytics, made and
migrated when missing) it generates, with COPY and never the ORM, BENCH_MEMBERS people (100,000),
BENCH_POSTS posts (20,000) in BENCH_COMMUNITIES communities (50; the first, "big", holds 40 % of
everything) and BENCH_EVENTS raw events (10,000,000) over 400 days; then it

1. rolls every event up from an empty watermark and prints the rollup's throughput (events/s);
2. requests the dashboard and the post table of the big community through the API (the full
   request: routing, permission, query functions, JSON), BENCH_REQUESTS (30) times for 30, 90
   and 365-day periods, and prints p50 and p95;
3. appends BENCH_NEW_EVENTS (1,000,000) events and prints how long the rollup takes to catch up.

The data stay between runs (BENCH_FRESH=1 rebuilds them); step 1 starts from a reset watermark
each run (BENCH_KEEP_ROLLUPS=1 keeps the last run's cells and skips it). After each rollup the
tables are vacuumed, as autovacuum does (migration 0010 makes it prompt on these tables).
Timings are printed here, never asserted in tests: docs/performance.md records them.
"""

from __future__ import annotations

import bisect
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = os.environ.get("BENCH_DB_NAME", "communa_bench_analytics")
os.environ.setdefault("COMMUNA_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communa.settings")
os.environ.setdefault("COMMUNA_VAR_DIR", str(ROOT / "var" / "bench-analytics"))
os.environ.setdefault("COMMUNA_COMMUNITIES_PER_USER", "100000")
os.environ["COMMUNA_ROLLUP_SETTLE_SECONDS"] = "0"
os.environ.setdefault("COMMUNA_ROLLUP_BATCH", "50000")

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "100000"))
POSTS = int(os.environ.get("BENCH_POSTS", "20000"))
COMMUNITIES = int(os.environ.get("BENCH_COMMUNITIES", "50"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "10000000"))
NEW_EVENTS = int(os.environ.get("BENCH_NEW_EVENTS", "1000000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
DAYS = 400
BIG_SHARE = 0.4
SEED = 20261205


def _ensure_database() -> None:
    url = os.environ["COMMUNA_DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("bench-analytics runs on PostgreSQL: set COMMUNA_DATABASE_URL")
    admin, name = url.rsplit("/", 1)[0] + "/postgres", url.rsplit("/", 1)[1]
    if os.environ.get("BENCH_FRESH"):
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=False)
    subprocess.run(
        ["psql", admin, "-qc", f"CREATE DATABASE {name}"], capture_output=True, check=False
    )


_ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.test import Client  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

from communa.accounts.models import User  # noqa: E402
from communa.analytics.models import Event, RollupState  # noqa: E402
from communa.analytics.rollups import roll_up  # noqa: E402
from communa.communities.actions import create_community  # noqa: E402
from communa.communities.models import Community, Membership, MembershipEvent  # noqa: E402
from communa.walls.models import Post  # noqa: E402

NOW = datetime.now(UTC).replace(microsecond=0)
START = NOW - timedelta(days=DAYS)
KINDS = [
    ("impression", 0.80),
    ("like", 0.12),
    ("unlike", 0.01),
    ("comment", 0.03),
    ("share", 0.015),
    ("hide", 0.005),
    ("report", 0.002),
    ("link_click", 0.018),
]
PLATFORMS = [("web", 0.55), ("mobile_web", 0.40), ("api", 0.05)]


def log(message: str) -> None:
    print(message, flush=True)


def copy_rows(model: type[models.Model], rows, columns: list[str]) -> int:
    """COPY rows into the model's table: every concrete field not in `columns` gets its
    default (the database has no defaults of its own for Django's)."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (isinstance(f, models.AutoField) or (f.primary_key and f.name == "id"))
    ]
    names = [f.column for f in fields]
    defaults = {}
    for f in fields:
        if f.column in columns:
            continue
        value = f.get_default()
        if isinstance(f, models.JSONField):
            value = Jsonb(value)
        defaults[f.column] = value
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {model._meta.db_table} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                values = dict(zip(columns, row, strict=True))
                copy.write_row([values[n] if n in values else defaults[n] for n in names])
                count += 1
    return count


def _pick(rng: random.Random, weighted: list[tuple[str, float]], n: int) -> list[str]:
    return rng.choices([k for k, _w in weighted], weights=[w for _k, w in weighted], k=n)


def build() -> None:
    call_command("migrate", verbosity=0)
    if Community.objects.filter(slug="big-brand").exists():
        log("data: kept from an earlier run (BENCH_FRESH=1 rebuilds)")
        return
    rng = random.Random(SEED)
    began = time.perf_counter()
    owner = User.objects.create_user(username="bench_analyst", password=None)
    slugs = ["big-brand", *[f"community-{n}" for n in range(1, COMMUNITIES)]]
    for slug in slugs:
        create_community(actor=owner, data={"name": slug.title(), "slug": slug, "privacy": "open"})
    communities = dict(Community.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    genders = ["female", "male", "other", ""]
    countries = ["RU", "UA", "VN", "MY", "DE", ""]
    copy_rows(
        User,
        (
            (
                f"m{n}",
                "!",
                rng.choice(genders),
                rng.choice([None, *range(1950, 2008)]),
                rng.choice(countries),
                START,
            )
            for n in range(MEMBERS)
        ),
        ["username", "password", "gender", "birth_year", "country", "date_joined"],
    )
    people = list(User.objects.filter(username__startswith="m").values_list("pk", flat=True))
    big = communities["big-brand"]
    members: dict[int, list[int]] = {pk: [] for pk in communities.values()}
    joins = []
    for user_id in people:
        chosen = {big} if rng.random() < 0.6 else set()
        chosen |= set(rng.sample(list(communities.values()), rng.choice([1, 1, 2])))
        for community_id in chosen:
            at = START + timedelta(seconds=rng.randrange(DAYS * 86400))
            members[community_id].append(user_id)
            joins.append((community_id, user_id, at))
    copy_rows(
        Membership,
        ((c, u, at, "member", rng.choice(["direct", "search", "catalog"])) for c, u, at in joins),
        ["community_id", "user_id", "joined_at", "role", "source"],
    )
    copy_rows(
        MembershipEvent,
        ((c, u, "join", "direct", at) for c, u, at in joins),
        ["community_id", "user_id", "kind", "source", "at"],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE communities_community c SET member_count = "
            "(SELECT count(*) FROM communities_membership m WHERE m.community_id = c.id)"
        )
    log(f"data: {len(people):,} members, {len(joins):,} memberships")
    others = [pk for pk in communities.values() if pk != big]
    posts = []
    for n in range(POSTS):
        community_id = big if rng.random() < BIG_SHARE else rng.choice(others)
        posts.append((community_id, START + timedelta(seconds=rng.randrange(DAYS * 86400)), n))
    copy_rows(
        Post,
        ((c, owner.pk, f"Post {n}", f"<p>Post {n}</p>", "published", at, at) for c, at, n in posts),
        ["community_id", "author_id", "body", "body_html", "status", "published_at", "created_at"],
    )
    by_community: dict[int, list[tuple[int, datetime]]] = {pk: [] for pk in communities.values()}
    for pk, community_id, at in Post.objects.values_list("pk", "community_id", "published_at"):
        by_community[community_id].append((pk, at))
    log(f"data: {POSTS:,} posts")
    added = append_events(
        rng, EVENTS, big=big, others=others, by_community=by_community, members=members
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE walls_post p SET impression_count = s.i, like_count = s.l, comment_count = s.c,
                   share_count = s.s, hide_count = s.h, report_count = s.r,
                   link_click_count = s.k, reach_count = s.v
            FROM (SELECT post_id,
                         count(*) FILTER (WHERE kind = 'impression') AS i,
                         greatest(count(*) FILTER (WHERE kind = 'like')
                                  - count(*) FILTER (WHERE kind = 'unlike'), 0) AS l,
                         count(*) FILTER (WHERE kind = 'comment') AS c,
                         count(*) FILTER (WHERE kind = 'share') AS s,
                         count(*) FILTER (WHERE kind = 'hide') AS h,
                         count(*) FILTER (WHERE kind = 'report') AS r,
                         count(*) FILTER (WHERE kind = 'link_click') AS k,
                         count(DISTINCT viewer) FILTER (WHERE kind = 'impression') AS v
                  FROM analytics_event GROUP BY post_id) s
            WHERE p.id = s.post_id
            """
        )
        cursor.execute("ANALYZE")
    log(
        f"data: {added:,} events (none before a community's first post), "
        f"built in {time.perf_counter() - began:.0f} s"
    )


def append_events(rng, count, *, big, others, by_community, members, since=None) -> int:
    """COPY `count` events in time order from `since` (the data set's first day) to now, as
    ingestion appends them: 40 % in the big community, each on a post of its community
    published in the week before, by one of its members, by kind and platform shares."""
    since = since or START
    for posts in by_community.values():
        posts.sort(key=lambda post: post[1])
    moments = {pk: [at for _pk, at in posts] for pk, posts in by_community.items()}
    others = [pk for pk in others if by_community.get(pk)]
    chunk, written = 200_000, 0
    span = (NOW - since) / max(1, -(-count // chunk))
    window_start = since
    while written < count:
        n = min(chunk, count - written)
        kinds, platforms = _pick(rng, KINDS, n), _pick(rng, PLATFORMS, n)
        seconds = span.total_seconds()
        offsets = sorted(rng.random() * seconds for _ in range(n))

        def rows(n=n, kinds=kinds, platforms=platforms, offsets=offsets, base=window_start):
            for i in range(n):
                at = base + timedelta(seconds=offsets[i])
                community_id = big if rng.random() < BIG_SHARE else rng.choice(others)
                posts, times = by_community[community_id], moments[community_id]
                # a post published in the week before the event (else the latest before it)
                high = bisect.bisect_right(times, at)
                low = bisect.bisect_left(times, at - timedelta(days=7))
                if high == 0:
                    continue
                post_id = posts[rng.randrange(low, high) if low < high else high - 1][0]
                user_id = rng.choice(members[community_id])
                yield (kinds[i], community_id, post_id, user_id, f"u{user_id}", platforms[i], at)

        written += n
        copy_rows(
            Event,
            rows(),
            ["kind", "community_id", "post_id", "user_id", "viewer", "platform", "at"],
        )
        window_start += span
    return Event.objects.count()


def reset_rollups() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE analytics_communityday, analytics_postday, analytics_memberday, "
            "analytics_reachspan, analytics_joinday, analytics_postfacts"
        )
    RollupState.objects.all().delete()


def vacuum() -> None:
    """What autovacuum does after a large write: the visibility maps that let the statistics
    read their indexes alone, and fresh planner statistics."""
    with connection.cursor() as cursor:
        for table in (
            "analytics_communityday",
            "analytics_postday",
            "analytics_memberday",
            "analytics_reachspan",
            "analytics_joinday",
            "analytics_postfacts",
            "communities_membership",
            "walls_post",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


def timed_rollup() -> tuple[int, float]:
    began = time.perf_counter()
    total = 0
    while True:
        done = roll_up()
        total += done
        if done == 0:
            break
    return total, time.perf_counter() - began


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(client: Client, path: str) -> tuple[float, float]:
    times = []
    client.get(path)  # the first request warms the process, as a running server is
    for _ in range(REQUESTS):
        began = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            sys.exit(f"{path}: {response.status_code} {response.content[:300]!r}")
    return statistics.median(times), percentile(times, 0.95)


def main() -> None:
    build()
    events = Event.objects.count()
    if os.environ.get("BENCH_KEEP_ROLLUPS"):
        log("rollup: the cells of the last run are kept (BENCH_KEEP_ROLLUPS)")
    else:
        reset_rollups()
        log(f"rollup: {events:,} events from an empty watermark …")
        rolled, seconds = timed_rollup()
        log(f"rollup: {rolled:,} source rows in {seconds:.1f} s = {rolled / seconds:,.0f} rows/s")
        vacuum()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bench_analyst"))
    log("")
    log(f"{'request (big community, API)':<44} {'p50 ms':>8} {'p95 ms':>8}")
    for days in (30, 90, 365):
        p50, p95 = measure(client, f"/api/communities/big-brand/stats/dashboard?period={days}")
        log(f"{f'dashboard, {days} days':<44} {p50:>8.0f} {p95:>8.0f}")
    p50, p95 = measure(client, "/api/communities/big-brand/stats/posts")
    log(f"{'post table (latest 150 posts)':<44} {p50:>8.0f} {p95:>8.0f}")
    p50, p95 = measure(client, "/c/big-brand/statistics/?period=365")
    log(f"{'dashboard page (HTML), 365 days':<44} {p50:>8.0f} {p95:>8.0f}")
    log("")
    rng = random.Random(SEED + 1)
    big = Community.objects.get(slug="big-brand").pk
    others = list(Community.objects.exclude(pk=big).values_list("pk", flat=True))
    by_community: dict[int, list] = {}
    for pk, community_id, at in Post.objects.values_list("pk", "community_id", "published_at"):
        by_community.setdefault(community_id, []).append((pk, at))
    members: dict[int, list[int]] = {}
    for community_id, user_id in Membership.objects.values_list("community_id", "user_id"):
        members.setdefault(community_id, []).append(user_id)
    append_events(
        rng,
        NEW_EVENTS,
        big=big,
        others=others,
        by_community=by_community,
        members=members,
        since=NOW - timedelta(days=1),
    )
    rolled, seconds = timed_rollup()
    log(f"catch-up: {rolled:,} new events rolled up in {seconds:.1f} s")
    vacuum()
    # The appended events are kept out of the next run's data set.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM analytics_event WHERE id > %s", [events_max(events)])


def events_max(count: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM analytics_event ORDER BY id OFFSET %s LIMIT 1", [count - 1])
        row = cursor.fetchone()
    return row[0] if row else 0


if __name__ == "__main__":
    main()
