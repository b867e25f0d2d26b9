"""Walls: posts and long-reads, comments, likes, shares, hides, suggested posts, discussions,
event attendance, documents and photo albums (SPEC R4).

Counters on rows (likes, comments, shares, views, reach) are bumped with F() expressions inside
the action that writes the underlying row, so they stay exact under concurrent writes.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communa.communities.models import Tone
from communa.core.models import KeepsMarksOnWholeSave


def media_path(instance: models.Model, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"walls/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension[:8]}"


class PostKind(models.TextChoices):
    POST = "post", _("Post")
    LONGREAD = "longread", _("Long-read")


class PostStatus(models.TextChoices):
    """Where a post is in its life; only published posts are shown on walls and in feeds."""

    PUBLISHED = "published", _("Published")
    SUGGESTED = "suggested", _("Suggested")
    REJECTED = "rejected", _("Rejected")
    DELETED = "deleted", _("Deleted")
    HELD = "held", _("Held for review")
    # The planner's drafts (R8.3): written, sent for approval, given a time, on their way out.
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting approval")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", pgettext_lazy("post status", "Publishing")
    FAILED = "failed", _("Failed")


# The statuses of a post that is not out yet: the planner's drafts.
DRAFT_STATUSES = frozenset(
    {
        PostStatus.DRAFT,
        PostStatus.PENDING,
        PostStatus.SCHEDULED,
        PostStatus.PUBLISHING,
        PostStatus.FAILED,
    }
)


class Signature(models.TextChoices):
    """R2.7: a team member posts as the community or under their own name."""

    COMMUNITY = "community", _("The community")
    AUTHOR = "author", _("The author")


class Post(KeepsMarksOnWholeSave, models.Model):
    """An entry on a community wall or a person's profile wall (a share lands there)."""

    # Set only by walls.actions.refresh.mark_post_widgets, when another app attaches a poll.
    kept_on_whole_save = ("has_widgets",)

    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="posts",
    )
    profile = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="profile_posts",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    signed_as = models.CharField(max_length=10, choices=Signature.choices, default=Signature.AUTHOR)
    kind = models.CharField(max_length=10, choices=PostKind.choices, default=PostKind.POST)
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    body_html = models.TextField(blank=True)
    blocks = models.JSONField(default=list, blank=True)
    link_url = models.URLField(_("link"), max_length=1000, blank=True)
    link_title = models.CharField(_("link title"), max_length=200, blank=True)
    rubric = models.ForeignKey(
        "communities.Rubric", on_delete=models.RESTRICT, null=True, blank=True, related_name="posts"
    )
    tone = models.CharField(_("tone"), max_length=12, choices=Tone.choices, blank=True)
    promotional = models.BooleanField(_("promotional"), default=False)
    status = models.CharField(
        max_length=10, choices=PostStatus.choices, default=PostStatus.PUBLISHED
    )
    # R5.1: the language the checks detected ("" when unknown), and what they found.
    language = models.CharField(max_length=8, blank=True)
    flags = models.JSONField(default=list, blank=True)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_reason = models.CharField(max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    shared_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reposts"
    )
    pinned = models.BooleanField(default=False)
    # Raised by database triggers whenever what a post card shows changes (its own columns but
    # the counters, its images, its document): the key of the card cache (walls/cards.py).
    content_version = models.PositiveIntegerField(default=0, editable=False)
    # Whether an app above walls shows something under the post (a poll, ADR 0020): set and
    # cleared only by `walls.actions.refresh.mark_post_widgets`, so a page asks the kernel's
    # `PostWidgets` socket only about the posts that have something, and a page without any
    # costs no query for them.
    has_widgets = models.BooleanField(default=False, editable=False)
    impression_count = models.PositiveIntegerField(default=0)
    reach_count = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    share_count = models.PositiveIntegerField(default=0)
    hide_count = models.PositiveIntegerField(default=0)
    report_count = models.PositiveIntegerField(default=0)
    link_click_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    # Scheduled publishing (R8.3): the moment the post is due, and the worker's claim on it while
    # it goes out (a claim older than COMMUNA_PUBLISH_LEASE_SECONDS is taken over).
    scheduled_at = models.DateTimeField(null=True, blank=True)
    publish_claim = models.CharField(max_length=32, blank=True)
    publish_claimed_at = models.DateTimeField(null=True, blank=True)
    publish_attempts = models.PositiveSmallIntegerField(default=0)
    publish_error = models.CharField(max_length=500, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            # A post lives on exactly one wall: a community's or a person's profile.
            models.CheckConstraint(
                condition=models.Q(community__isnull=False, profile__isnull=True)
                | models.Q(community__isnull=True, profile__isnull=False),
                name="post_on_one_wall",
            ),
            # R4.1: one pinned post per community.
            models.UniqueConstraint(
                fields=["community"], condition=models.Q(pinned=True), name="post_one_pinned"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status", "-published_at", "-id"]),
            models.Index(fields=["profile", "status", "-published_at", "-id"]),
            models.Index(fields=["status", "-published_at", "-id"]),
            models.Index(fields=["community", "status", "-created_at", "-id"]),
            # R5.1: the author's recent texts, read by the repeat and burst checks.
            models.Index(fields=["author", "-created_at"], name="post_author_recent"),
            # R8.3: the worker's due posts, and a community's calendar.
            models.Index(
                fields=["scheduled_at", "id"],
                condition=models.Q(status__in=["scheduled", "publishing"]),
                name="post_due",
            ),
            models.Index(fields=["community", "scheduled_at"], name="post_calendar"),
        ]

    def __str__(self) -> str:
        return self.title or (self.body[:60] if self.body else f"post {self.pk}")


class PostTransition(models.Model):
    """One step of a draft's life (R8.3): who moved it from which status to which, when, and why
    (a returned draft's comment, a failure's reason); the worker's steps have no person."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=PostStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=PostStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=1000, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["post", "at"])]

    def __str__(self) -> str:
        return f"post {self.post_id}: {self.from_status or 'new'} → {self.to_status}"


class PostImage(models.Model):
    """An image attached to a post, with the thumbnail shown on walls and in the feed."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=media_path)
    thumbnail = models.ImageField(upload_to=media_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"image {self.position} of post {self.post_id}"


class PostDocument(models.Model):
    """A document attached to a post (one per post)."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="document")
    file = models.FileField(upload_to=media_path)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class PostRevision(models.Model):
    """A version of a post as it was before an edit (R4.8); the team sees the history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    blocks = models.JSONField(default=list, blank=True)
    link_url = models.URLField(max_length=1000, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"revision of post {self.post_id} at {self.replaced_at:%Y-%m-%d %H:%M}"


class TrackedLink(models.Model):
    """An outbound link of a post, served through the short redirect `/l/<code>` (R8.8).

    Written with the post's words (its link and the http(s) links of its text); a link an edit
    removes keeps its row, code and clicks but no longer redirects (`in_post` False). The code
    of an address in a post never changes, so a card rendered with it stays right.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="tracked_links")
    url = models.TextField()
    # Unique per post by a digest: an address in a text may be longer than an index can hold.
    url_digest = models.CharField(max_length=64)
    code = models.CharField(max_length=16, unique=True)
    position = models.PositiveIntegerField(default=0)
    in_post = models.BooleanField(default=True)
    click_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-in_post", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "url_digest"], name="tracked_link_once")
        ]

    def __str__(self) -> str:
        return f"/l/{self.code} → {self.url[:80]}"


class LinkTags(models.Model):
    """The UTM tags a post's team chose for its links instead of the defaults (R8.8).

    An empty value means the default: the instance for the source, "social" for the medium,
    the campaign a service names or the post's rubric, "post-<id>" for the content.
    """

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="link_tags")
    utm_source = models.CharField(_("UTM source"), max_length=100, blank=True)
    utm_medium = models.CharField(_("UTM medium"), max_length=100, blank=True)
    utm_campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True)
    utm_content = models.CharField(_("UTM content"), max_length=100, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"link tags of post {self.post_id}"


class Topic(models.Model):
    """A discussion board topic (R4.5); its comments are Comment rows with `topic` set."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="topics"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    body_html = models.TextField(blank=True)
    pinned = models.BooleanField(default=False)
    closed = models.BooleanField(default=False)
    held = models.BooleanField(default=False)
    language = models.CharField(max_length=8, blank=True)
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["community", "-pinned", "-last_activity_at", "-id"]),
            models.Index(fields=["author", "-created_at"], name="topic_author_recent"),
        ]

    def __str__(self) -> str:
        return self.title


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    DELETED = "deleted", _("Deleted")
    HELD = "held", _("Held for review")
    REJECTED = "rejected", _("Rejected")


class Comment(models.Model):
    """A comment under a post or in a discussion topic; replies nest one level deep."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    # The topic and the author are found by the indexes below that start with them (Meta): an
    # index of their own would only be written, on every comment.
    topic = models.ForeignKey(
        Topic,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        db_index=False,
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    signed_as = models.CharField(max_length=10, choices=Signature.choices, default=Signature.AUTHOR)
    body = models.TextField(_("text"))
    body_html = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.VISIBLE
    )
    language = models.CharField(max_length=8, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False, topic__isnull=True)
                | models.Q(post__isnull=True, topic__isnull=False),
                name="comment_under_one_thing",
            )
        ]
        indexes = [
            # A post's top-level comments in order, read a page at a time: a partial index, since
            # PostgreSQL does not take `parent IS NULL` as fixing a column of a wider index and
            # sorted every comment of a post for each page (6.7 ms for 1,058; docs/performance.md).
            models.Index(
                fields=["post", "created_at", "id"],
                condition=models.Q(parent__isnull=True),
                name="comment_post_top_level",
            ),
            models.Index(fields=["topic", "created_at", "id"]),
            models.Index(fields=["author", "-created_at"], name="comment_author_recent"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class Like(models.Model):
    """One person's like of a post or a comment; at most one each (unlike deletes the row)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False, comment__isnull=True)
                | models.Q(post__isnull=True, comment__isnull=False),
                name="like_of_one_thing",
            ),
            models.UniqueConstraint(
                fields=["user", "post"],
                condition=models.Q(post__isnull=False),
                name="like_post_once",
            ),
            models.UniqueConstraint(
                fields=["user", "comment"],
                condition=models.Q(comment__isnull=False),
                name="like_comment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.post_id or self.comment_id}"


class Share(models.Model):
    """A repost of a post to the sharer's profile wall or to another community's wall."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    to_community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    repost = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="share_record")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} shared {self.post_id}"


class HiddenPost(models.Model):
    """A post a person hid from their feed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="hidden_post_once")]

    def __str__(self) -> str:
        return f"{self.user_id} hid {self.post_id}"


class AttendanceStatus(models.TextChoices):
    GOING = "going", _("Going")
    MAYBE = "maybe", _("Maybe")


class Attendance(models.Model):
    """Whether a person is going to an event community (R4.6)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=AttendanceStatus.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} {self.community_id}"


class Document(models.Model):
    """A file in a group's documents section (R4.6)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=media_path)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["community", "-created_at", "-id"])]

    def __str__(self) -> str:
        return self.title


class Album(models.Model):
    """A photo album of a community (R4.6)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="albums"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    photo_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["community", "-created_at", "-id"])]

    def __str__(self) -> str:
        return self.title


class Photo(models.Model):
    """A photo in an album, with its thumbnail."""

    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=media_path)
    thumbnail = models.ImageField(upload_to=media_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["album", "-created_at", "-id"])]

    def __str__(self) -> str:
        return self.caption or f"photo {self.pk}"
