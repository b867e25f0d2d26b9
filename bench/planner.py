"""`make bench-planner`: 10,000 scheduled posts in 100 communities, all due at the same moment,
published by 1, 2 and 4 `communa worker` processes; then by 4 while another process SIGKILLs a
random worker every few seconds and starts a new one.

For each run it prints the seconds from the due minute until the last post is published, the
p50 and p99 lateness (published_at − scheduled_at), and the counts of duplicates (a post
published more than once, read from its history) and missing posts (not published when the run
ends). Nothing here is asserted as a timing: the figures go into docs/performance.md.

PostgreSQL (COMMUNA_DATABASE_URL, by default the database communa_bench_planner, made and
migrated when missing). BENCH_POSTS, BENCH_COMMUNITIES, BENCH_WORKERS ("1,2,4"),
BENCH_KILL_EVERY (seconds, 3) and BENCH_TIMEOUT (seconds, 240) change the run.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = os.environ.get("BENCH_DB_NAME", "communa_bench_planner")
os.environ.setdefault("COMMUNA_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communa.settings")
os.environ.setdefault("COMMUNA_VAR_DIR", str(ROOT / "var" / "bench-planner"))
os.environ.setdefault("COMMUNA_COMMUNITIES_PER_USER", "100000")

POSTS = int(os.environ.get("BENCH_POSTS", "10000"))
COMMUNITIES = int(os.environ.get("BENCH_COMMUNITIES", "100"))
WORKERS = [int(n) for n in os.environ.get("BENCH_WORKERS", "1,2,4").split(",") if n]
KILL_EVERY = float(os.environ.get("BENCH_KILL_EVERY", "3"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "240"))
LEAD_SECONDS = 15  # the workers start this long before the due minute


def _ensure_database() -> None:
    url = os.environ["COMMUNA_DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("bench-planner runs on PostgreSQL: set COMMUNA_DATABASE_URL")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    name = url.rsplit("/", 1)[1]
    subprocess.run(
        ["psql", admin, "-qc", f"CREATE DATABASE {name}"], capture_output=True, check=False
    )


_ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from communa.accounts.models import User  # noqa: E402
from communa.communities.actions import create_community  # noqa: E402
from communa.communities.models import Community  # noqa: E402
from communa.walls.models import Post, PostStatus, PostTransition  # noqa: E402


def log(message: str) -> None:
    print(message, flush=True)


def build() -> list[int]:
    """The communities and posts (made once, kept between runs); the posts' ids."""
    call_command("migrate", verbosity=0)
    owner = User.objects.filter(username="bench_planner").first()
    if owner is None:
        owner = User.objects.create_user(username="bench_planner", password=None)
    have = Community.objects.filter(slug__startswith="planner-").count()
    for index in range(have, COMMUNITIES):
        create_community(actor=owner, data={"name": f"Planner {index}", "slug": f"planner-{index}"})
    communities = list(
        Community.objects.filter(slug__startswith="planner-").values_list("pk", flat=True)
    )
    existing = Post.objects.filter(community_id__in=communities).count()
    if existing < POSTS:
        Post.objects.bulk_create(
            Post(
                community_id=communities[i % len(communities)],
                author=owner,
                signed_as="community",
                body=f"Planned post {i}",
                body_html=f"<p>Planned post {i}</p>",
                status=PostStatus.DRAFT,
            )
            for i in range(existing, POSTS)
        )
    return list(
        Post.objects.filter(community_id__in=communities)
        .order_by("id")
        .values_list("pk", flat=True)[:POSTS]
    )


def reset(ids: list[int]) -> timezone.datetime:
    """Every post scheduled again for one moment, LEAD_SECONDS from now: the hardest case of
    "due in the same minute" (a burst at 09:00:00, as every plan's slots fall on the hour)."""
    now = timezone.now()
    due = (now + timedelta(seconds=LEAD_SECONDS)).replace(microsecond=0)
    PostTransition.objects.filter(post_id__in=ids).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE walls_post SET status = 'scheduled', published_at = NULL,
                   publish_claim = '', publish_claimed_at = NULL, publish_attempts = 0,
                   publish_error = '',
                   scheduled_at = %s
            WHERE id = ANY(%s)
            """,
            [due, ids],
        )
    return due


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "communa", "worker", "--verbosity", "0"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def run(ids: list[int], workers: int, *, chaos: bool) -> dict[str, float | int | str]:
    due = reset(ids)
    env = {
        **os.environ,
        "COMMUNA_PUBLISH_SECONDS": "1",
        "COMMUNA_IMPRESSIONS_MODE": "direct",
    }
    processes = [start_worker(env) for _ in range(workers)]
    kills = 0
    deadline = time.monotonic() + LEAD_SECONDS + TIMEOUT
    next_kill = time.monotonic() + LEAD_SECONDS + KILL_EVERY
    try:
        while time.monotonic() < deadline:
            left = Post.objects.filter(pk__in=ids).exclude(status=PostStatus.PUBLISHED).count()
            if left == 0:
                break
            if chaos and time.monotonic() >= next_kill:
                victim = random.randrange(len(processes))
                processes[victim].send_signal(signal.SIGKILL)
                processes[victim].wait()
                processes[victim] = start_worker(env)
                kills += 1
                next_kill = time.monotonic() + KILL_EVERY
            time.sleep(0.2)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    published = list(
        Post.objects.filter(pk__in=ids, status=PostStatus.PUBLISHED).values_list(
            "scheduled_at", "published_at"
        )
    )
    lateness = sorted((out - at).total_seconds() for at, out in published)
    last = max((out for _at, out in published), default=due)
    duplicates = (
        PostTransition.objects.filter(post_id__in=ids, to_status=PostStatus.PUBLISHED)
        .values("post_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    return {
        "workers": f"{workers}, a SIGKILL every {KILL_EVERY:g} s" if chaos else str(workers),
        "last": (last - due).total_seconds(),
        "p50": statistics.median(lateness) if lateness else float("nan"),
        "p99": lateness[max(0, int(len(lateness) * 0.99) - 1)] if lateness else float("nan"),
        "duplicates": duplicates,
        "missing": len(ids) - len(published),
        "kills": kills,
    }


def main() -> int:
    started = time.monotonic()
    ids = build()
    log(
        f"{len(ids)} scheduled posts in {COMMUNITIES} communities, all due at the same moment"
        f" (prepared in {time.monotonic() - started:.1f} s);"
        f" PostgreSQL {connection.settings_dict['NAME']}."
    )
    results = []
    for workers in WORKERS:
        results.append(run(ids, workers, chaos=False))
        log(f"  measured: {workers} worker(s)")
    results.append(run(ids, max(WORKERS), chaos=True))
    log(f"  measured: {max(WORKERS)} workers with kills")
    log("")
    log(
        "| workers | last post out, s after the due moment | p50 lateness s | p99 lateness s"
        " | duplicates | missing |"
    )
    log("|---|---|---|---|---|---|")
    for r in results:
        log(
            f"| {r['workers']} | {r['last']:.1f} | {r['p50']:.1f} | {r['p99']:.1f}"
            f" | {r['duplicates']} | {r['missing']} |"
        )
    chaos = results[-1]
    log(f"\nWorkers killed during the last run: {chaos['kills']}.")
    failed = any(r["duplicates"] or r["missing"] for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
