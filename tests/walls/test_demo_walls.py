"""The demo wall history: 90 days of posts in five languages, exact counters, a daily rhythm.

The demo is loaded once for the module (it takes a few seconds) inside a transaction that is
rolled back at the end; each test runs in a savepoint of its own within it.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Count, F

from communa.analytics.models import Event, EventKind, Platform, PostViewer
from communa.communities.models import Community, DefaultRubric, Tone
from communa.core.demo import DemoContext, load_demo_data
from communa.moderation.models import Report, ReportStatus
from communa.walls.models import (
    Comment,
    CommentStatus,
    HiddenPost,
    Like,
    Post,
    PostKind,
    PostRevision,
    PostStatus,
    Share,
)

pytestmark = pytest.mark.django_db

BRAND, PAGE, EVENT = "learn-to-cook", "kitchen-pro", "knife-skills-masterclass"
UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
RUSSIAN = re.compile(r"[ыэёЫЭЁ]")
CYRILLIC = re.compile(r"[а-яА-Я]")
VIETNAMESE = re.compile(r"[ăâđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
MALAY_WORDS = {"saya", "terima", "kasih", "boleh", "untuk", "dengan", "yang", "sangat", "tak"}
MALAY_WORDS |= {"ini", "kami", "guna", "macam", "nak", "cuba", "sama"}
ENGLISH_WORDS = {"the", "and", "this", "it", "i", "you", "my", "is", "for", "of", "to", "a"}
COUNTED = (Post, PostRevision, Comment, Like, Share, HiddenPost, Report, Event, PostViewer)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        ctx = load_demo_data()
        yield ctx
        transaction.set_rollback(True)


def wall_posts(*slugs: str):
    posts = Post.objects.filter(community__isnull=False, status=PostStatus.PUBLISHED)
    return posts.filter(community__slug__in=slugs) if slugs else posts


def language_of(text: str) -> str:
    if UKRAINIAN.search(text):
        return "uk"
    if CYRILLIC.search(text):
        return "ru" if RUSSIAN.search(text) else "cyrillic"
    if VIETNAMESE.search(text):
        return "vi"
    words = set(re.findall(r"[a-z]+", text.lower()))
    if len(words & MALAY_WORDS) >= 2:
        return "ms"
    if words & ENGLISH_WORDS:
        return "en"
    return "?"


def test_the_walls_hold_at_least_150_posts_over_the_last_90_days(demo: DemoContext):
    posts = wall_posts()
    moments = sorted(posts.values_list("published_at", flat=True))

    assert posts.count() >= 150
    assert moments[0] >= demo.now - timedelta(days=90)
    assert moments[-1] <= demo.now
    assert moments[-1] - moments[0] >= timedelta(days=80)
    by_community = Counter(posts.values_list("community__slug", flat=True))
    assert by_community[BRAND] >= 100
    assert by_community[PAGE] >= 40
    assert by_community[EVENT] >= 10
    # mostly the team, signed as the community or as the editor; some members on the group
    signatures = Counter(posts.values_list("signed_as", flat=True))
    assert signatures["community"] > signatures["author"] > 10


def test_posts_use_every_rubric_and_tone_and_some_promote(demo: DemoContext):
    posts = wall_posts()

    assert set(posts.values_list("rubric__code", flat=True)) == set(DefaultRubric.values)
    assert set(posts.values_list("tone", flat=True)) == set(Tone.values)
    promotional = posts.filter(promotional=True).count() / posts.count()
    assert 0.1 <= promotional <= 0.2
    longreads = posts.filter(kind=PostKind.LONGREAD)
    assert longreads.count() >= 3
    assert all(post.blocks and "<li>" in post.body_html for post in longreads)
    pinned = Counter(posts.filter(pinned=True).values_list("community__slug", flat=True))
    assert pinned == {BRAND: 1, PAGE: 1, EVENT: 1}


def test_posts_and_comments_speak_five_languages(demo: DemoContext):
    post_languages = Counter(
        language_of(body) for body in wall_posts().values_list("body", flat=True)
    )
    comment_languages = Counter(
        language_of(body) for body in Comment.objects.values_list("body", flat=True)
    )

    assert post_languages.most_common(1)[0][0] == "en"
    assert {"ru", "uk", "vi", "ms"} <= set(post_languages)
    for language in ("en", "ru", "uk", "vi", "ms"):
        assert comment_languages[language] >= 10, (language, comment_languages)
    replies = Comment.objects.filter(parent__isnull=False)
    assert not replies.filter(parent__parent__isnull=False).exists(), "one level of replies"
    assert {language_of(body) for body in replies.values_list("body", flat=True)} >= {
        "en",
        "ru",
        "uk",
        "vi",
        "ms",
    }


def counts_by(model, key: str, **filters) -> dict[int, int]:
    rows = model.objects.filter(**filters).values(key).annotate(n=Count("id"))
    return {row[key]: row["n"] for row in rows}


def test_every_counter_equals_the_rows_behind_it(demo: DemoContext):
    impressions = counts_by(Event, "post", kind=EventKind.IMPRESSION)
    clicks = counts_by(Event, "post", kind=EventKind.LINK_CLICK)
    reach = counts_by(PostViewer, "post")
    likes = counts_by(Like, "post", post__isnull=False)
    comments = counts_by(Comment, "post", status=CommentStatus.VISIBLE)
    shares = counts_by(Share, "post")
    hides = counts_by(HiddenPost, "post")
    reports = counts_by(Report, "post", post__isnull=False)

    posts = list(Post.objects.all())
    assert sum(post.impression_count for post in posts) > 10_000
    for post in posts:
        assert post.impression_count == impressions.get(post.pk, 0), post.pk
        assert post.reach_count == reach.get(post.pk, 0), post.pk
        assert post.like_count == likes.get(post.pk, 0), post.pk
        assert post.comment_count == comments.get(post.pk, 0), post.pk
        assert post.share_count == shares.get(post.pk, 0), post.pk
        assert post.hide_count == hides.get(post.pk, 0), post.pk
        assert post.report_count == reports.get(post.pk, 0), post.pk
        assert post.link_click_count == clicks.get(post.pk, 0), post.pk
    comment_likes = counts_by(Like, "comment", comment__isnull=False)
    replies = counts_by(Comment, "parent", status=CommentStatus.VISIBLE, parent__isnull=False)
    for comment in Comment.objects.all():
        assert comment.like_count == comment_likes.get(comment.pk, 0), comment.pk
        assert comment.reply_count == replies.get(comment.pk, 0), comment.pk
    # each like, comment, share, hide and report has its event
    kinds = Counter(Event.objects.values_list("kind", flat=True))
    assert kinds[EventKind.LIKE] - kinds[EventKind.UNLIKE] == Like.objects.count()
    # A comment the checks hold gets its event when a moderator lets it in (R5.2).
    unseen = [CommentStatus.HELD, CommentStatus.REJECTED]
    assert kinds[EventKind.COMMENT] == Comment.objects.exclude(status__in=unseen).count()
    assert kinds[EventKind.SHARE] == Share.objects.count()
    assert kinds[EventKind.HIDE] == HiddenPost.objects.count()
    assert kinds[EventKind.REPORT] == Report.objects.count()


def test_impressions_follow_the_viewers_day_and_the_posts_age(demo: DemoContext):
    # given every impression of a known person, in that person's own time zone
    rows = Event.objects.filter(kind=EventKind.IMPRESSION, user__isnull=False).values_list(
        "at", "user__time_zone", "post__published_at"
    )
    hours: Counter[int] = Counter()
    early = old = 0
    zones: dict[str, ZoneInfo] = {}
    for at, zone, published in rows:
        local = at.astimezone(zones.setdefault(zone, ZoneInfo(zone or "UTC")))
        hours[local.hour] += 1
        if published < demo.now - timedelta(days=7):
            old += 1
            early += at - published <= timedelta(hours=48)

    evening = sum(hours[h] for h in (19, 20, 21, 22))
    night = sum(hours[h] for h in (2, 3, 4, 5))
    assert evening > 4 * night
    assert hours[20] > hours[9] > hours[3]
    # most of a post's views come in the first two days
    assert early / old > 0.6
    # and nothing happened to a post before it was published, or after now
    assert not Event.objects.filter(at__lt=F("post__published_at")).exists()
    assert not Event.objects.filter(at__gt=demo.now).exists()


def test_every_kind_of_interaction_is_recorded_from_every_platform(demo: DemoContext):
    kinds = set(Event.objects.values_list("kind", flat=True))
    platforms = Counter(Event.objects.values_list("platform", flat=True))
    total = sum(platforms.values())

    assert {
        EventKind.IMPRESSION,
        EventKind.LIKE,
        EventKind.COMMENT,
        EventKind.SHARE,
        EventKind.HIDE,
        EventKind.REPORT,
        EventKind.LINK_CLICK,
    } <= kinds
    assert 0.35 < platforms[Platform.WEB] / total < 0.55
    assert 0.4 < platforms[Platform.MOBILE_WEB] / total < 0.6
    assert 0.02 < platforms[Platform.API] / total < 0.1
    viewers = PostViewer.objects.values_list("viewer", flat=True)
    assert any(key.startswith("u") for key in viewers)
    assert any(key.startswith("v") for key in viewers), "anonymous visitors count too"
    # shares land on profile walls, and one on another community's wall
    assert (
        Share.objects.filter(to_community__isnull=True, repost__profile__isnull=False).count() > 20
    )
    to_community = Share.objects.get(to_community__isnull=False)
    assert to_community.repost.community == to_community.to_community
    assert to_community.post.community != to_community.to_community
    # reports wait for the moderators, for several reasons, on posts and comments
    reports = Report.objects.all()
    assert reports.filter(status=ReportStatus.OPEN).count() == reports.count() >= 5
    assert len(set(reports.values_list("reason", flat=True))) >= 3
    assert reports.filter(comment__isnull=False).exists()


def test_engagement_is_believable_and_emotion_beats_promotion(demo: DemoContext):
    def rate(posts) -> float:
        posts = list(posts)
        return sum(p.like_count for p in posts) / sum(p.reach_count for p in posts)

    posts = wall_posts()
    likes = sum(posts.values_list("like_count", flat=True))
    comments = sum(posts.values_list("comment_count", flat=True))
    shares = sum(posts.values_list("share_count", flat=True))

    assert 0.02 <= rate(posts) <= 0.08
    assert likes > comments > shares > 0
    emotional = posts.filter(tone=Tone.EMOTIONAL, promotional=False)
    assert rate(emotional) > rate(posts.filter(promotional=True))


def test_reviewers_and_the_history_have_work_to_show(demo: DemoContext):
    page = Community.objects.get(slug=PAGE)
    suggested = Post.objects.filter(community=page, status=PostStatus.SUGGESTED)
    rejected = Post.objects.get(community=page, status=PostStatus.REJECTED)

    assert suggested.count() >= 2
    assert all(post.suggested_by_id == post.author_id for post in suggested)
    assert rejected.review_reason
    assert rejected.reviewed_by_id
    assert wall_posts(PAGE).filter(suggested_by__isnull=False).exists(), "a published one"
    edited = wall_posts().filter(edited_at__isnull=False)
    assert edited.count() >= 3
    assert all(post.revisions.exclude(body=post.body).exists() for post in edited)
    # a comment deleted after people had answered it stays, with its answers
    deleted = Comment.objects.filter(status=CommentStatus.DELETED, reply_count__gt=0)
    assert deleted.exists()
    assert all(c.replies.filter(status=CommentStatus.VISIBLE).count() >= 2 for c in deleted)


def test_loading_again_adds_nothing(demo: DemoContext):
    # given the demo loaded once
    before = {model.__name__: model.objects.count() for model in COUNTED}
    assert before["Post"] >= 150

    # when it loads again
    load_demo_data()

    # then no row was added
    assert {model.__name__: model.objects.count() for model in COUNTED} == before
