"""Impressions benchmark: what a page pays to record its impressions, and how fast the worker
writes buffered ones (docs/performance.md, "Impressions off the request path").

Run with `make bench-impressions`, or directly with COMMUNA_DATABASE_URL pointing at a PostgreSQL
database (made and migrated if needed; the figures in the docs are PostgreSQL's) and, for the
Redis buffer, COMMUNA_REDIS_URL. It times `record_impressions` for a page of 30 posts in direct
mode and in buffered mode (database buffer, Redis buffer), then fills each buffer with page views
and times `flush_impressions` (impressions written per second).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from itertools import count
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communa.settings")
os.environ.setdefault("COMMUNA_VAR_DIR", "var/bench")
for _name in ("PER_HOUR", "NEW_PER_HOUR", "NEW_PER_IP_PER_HOUR"):
    os.environ.setdefault(f"COMMUNA_RATE_POST_{_name}", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from communa.accounts.models import User  # noqa: E402
from communa.analytics.impressions import flush_impressions, pending_page_views  # noqa: E402
from communa.analytics.ingest import Viewer, record_impressions  # noqa: E402
from communa.communities.actions import create_community  # noqa: E402
from communa.communities.models import Community  # noqa: E402
from communa.walls.actions.posts import create_post  # noqa: E402
from communa.walls.models import Post  # noqa: E402

PAGE = 30
REPEATS = int(os.environ.get("BENCH_REPEATS", "200"))
FLUSH_PAGE_VIEWS = int(os.environ.get("BENCH_FLUSH_PAGE_VIEWS", "2000"))
_keys = count()


def median_ms(call: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, float]:
    """Median and 95th percentile wall time of a call in milliseconds, after a warm-up."""
    for _ in range(10):
        call()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def page_of_posts() -> list[Post]:
    community = Community.objects.filter(slug="bench-impressions").first()
    if community is None:
        owner = User.objects.create_user(username="bench_impressions", password=None)
        community = create_community(
            actor=owner, data={"name": "Bench impressions", "slug": "bench-impressions"}
        )
        for i in range(PAGE):
            create_post(actor=owner, community=community, data={"body": f"Post {i}"})
    return list(Post.objects.filter(community=community).order_by("-pk")[:PAGE])


def use(mode: str, buffer: str = "database") -> None:
    settings.COMMUNA["IMPRESSIONS_MODE"] = mode
    settings.COMMUNA["IMPRESSIONS_BUFFER"] = buffer


def new_viewer() -> Viewer:
    # A first view every time: the costly case of direct mode (a new PostViewer row per post).
    return Viewer(user_id=None, key=f"vbench{os.getpid()}x{next(_keys)}", platform="web")


def time_recording(posts: list[Post], label: str) -> None:
    first, first_p95 = median_ms(lambda: record_impressions(new_viewer(), posts))
    again_viewer = new_viewer()
    again, again_p95 = median_ms(lambda: record_impressions(again_viewer, posts))
    print(
        f"| {label} | {first:.2f} | {first_p95:.2f} | {again:.2f} | {again_p95:.2f} |", flush=True
    )


def time_flush(posts: list[Post], label: str) -> None:
    flush_impressions()  # what the timings above left
    viewers = [new_viewer() for _ in range(FLUSH_PAGE_VIEWS // 2)]
    for viewer in viewers * 2:  # each viewer twice: half of the impressions add reach
        record_impressions(viewer, posts)
    waiting = pending_page_views()
    start = time.perf_counter()
    written = flush_impressions()
    seconds = time.perf_counter() - start
    print(
        f"| {label} | {waiting:,} | {written:,} | {seconds:.2f} | {written / seconds:,.0f} |",
        flush=True,
    )


def main() -> int:
    call_command("migrate", interactive=False, verbosity=0)
    posts = page_of_posts()
    redis_url = settings.REDIS_URL
    settings.COMMUNA["IMPRESSIONS_REDIS_PREFIX"] = "bench:imp:"
    print(f"Database: {connection.vendor}; Redis: {redis_url or 'not configured'}")
    print(f"record_impressions of a page of {PAGE} posts, ms (median, p95 of {REPEATS} calls):")
    print("| mode | first view | p95 | repeat view | p95 |")
    print("|---|---|---|---|---|")
    use("direct")
    time_recording(posts, "direct (3 statements, a transaction)")
    use("buffered", "database")
    time_recording(posts, "buffered, database buffer (1 INSERT)")
    if redis_url:
        use("buffered", "redis")
        time_recording(posts, "buffered, Redis buffer (1 RPUSH)")
    print()
    print(f"flush_impressions of {FLUSH_PAGE_VIEWS:,} page views of {PAGE} posts:")
    print("| buffer | page views | impressions | seconds | impressions/s |")
    print("|---|---|---|---|---|")
    use("buffered", "database")
    time_flush(posts, "database")
    if redis_url:
        use("buffered", "redis")
        time_flush(posts, "Redis")
    return 0


if __name__ == "__main__":
    sys.exit(main())
