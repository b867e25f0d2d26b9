"""What a visitor of the demo sees, loaded once for the module through the actions.

The demo is loaded inside a transaction that is rolled back at the end; each test runs in a
savepoint of its own within it. Every row was written by the apps' actions, so these tests also
show that the counters, events and audit entries the actions keep add up.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from communa.analytics.models import Event, EventKind, PostViewer
from communa.communities.models import (
    Block,
    Community,
    DefaultRubric,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
    Tone,
    WikiPage,
)
from communa.core.activity import best_times
from communa.core.models import AuditEntry
from communa.demo import DemoContext, load_demo
from communa.demo.context import data
from communa.moderation.models import HeldItem, HeldStatus, Report, ReportStatus
from communa.moderation.queue import queue_page
from communa.walls.models import (
    Album,
    Attendance,
    Comment,
    CommentStatus,
    Document,
    HiddenPost,
    Like,
    Photo,
    Post,
    PostImage,
    PostKind,
    PostStatus,
    Share,
    Topic,
)

# One worker loads the demo once for the whole module (make test runs with --dist loadgroup).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-content")]

BRAND, PAGE, EVENT = "learn-to-cook", "kitchen-pro", "knife-skills-masterclass"
SPAM_FLAGS = {"spam_repeat", "spam_burst", "spam_domain", "link_farm", "mass_mentions", "stop_word"}
UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
RUSSIAN = re.compile(r"[ыэёЫЭЁ]")
CYRILLIC = re.compile(r"[а-яА-Я]")
VIETNAMESE = re.compile(r"[ăâđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
MALAY_WORDS = {"saya", "terima", "kasih", "boleh", "untuk", "dengan", "yang", "sangat", "tak"}
MALAY_WORDS |= {"ini", "kami", "guna", "macam", "nak", "cuba", "sama"}
ENGLISH_WORDS = {"the", "and", "this", "it", "i", "you", "my", "is", "for", "of", "to", "a"}
COUNTED = (Community, Membership, Post, Comment, Like, Share, Topic, Document, Photo, Event)


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    """Where the demo's pictures and documents are written, kept for the whole module."""
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    with (
        override_settings(MEDIA_ROOT=demo_media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        ctx = load_demo()
        yield ctx
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, demo_media):
    """Every test reads the files the module's demo wrote (this replaces the suite's fixture)."""
    settings.MEDIA_ROOT = demo_media


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


# --- people and communities ------------------------------------------------------------------


def test_every_printed_login_works(demo: DemoContext, client):
    assert len(demo.logins) == 11
    for login in demo.logins:
        assert client.login(username=login.username, password=login.password), login.username
        client.logout()
    assert demo.logins[0].username == "admin"


def test_every_team_role_of_the_group_has_a_login(demo: DemoContext):
    roles = dict(
        Membership.objects.filter(community__slug=BRAND).values_list("user__username", "role")
    )
    logins = {login.username: login.role for login in demo.logins}
    for role in [Role.OWNER, Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.ANALYST]:
        holders = [name for name, held in roles.items() if held == role and name in logins]
        assert holders, f"no demo login holds the {role} role"
        assert str(role) in logins[holders[0]].lower()


def test_the_three_communities_have_covers_avatars_and_exact_member_counts(demo: DemoContext):
    communities = {c.slug: c for c in Community.objects.all()}

    assert set(communities) == {BRAND, PAGE, EVENT}
    for community in communities.values():
        assert community.cover, community.slug
        assert community.avatar, community.slug
        assert community.member_count == community.memberships.count(), community.slug
        assert community.memberships.filter(role=Role.OWNER).count() == 1
    assert communities[BRAND].member_count >= 250
    assert WikiPage.objects.filter(community__slug=BRAND).count() == 3
    # the page asked the operators for the verified mark; they decide in the admin
    assert communities[PAGE].verification_requests.exists()


def test_the_group_has_a_varied_audience_that_came_from_many_places(demo: DemoContext):
    memberships = Membership.objects.filter(community__slug=BRAND).select_related("user")

    assert len({m.source for m in memberships}) >= 6
    assert {"female", "male"} <= {m.user.gender for m in memberships}
    assert len({str(m.user.country) for m in memberships if m.user.country}) >= 5
    assert len({m.joined_at.date() for m in memberships}) >= 60
    assert any(m.utm_campaign for m in memberships), "ads carry UTM parameters"
    ages = {demo.now.year - m.user.birth_year for m in memberships if m.user.birth_year}
    assert min(ages) < 25
    assert max(ages) > 55


def test_requests_invitations_and_blocks_wait_to_be_handled(demo: DemoContext):
    assert JoinRequest.objects.filter(status=RequestStatus.PENDING).count() == 8
    pending = Invitation.objects.filter(status=InvitationStatus.PENDING)
    assert pending.count() >= 5
    assert pending.filter(invitee__username="anna").exists(), "anna's login shows an invitation"
    assert Block.objects.filter(community__slug=BRAND).exclude(reason="").exists()
    named = {"anna", "taras", "linh", "aiman", "emma"}
    members = Membership.objects.filter(community__slug=BRAND)
    assert named <= set(members.values_list("user__username", flat=True))


# --- walls -------------------------------------------------------------------------------------


def test_the_walls_hold_90_days_of_posts_with_pictures(demo: DemoContext):
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
    pictured = posts.filter(images__isnull=False).distinct()
    assert pictured.count() >= 20
    image = PostImage.objects.filter(post__in=pictured).first()
    assert image.image.storage.exists(image.image.name)
    assert image.thumbnail.storage.exists(image.thumbnail.name)


def test_a_visitor_sees_pictures_on_the_groups_wall(demo: DemoContext, client):
    page = client.get(f"/c/{BRAND}/wall/")

    assert page.status_code == 200
    assert "<img" in page.content.decode()


def test_posts_use_every_rubric_and_tone_and_one_is_pinned_per_wall(demo: DemoContext):
    posts = wall_posts()

    assert set(posts.values_list("rubric__code", flat=True)) == set(DefaultRubric.values)
    assert set(posts.values_list("tone", flat=True)) == set(Tone.values)
    assert 0.08 <= posts.filter(promotional=True).count() / posts.count() <= 0.2
    longreads = posts.filter(kind=PostKind.LONGREAD)
    assert longreads.count() >= 3
    assert all(post.blocks and "<li>" in post.body_html for post in longreads)
    pinned = Counter(posts.filter(pinned=True).values_list("community__slug", flat=True))
    assert pinned == {BRAND: 1, PAGE: 1, EVENT: 1}


def test_posts_and_comments_speak_five_languages(demo: DemoContext):
    post_languages = Counter(
        language_of(body) for body in wall_posts().values_list("body", flat=True)
    )
    comments = Comment.objects.filter(post__isnull=False)
    comment_languages = Counter(
        language_of(body) for body in comments.values_list("body", flat=True)
    )

    assert post_languages.most_common(1)[0][0] == "en"
    assert {"ru", "uk", "vi", "ms"} <= set(post_languages)
    for language in ("en", "ru", "uk", "vi", "ms"):
        assert comment_languages[language] >= 10, (language, comment_languages)
    replies = comments.filter(parent__isnull=False)
    assert not replies.filter(parent__parent__isnull=False).exists(), "one level of replies"


def counts_by(model, key: str, **filters) -> dict[int, int]:
    rows = model.objects.filter(**filters).values(key).annotate(n=Count("id"))
    return {row[key]: row["n"] for row in rows}


def test_every_counter_equals_the_rows_the_actions_wrote(demo: DemoContext):
    impressions = counts_by(Event, "post", kind=EventKind.IMPRESSION)
    reach = counts_by(PostViewer, "post")
    likes = counts_by(Like, "post", post__isnull=False)
    comments = counts_by(Comment, "post", status=CommentStatus.VISIBLE)
    shares = counts_by(Share, "post")
    hides = counts_by(HiddenPost, "post")
    clicks = counts_by(Event, "post", kind=EventKind.LINK_CLICK)

    posts = list(Post.objects.all())
    assert sum(post.impression_count for post in posts) > 5_000
    for post in posts:
        assert post.impression_count == impressions.get(post.pk, 0), post.pk
        assert post.reach_count == reach.get(post.pk, 0), post.pk
        assert post.like_count == likes.get(post.pk, 0), post.pk
        assert post.comment_count == comments.get(post.pk, 0), post.pk
        assert post.share_count == shares.get(post.pk, 0), post.pk
        assert post.hide_count == hides.get(post.pk, 0), post.pk
        assert post.link_click_count == clicks.get(post.pk, 0), post.pk
    kinds = Counter(Event.objects.values_list("kind", flat=True))
    assert kinds[EventKind.LIKE] - kinds[EventKind.UNLIKE] == Like.objects.count()
    assert kinds[EventKind.SHARE] == Share.objects.count()
    assert {EventKind.HIDE, EventKind.REPORT, EventKind.LINK_CLICK} <= set(kinds)
    assert AuditEntry.objects.filter(action="post.publish").exists()


def test_views_follow_the_viewers_day(demo: DemoContext):
    rows = Event.objects.filter(kind=EventKind.IMPRESSION, user__isnull=False).values_list(
        "at", "user__time_zone"
    )
    hours: Counter[int] = Counter()
    for at, zone in rows:
        hours[at.astimezone(ZoneInfo(zone or "UTC")).hour] += 1

    assert sum(hours[h] for h in (19, 20, 21, 22)) > 3 * sum(hours[h] for h in (2, 3, 4, 5))
    assert not Event.objects.filter(at__gt=demo.now).exists()


def test_the_best_time_to_post_in_the_group_is_its_members_evening(demo: DemoContext):
    grid = best_times(Community.objects.get(slug="learn-to-cook"), demo.now)

    assert grid.enough_data
    assert grid.sample.weeks == grid.window_weeks
    # Its members' evenings (19:00-22:00 where each lives) in the group's zone (Moscow): most
    # live there, others in Kyiv (an hour behind: 20-23 in Moscow), Yekaterinburg and Almaty (two
    # ahead: 17-20). The story is drawn up to the moment the demo is loaded, so which of these
    # hours come out on top moves from one load to the next: 18:00 did in some loads, with the
    # code of a249bcf as since.
    assert {slot.hour for slot in grid.top} <= set(range(17, 24))


def test_engagement_is_believable_and_emotion_beats_promotion(demo: DemoContext):
    def rate(posts) -> float:
        posts = list(posts)
        return sum(p.like_count for p in posts) / sum(p.reach_count for p in posts)

    posts = wall_posts()
    likes = sum(posts.values_list("like_count", flat=True))
    comments = sum(posts.values_list("comment_count", flat=True))
    shares = sum(posts.values_list("share_count", flat=True))

    assert 0.02 <= rate(posts) <= 0.1
    assert likes > comments > shares > 0
    assert rate(posts.filter(tone=Tone.EMOTIONAL, promotional=False)) > rate(
        posts.filter(promotional=True)
    )


def test_suggestions_edits_and_deleted_comments_have_their_history(demo: DemoContext):
    page = Community.objects.get(slug=PAGE)
    assert Post.objects.filter(community=page, status=PostStatus.SUGGESTED).count() == 2
    rejected = Post.objects.get(community=page, status=PostStatus.REJECTED)
    assert rejected.review_reason
    assert rejected.reviewed_by_id
    assert wall_posts(PAGE).filter(suggested_by__isnull=False).exists(), "a published one"
    edited = wall_posts().filter(edited_at__isnull=False)
    assert edited.count() >= 3
    assert all(post.revisions.exclude(body=post.body).exists() for post in edited)
    deleted = Comment.objects.filter(status=CommentStatus.DELETED, reply_count__gt=0)
    assert deleted.exists(), "a spammer's comment, removed after people had answered it"


# --- boards --------------------------------------------------------------------------------------


def test_discussions_are_filled_with_replies(demo: DemoContext):
    topics = Topic.objects.filter(held=False)

    assert topics.count() == len(data("boards")["topics"])
    for topic in topics:
        visible = topic.comments.filter(status=CommentStatus.VISIBLE).count()
        assert visible >= 3, topic.title
        assert topic.comment_count == visible
    assert topics.filter(pinned=True).exists()


def test_documents_and_albums_hold_their_files(demo: DemoContext):
    documents = Document.objects.filter(community__slug=BRAND)
    assert documents.count() == 4
    assert {d.content_type for d in documents} >= {"application/pdf", "text/csv", "text/plain"}
    assert all(d.file.storage.exists(d.file.name) for d in documents)
    albums = Album.objects.annotate(n=Count("photos"))
    assert albums.count() == 3
    assert all(album.n >= 4 and album.photo_count == album.n for album in albums)
    assert Attendance.objects.filter(community__slug=EVENT).count() >= 20


# --- moderation ------------------------------------------------------------------------------


def test_the_moderators_queue_has_work_waiting(demo: DemoContext):
    brand = Community.objects.get(slug=BRAND)
    moderator = Membership.objects.get(community=brand, role=Role.MODERATOR).user

    page = queue_page(actor=moderator, community=brand, limit=50)

    kinds = Counter(item.kind for item in page.items)
    assert kinds["held"] >= 2
    assert kinds["report"] >= 2
    held = HeldItem.objects.filter(community=brand)
    assert held.filter(status=HeldStatus.APPROVED).exists()
    assert held.filter(status=HeldStatus.REJECTED).exists()
    assert Report.objects.filter(status=ReportStatus.UPHELD).exists()


def test_no_spam_is_published_on_a_wall(demo: DemoContext):
    published = wall_posts()
    spam_texts = [data("posts")["spam_post"]["body"]]
    spam_texts += [e["text"] for e in data("timeline")["held_examples"] if e["kind"] == "post"]

    assert not [post.pk for post in published if SPAM_FLAGS & set(post.flags)]
    assert not published.filter(body__in=spam_texts).exists()
    advert = Post.objects.get(body=data("posts")["spam_post"]["body"])
    assert advert.status == PostStatus.DELETED
    assert Block.objects.filter(community=advert.community, user=advert.author).exists()


def test_loading_again_adds_nothing(demo: DemoContext):
    before = {model.__name__: model.objects.count() for model in COUNTED}

    again = load_demo()

    assert {model.__name__: model.objects.count() for model in COUNTED} == before
    assert [login.username for login in again.logins] == [login.username for login in demo.logins]
