"""Raw interaction events (append-only) and the exact set of viewers of each post.

Ingestion only appends here; statistics read through `analytics` query functions (later
issues), so the store can move behind them without touching the apps that record events.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from communa.core.events import EventKind, Platform


class Event(models.Model):
    """One interaction with a post or comment: who (when known), what, where, when."""

    # The busiest table: thousands of rows a second are appended in batches. Its keys are not
    # checked by the database on every insert (four lookups a row, most of the flush's cost on
    # PostgreSQL); Django's collector still deletes or clears the rows with their post, comment,
    # community or person, and ingest writes only ids it has just read.
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    # No index of their own either: the two composite indexes below begin with them.
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    post = models.ForeignKey(
        "walls.Post",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # Indexed only where set (below): nine rows in ten are impressions, without a comment.
    comment = models.ForeignKey(
        "walls.Comment",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    # A viewer key: "u<id>" for a logged-in person, "v<hash>" for an anonymous visitor.
    viewer = models.CharField(max_length=40, blank=True)
    platform = models.CharField(max_length=12, choices=Platform.choices, default=Platform.WEB)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["community", "kind", "at"]),
            models.Index(fields=["post", "kind", "at"]),
            # Clearing a deleted comment's events finds them here; an impression, with no
            # comment, adds no entry (an entry per row was a tenth of the impressions' COPY).
            models.Index(
                fields=["comment"], condition=Q(comment__isnull=False), name="event_comment_set"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} post={self.post_id} viewer={self.viewer} at {self.at:%Y-%m-%d %H:%M}"


class PostViewer(models.Model):
    """A distinct viewer of a post: the unique key makes reach exact (one row per viewer)."""

    # Not checked by the database per inserted row either (as Event's keys); the unique key
    # below begins with it, so it needs no index of its own.
    post = models.ForeignKey(
        "walls.Post",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    viewer = models.CharField(max_length=40)
    first_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "viewer"], name="post_viewer_once")]

    def __str__(self) -> str:
        return f"{self.viewer} saw {self.post_id}"


class ShownPosts(models.Model):
    """The impressions of one page view, as the buffered flush writes them: one row.

    A page that shows thirty posts from ten communities is one row, not thirty events nor ten
    rows (`analytics.impressions.write_batch`, ADR 0008). The rollup adds each row to the day
    cells of the communities it names (`rollups.roll_up_shown_posts`); the best times and the
    leaves after a view read the members' rows beside the events, through the index on the
    person and moment. Impressions recorded directly (`COMMUNA_IMPRESSIONS_MODE=direct`) stay
    events.

    A row's posts are all in `community` (a wall, a post page), or from several communities (a
    feed): then `community` is empty and `community_ids` names each post's, in `post_ids`'
    order ("|7||7||12|", which SQL can count a community's posts in: `community_mark`).
    """

    # Not checked by the database per inserted row (as Event's keys), nor indexed: nothing reads
    # a community's rows but through its members, and a row of several communities must outlive
    # the deletion of one of them. A deleted community's rows stay for the rollup to skip.
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the index below begins with it
    )
    viewer = models.CharField(max_length=40, blank=True)
    platform = models.CharField(max_length=12, choices=Platform.choices, default=Platform.WEB)
    at = models.DateTimeField()
    post_ids = models.TextField()  # comma-separated, in the page's order; each an impression
    community_ids = models.TextField(blank=True, default="")  # each post's, when several
    shown = models.PositiveIntegerField()  # how many ids: the impressions the row stands for

    class Meta:
        indexes = [
            # A member's rows by moment (the best times, the leaves after a view, clearing a
            # deleted person's); a visitor's row adds no entry.
            models.Index(
                fields=["user", "at"], condition=Q(user__isnull=False), name="shown_posts_user_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.viewer} saw {self.post_ids} at {self.at:%Y-%m-%d %H:%M:%S}"

    def ids(self) -> list[int]:
        return ids_of(self.post_ids)

    def parts(self) -> list[tuple[int, tuple[int, ...]]]:
        return shown_parts(self.community_id, self.post_ids, self.community_ids)


def community_mark(community_id: int) -> str:
    """How `ShownPosts.community_ids` writes one post's community."""
    return f"|{community_id}|"


def marked_communities(community_ids: Iterable[int]) -> str:
    """Each post's community as `ShownPosts.community_ids` holds them, in the posts' order."""
    return "".join(map(community_mark, community_ids))


def shown_parts(
    community_id: int | None, post_ids: str, community_ids: str
) -> list[tuple[int, tuple[int, ...]]]:
    """A `ShownPosts` row's posts by community: each community once, with its posts' ids in
    the row's order (from the row's columns, as read without a model)."""
    ids = ids_of(post_ids)
    if community_id is not None:
        return [(community_id, tuple(ids))]
    parts: dict[int, list[int]] = {}
    for post_id, community in zip(ids, community_ids[1:-1].split("||"), strict=True):
        parts.setdefault(int(community), []).append(post_id)
    return [(community, tuple(there)) for community, there in parts.items()]


def ids_of(text: str) -> list[int]:
    """The post ids of a comma-separated list (`ShownPosts`, `ImpressionBuffer`)."""
    return [int(part) for part in text.split(",") if part]


def joined_ids(ids: Iterable[int]) -> str:
    """Post ids as a comma-separated list, in their order (what `ids_of` reads)."""
    return ",".join(map(str, ids))


class ImpressionBuffer(models.Model):
    """One page view waiting to be counted: the posts it showed to a viewer (buffered mode)."""

    viewer = models.CharField(max_length=40, blank=True)
    # A plain id, not a key: a buffered row must never block deleting a person.
    user_id = models.BigIntegerField(null=True)
    platform = models.CharField(max_length=12, choices=Platform.choices, default=Platform.WEB)
    post_ids = models.TextField()  # comma-separated, in the page's order
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.viewer} saw {self.post_ids} at {self.at:%Y-%m-%d %H:%M:%S}"


class AppliedImpressionBatch(models.Model):
    """A batch of page views from the Redis buffer already written: never written twice."""

    batch_id = models.CharField(max_length=40, primary_key=True)
    applied_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"batch {self.batch_id} applied at {self.applied_at:%Y-%m-%d %H:%M:%S}"
