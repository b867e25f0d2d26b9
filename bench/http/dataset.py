"""The data set of `make bench-http`, built once into its own database and reused.

Run by `bench/http/run.py` with COMMUNA_DATABASE_URL set to the bench database. Communities are
made by the action (owner, default rubrics, audit entry); the bulk of the rows (members,
memberships, posts, the comments of one post, and 100,000 comments and 200,000 likes of members on
the other communities' posts) are bulk inserts with their counters set to the rows written, so
the exact-count check at the end starts from a consistent state.

It prints one JSON object: what the scenarios need (tokens, a session, slugs and post ids).
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communa.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Model, OuterRef, Subquery  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from communa.accounts.actions import hash_token  # noqa: E402
from communa.accounts.models import PersonalAccessToken, User  # noqa: E402
from communa.analytics.models import Event, EventKind, ShownPosts  # noqa: E402
from communa.analytics.rollups import roll_up_post_facts  # noqa: E402
from communa.communities.actions import create_community  # noqa: E402
from communa.communities.models import Community, Membership, Rubric  # noqa: E402
from communa.walls.models import Comment, CommentStatus, Like, Post, PostStatus  # noqa: E402

COMMUNITIES = int(os.environ.get("BENCH_COMMUNITIES", "100"))
POSTS = int(os.environ.get("BENCH_POSTS", "100000"))
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "10000"))
EACH_IN = int(os.environ.get("BENCH_COMMUNITIES_PER_MEMBER", "10"))
TOKENS = 1000  # distinct members who like, unlike and comment
COMMENTS_ON_ONE_POST = 50
# Comments members wrote on the other communities' posts weeks ago: a comments table the size
# of a live site's, so PostgreSQL plans its reads as it would there (with 500 rows when the
# planner counted them, it read a member's recent texts by scanning the whole table, which the
# commenting scenario then grew tenfold: 0.02 ms became 0.5 ms a comment; docs/performance.md).
EARLIER_COMMENTS = int(os.environ.get("BENCH_COMMENTS", "100000"))
# ... and likes, for the same reason: a likes table empty when the planner counted it had each
# unlike look for its row by reading every like the scenario had written.
EARLIER_LIKES = int(os.environ.get("BENCH_LIKES", "200000"))
PASSWORD = "bench-password"  # noqa: S105 — a throw-away local data set
TOPICS = (
    "Sourdough that rises every time: feed the starter twice and keep it warm.",
    "Five knife skills every home cook needs, with a short video for each.",
    "Our spring menu is here: what would you cook first?",
    "How we pick olive oil for the kitchen, and why the harvest date matters.",
    "Weekend challenge: one pan, three ingredients, twenty minutes.",
)


def slug(index: int) -> str:
    return f"bench-{index}"


def token_of(index: int) -> str:
    return f"cmn_bench{index:05d}{'x' * 32}"


def communities_of(member: int) -> list[int]:
    """The EACH_IN communities member `member` belongs to (distinct for EACH_IN ≤ 10)."""
    step = max(1, COMMUNITIES // EACH_IN)
    return sorted({(member + k * step) % COMMUNITIES for k in range(EACH_IN)})


def build() -> None:
    now = timezone.now()
    owner = User.objects.create_user(username="bench_owner", password=PASSWORD)
    owner.date_joined = now - timedelta(days=400)
    owner.save(update_fields=["date_joined"])
    hashed = make_password(PASSWORD)  # one hash for every member: they share the password
    User.objects.bulk_create(
        (
            User(
                username=f"m{i}",
                display_name=f"Member {i}",
                password=hashed,
                date_joined=now - timedelta(days=365),
            )
            for i in range(MEMBERS)
        ),
        batch_size=5000,
    )
    members = dict(User.objects.filter(username__startswith="m").values_list("username", "pk"))
    communities = [
        create_community(actor=owner, data={"name": f"Bench {i}", "slug": slug(i)})
        for i in range(COMMUNITIES)
    ]
    Membership.objects.bulk_create(
        (
            Membership(
                community=communities[c],
                user_id=members[f"m{i}"],
                joined_at=now - timedelta(days=300),
            )
            for i in range(MEMBERS)
            for c in communities_of(i)
        ),
        batch_size=10000,
    )
    per_community = max(1, POSTS // COMMUNITIES)
    for community in communities:
        rubric = Rubric.objects.filter(community=community).order_by("pk").first()
        Post.objects.bulk_create(
            (
                Post(
                    community=community,
                    author=owner,
                    signed_as="community",
                    body=f"{TOPICS[n % len(TOPICS)]} ({community.slug}, post {n})",
                    body_html=f"<p>{TOPICS[n % len(TOPICS)]} ({community.slug}, post {n})</p>",
                    rubric=rubric,
                    tone="functional",
                    status=PostStatus.PUBLISHED,
                    created_at=now - timedelta(minutes=n * 120 + community.pk),
                    published_at=now - timedelta(minutes=n * 120 + community.pk),
                )
                for n in range(per_community)
            ),
            batch_size=5000,
        )
    first = communities[0]
    in_first = list(
        Membership.objects.filter(community=first, role="member")
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    discussed = Post.objects.filter(community=first).order_by("-published_at", "-id")[1]
    Comment.objects.bulk_create(
        Comment(
            post=discussed,
            author_id=in_first[n % len(in_first)],
            body=f"Tried it this weekend, worked well (note {n}).",
            body_html=f"<p>Tried it this weekend, worked well (note {n}).</p>",
            status=CommentStatus.VISIBLE,
            created_at=discussed.published_at + timedelta(minutes=n + 1),
        )
        for n in range(COMMENTS_ON_ONE_POST)
    )
    Post.objects.filter(pk=discussed.pk).update(comment_count=COMMENTS_ON_ONE_POST)
    counted = Membership.objects.filter(community=OuterRef("pk")).values("community")
    Community.objects.update(member_count=Subquery(counted.annotate(n=Count("pk")).values("n")[:1]))
    PersonalAccessToken.objects.bulk_create(
        PersonalAccessToken(
            user_id=user_id,
            name="bench",
            prefix=token_of(index)[:10],
            token_hash=hash_token(token_of(index)),
        )
        for index, user_id in enumerate(in_first[:TOKENS])
    )


def members_and_posts(first: Community) -> tuple[list[int], list[int]]:
    """The members' ids and those of the posts outside the first community, in order."""
    members = User.objects.filter(username__startswith="m").order_by("pk")
    posts = Post.objects.exclude(community=first).order_by("pk")
    return list(members.values_list("pk", flat=True)), list(posts.values_list("pk", flat=True))


def add_earlier_comments(first: Community) -> None:
    """Up to EARLIER_COMMENTS comments of members on posts outside the first community (whose
    posts the scenarios touch), 2–300 days old: outside the repeat check's window, as most of a
    member's texts are. Added once; the posts' counters are set to their rows."""
    outside = Comment.objects.exclude(post__community=first)
    missing = EARLIER_COMMENTS - outside.count()
    if missing <= 0:
        return
    now = timezone.now()
    members, posts = members_and_posts(first)
    start = EARLIER_COMMENTS - missing
    with transaction.atomic():
        Comment.objects.bulk_create(
            (
                Comment(
                    post_id=posts[(n * 7919) % len(posts)],
                    author_id=members[(n * 104729) % len(members)],
                    body=f"Saved this one for the weekend, thanks (earlier note {n}).",
                    body_html=f"<p>Saved this one for the weekend, thanks (earlier note {n}).</p>",
                    status=CommentStatus.VISIBLE,
                    created_at=now - timedelta(days=2 + n % 298, minutes=n % 1440),
                )
                for n in range(start, EARLIER_COMMENTS)
            ),
            batch_size=5000,
        )
        count_into("comment_count", Comment, f"\"status\" = '{CommentStatus.VISIBLE.value}'", first)


# A member's n-th like is on the post this many further on: a prime, so a member's likes fall on
# distinct posts for as many rounds as there are posts, however many likes were added before.
_LIKE_STEP = 4951


def add_earlier_likes(first: Community) -> None:
    """Up to EARLIER_LIKES likes of members on posts outside the first community (each member's
    on distinct posts), added once; the posts' counters are set to their rows."""
    missing = EARLIER_LIKES - Like.objects.exclude(post__community=first).count()
    if missing <= 0:
        return
    now = timezone.now()
    members, posts = members_and_posts(first)
    with transaction.atomic():
        Like.objects.bulk_create(
            (
                Like(
                    user_id=members[n % len(members)],
                    post_id=posts[
                        ((n % len(members)) * 37 + (n // len(members)) * _LIKE_STEP) % len(posts)
                    ],
                    created_at=now - timedelta(days=2 + n % 298),
                )
                for n in range(EARLIER_LIKES - missing, EARLIER_LIKES)
            ),
            batch_size=5000,
        )
        count_into("like_count", Like, '"post_id" IS NOT NULL', first)


def count_into(counter: str, model: type[Model], condition: str, first: Community) -> None:
    """Set the counter of the posts outside the first community to their rows of `model` that
    meet `condition`, 0 without any: one grouped count joined to the posts (a subquery for each
    of 100,000 posts, planned while the statistics still counted 500 comments, scanned them all
    for each post)."""
    table, posts = model._meta.db_table, Post._meta.db_table
    with connection.cursor() as cursor:
        # Posts without such rows count none (then the others, from the grouped count).
        cursor.execute(
            f'UPDATE "{posts}" SET "{counter}" = 0'  # noqa: S608 - ours
            f' WHERE "community_id" <> %s AND "{counter}" <> 0',
            [first.pk],
        )
        cursor.execute(
            f'UPDATE "{posts}" AS p SET "{counter}" = c."n" FROM'  # noqa: S608 - ours
            f' (SELECT "post_id", COUNT(*) AS "n" FROM "{table}" WHERE {condition}'
            ' GROUP BY "post_id") AS c WHERE p."id" = c."post_id" AND p."community_id" <> %s',
            [first.pk],
        )


def session_for(user: User) -> str:
    """A logged-in session, as the log-in form would make it."""
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def forget_page_views() -> None:
    """Each run starts with no page views of earlier runs: a run wrote about 600,000 rows of
    shown posts (when they were one per page view and community; now one per page view), so
    each run measured its writes, and PostgreSQL's buffers, against a bigger table than the
    run before (the impressions' cost went from 8 % to 16 % in three runs on one machine). The
    posts' impression counters go back to the impressions recorded as events (none, when they
    are buffered), so that the exact counts hold."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'TRUNCATE "{ShownPosts._meta.db_table}"')
        else:
            ShownPosts.objects.all().delete()
        events = (
            Event.objects.filter(post=OuterRef("pk"), kind=EventKind.IMPRESSION)
            .values("post")
            .annotate(count=Count("id"))
            .values("count")
        )
        Post.objects.filter(impression_count__gt=0).update(
            impression_count=Coalesce(Subquery(events), 0)
        )


def main() -> int:
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if not Community.objects.filter(slug=slug(0)).exists():
        with transaction.atomic():
            build()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh bulk inserts have no planner statistics yet
    # The facts of published posts (members at publication) that the worker's rollup fixes for
    # each new post: bulk-inserted posts have none, and the worker would work through 100,000
    # of them during the measurement, 500 a run.
    while roll_up_post_facts():
        pass
    first = Community.objects.get(slug=slug(0))
    add_earlier_comments(first)
    add_earlier_likes(first)
    with transaction.atomic():
        # Each run starts with no likes on the first community, so every like and unlike of the
        # scenarios is a change (a repeated like would be a 409, not a measured write).
        Like.objects.filter(post__community=first).delete()
        Post.objects.filter(community=first).update(like_count=0)
        # ... and the discussed post has its 50 comments again: the commenting scenario of an
        # earlier run added its own, which would make "a post with 50 comments" a bigger page
        # run after run.
        discussed = (
            Post.objects.filter(community=first, status=PostStatus.PUBLISHED)
            .order_by("-published_at", "-id")
            .values_list("pk", flat=True)[1]
        )
        kept = list(
            Comment.objects.filter(post_id=discussed).order_by("id").values_list("pk", flat=True)
        )[:COMMENTS_ON_ONE_POST]
        Comment.objects.filter(post_id=discussed).exclude(pk__in=kept).delete()
        Post.objects.filter(pk=discussed).update(comment_count=len(kept))
    forget_page_views()
    posts = list(
        Post.objects.filter(community=first, status=PostStatus.PUBLISHED)
        .order_by("-published_at", "-id")
        .values_list("pk", flat=True)[:TOKENS]
    )
    tokens = [token_of(index) for index in range(TOKENS)]
    reader = PersonalAccessToken.objects.get(token_hash=hash_token(tokens[0])).user
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "posts": Post.objects.count(),
                "communities": Community.objects.count(),
                "members": User.objects.count(),
                "memberships": Membership.objects.count(),
                "seconds": round(time.perf_counter() - started, 1),
                "slug": first.slug,
                "hot_post": posts[0],
                "discussed_post": posts[1],
                "spread_posts": posts,
                "tokens": tokens,
                "reader_session": session_for(reader),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
