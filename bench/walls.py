"""Walls benchmark: feed and wall pages, impression recording and likes on a large wall history.

Run with `make bench-walls` (SQLite in var/bench) or with COMMUNA_DATABASE_URL pointing at an
empty PostgreSQL database. It builds communities and posts with bulk inserts, then times the
selectors and actions the pages and the API call, and prints the figures (median of repeats).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communa.settings")
os.environ.setdefault("COMMUNA_VAR_DIR", "var/bench")
# Timing writes, not the hourly write limits (R5.5): one account writes hundreds here.
for _kind in ("COMMENT", "LIKE"):
    for _name in ("PER_HOUR", "NEW_PER_HOUR", "NEW_PER_IP_PER_HOUR"):
        os.environ.setdefault(f"COMMUNA_RATE_{_kind}_{_name}", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from communa.accounts.models import User  # noqa: E402
from communa.analytics.ingest import Viewer, record_impressions  # noqa: E402
from communa.communities.actions import create_community  # noqa: E402
from communa.communities.models import (  # noqa: E402
    Community,
    Membership,
    Rubric,
)
from communa.moderation.filters import detect_language  # noqa: E402
from communa.walls.actions.comments import add_comment  # noqa: E402
from communa.walls.actions.interactions import like_post  # noqa: E402
from communa.walls.models import Post, PostStatus  # noqa: E402
from communa.walls.selectors import feed_page, wall_page  # noqa: E402

COMMUNITIES = int(os.environ.get("BENCH_COMMUNITIES", "20"))
POSTS_PER_COMMUNITY = int(os.environ.get("BENCH_POSTS", "5000"))
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "500"))
PAGE = 30


def median_ms(call: Callable[[], Any], repeats: int = 15) -> float:
    """Median wall time of a call in milliseconds, after one warm-up run."""
    call()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def build() -> tuple[User, list[Community], list[User]]:
    """Communities with long wall histories and members who belong to half of them."""
    if Community.objects.filter(slug="bench-0").exists():
        owner = User.objects.get(username="bench_owner")
        members = list(User.objects.filter(username__startswith="bench_m"))
        return owner, list(Community.objects.filter(slug__startswith="bench-")), members
    owner = User.objects.create_user(username="bench_owner", password=None)
    members = User.objects.bulk_create(
        User(username=f"bench_m{i}", password="!")  # noqa: S106 — "!" is unusable
        for i in range(MEMBERS)
    )
    communities = [
        create_community(actor=owner, data={"name": f"Bench {i}", "slug": f"bench-{i}"})
        for i in range(COMMUNITIES)
    ]
    Membership.objects.bulk_create(
        Membership(community=c, user=m)
        for index, c in enumerate(communities)
        for m in members
        if (m.pk + index) % 2 == 0
    )
    now = timezone.now()
    for c in communities:
        rubric = Rubric.objects.filter(community=c).first()
        Post.objects.bulk_create(
            (
                Post(
                    community=c,
                    author=owner,
                    body=f"Post {n} of {c.slug}",
                    body_html=f"<p>Post {n} of {c.slug}</p>",
                    rubric=rubric,
                    tone="functional",
                    status=PostStatus.PUBLISHED,
                    created_at=now - timedelta(minutes=n * 7 + c.pk),
                    published_at=now - timedelta(minutes=n * 7 + c.pk),
                )
                for n in range(POSTS_PER_COMMUNITY)
            ),
            batch_size=2000,
        )
    return owner, communities, members


def main() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    _owner, communities, members = build()
    built = time.perf_counter() - started
    with connection.cursor() as cursor:
        # Fresh bulk inserts have no statistics yet; autovacuum would gather them in production.
        cursor.execute("ANALYZE")
    reader = members[0]
    total = Post.objects.count()
    print(f"database: {connection.vendor}; posts: {total}; communities: {len(communities)}")
    print(f"set-up: {built:.1f} s")

    first = feed_page(actor=reader, cursor=None, limit=PAGE)
    cursor = first.next_cursor
    for _ in range(50):  # walk 50 pages deep for the deep-page figure
        cursor = feed_page(actor=reader, cursor=cursor, limit=PAGE).next_cursor
    deep_cursor = cursor
    wall = communities[0]

    rows = [
        (
            "feed, first page (30 posts)",
            lambda: list(feed_page(actor=reader, cursor=None, limit=PAGE).items),
        ),
        (
            "feed, page 51",
            lambda: list(feed_page(actor=reader, cursor=deep_cursor, limit=PAGE).items),
        ),
        (
            "wall, first page",
            lambda: list(wall_page(actor=reader, community=wall, cursor=None, limit=PAGE).items),
        ),
    ]
    for label, call in rows:
        print(f"{label:<40} {median_ms(call):8.2f} ms")

    page_posts = list(first.items)
    counter = iter(range(10**9))

    def impressions() -> None:
        viewer = Viewer(user_id=None, key=f"vbench{next(counter)}", platform="web")
        record_impressions(viewer, page_posts)

    per_page = median_ms(impressions, repeats=40)
    print(f"{'record impressions of one page (30)':<40} {per_page:8.2f} ms")

    likers = [m for m in members if Membership.objects.filter(user=m, community=wall).exists()]
    target = Post.objects.filter(community=wall).order_by("-published_at").first()
    assert target is not None
    start = time.perf_counter()
    for member in likers[:200]:
        like_post(actor=member, post=target)
    elapsed = time.perf_counter() - start
    done = min(len(likers), 200)
    print(f"{'likes, one after another':<40} {done / elapsed:8.0f} likes/s ({done} likes)")

    # Comments through the action: a member's go through the automatic checks (R5.1: obscene
    # words, links, stop words, language, and the author's recent texts for repeats and bursts);
    # the owner's are the team's and skip them. One comment per member, so no burst is held.
    texts = [
        "Great recipe, thank you! I will try it on Sunday with my kids.",
        "Спасибо, получилось с первого раза, тесто поднялось отлично.",
        "Дякую за рецепт, додала трохи більше кориці і вийшло чудово.",
        "Cảm ơn công thức, bánh mì giòn và thơm lắm!",
        "Terima kasih, resepi ini sangat mudah dan sedap.",
    ]
    checked = likers[200:400] or likers[:200]
    detect_language(texts[1])  # load the language models before timing (once per process)
    start = time.perf_counter()
    for index, member in enumerate(checked):
        add_comment(actor=member, post=target, body=f"{texts[index % len(texts)]} #{index}")
    member_rate = len(checked) / (time.perf_counter() - start)
    owner = _owner
    start = time.perf_counter()
    for index in range(len(checked)):
        add_comment(actor=owner, post=target, body=f"{texts[index % len(texts)]} #{index}")
    team_rate = len(checked) / (time.perf_counter() - start)
    print(f"{'comments by members (checked)':<40} {member_rate:8.0f} comments/s ({len(checked)})")
    print(f"{'team comments (not checked)':<40} {team_rate:8.0f} comments/s ({len(checked)})")


if __name__ == "__main__":
    sys.exit(main())
