"""Rollups the worker keeps from the raw events (ADR 0015): dashboards read these, never the
raw `Event` rows.

Every figure is a sum over a (community or post, local day) cell, so any period of days is a
sum of cells; unique reach is a mergeable sketch per (community, day, platform). A cell's day is
the community's calendar day when the event was rolled up (its time zone at that moment).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class RollupState(models.Model):
    """How far one rollup has read its source: ids up to `done_id` are counted, and ids up to
    `seen_id` were allocated when it last looked (the next run reads up to there: a transaction
    that held a lower id then has committed by now)."""

    name = models.CharField(max_length=40, primary_key=True)
    done_id = models.BigIntegerField(default=0, db_default=0)
    seen_id = models.BigIntegerField(default=0, db_default=0)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name}: done to {self.done_id}, seen {self.seen_id}"


class _DayCounts(models.Model):
    """The interactions of one day (likes and unlikes apart: the net is likes − unlikes)."""

    impressions = models.BigIntegerField(default=0, db_default=0)
    likes = models.BigIntegerField(default=0, db_default=0)
    unlikes = models.BigIntegerField(default=0, db_default=0)
    comments = models.BigIntegerField(default=0, db_default=0)
    shares = models.BigIntegerField(default=0, db_default=0)
    hides = models.BigIntegerField(default=0, db_default=0)
    reports = models.BigIntegerField(default=0, db_default=0)
    link_clicks = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        abstract = True


class CommunityDay(_DayCounts):
    """A community's day: interactions on all its posts, impressions by platform, the
    membership changes (`member_change` is the exact change of the member count that day) and
    the members' votes, contest entries, form answers and guide steps."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    impressions_web = models.BigIntegerField(default=0, db_default=0)
    impressions_mobile_web = models.BigIntegerField(default=0, db_default=0)
    impressions_api = models.BigIntegerField(default=0, db_default=0)
    joins = models.BigIntegerField(default=0, db_default=0)
    leaves = models.BigIntegerField(default=0, db_default=0)
    blocks = models.BigIntegerField(default=0, db_default=0)
    member_change = models.BigIntegerField(default=0, db_default=0)
    # Taking part (R6): counted for the community only, never for a post's engagement.
    poll_votes = models.BigIntegerField(default=0, db_default=0)
    contest_entries = models.BigIntegerField(default=0, db_default=0)
    contest_votes = models.BigIntegerField(default=0, db_default=0)
    form_answers = models.BigIntegerField(default=0, db_default=0)
    guide_steps = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "day"], name="community_day_once")
        ]

    def __str__(self) -> str:
        return f"community {self.community_id} on {self.day}"


class PostDay(_DayCounts):
    """A post's day: its interactions, and the members who left within 24 hours of viewing it."""

    # No database-level keys on the busiest rollup tables: a foreign key check per upserted
    # row costs more than the upsert; Django's collector still deletes them with their post.
    post = models.ForeignKey(
        "walls.Post", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    day = models.DateField()
    leaves_after_view = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "day"], name="post_day_once")]
        indexes = [
            models.Index(fields=["community", "day"]),
            # The few days when someone left after viewing the post (negative feedback).
            models.Index(
                fields=["post"], condition=Q(leaves_after_view__gt=0), name="post_day_left"
            ),
        ]

    def __str__(self) -> str:
        return f"post {self.post_id} on {self.day}"


class ReachSpan(models.Model):
    """The distinct viewers of a community's posts over a day, an ISO week or a calendar month
    (local days), on one platform or on all (`platform` ""): a sketch (`analytics.sketch`) and
    its count. A period's reach merges the fewest spans that tile it (months, then weeks, then
    days), so a year reads a few dozen sketches instead of 365."""

    class Level(models.TextChoices):
        DAY = "d", "day"
        WEEK = "w", "week"
        MONTH = "m", "month"

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(max_length=1, choices=Level.choices)
    start = models.DateField()
    platform = models.CharField(max_length=12, blank=True)
    viewers = models.BigIntegerField(default=0)
    sketch = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "level", "start", "platform"], name="reach_span_once"
            )
        ]

    def __str__(self) -> str:
        return f"reach of community {self.community_id}, {self.level} of {self.start}"


class MemberDay(models.Model):
    """One person's day in a community: what they viewed and what they contributed (likes,
    comments, shares), for active members, the participation ladder and audience health."""

    # No database-level keys (as PostDay): Django's collector deletes the rows with their person.
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    day = models.DateField()
    views = models.BigIntegerField(default=0, db_default=0)
    likes = models.BigIntegerField(default=0, db_default=0)
    comments = models.BigIntegerField(default=0, db_default=0)
    shares = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        # The unique key, in the order the statistics read it (a community's days), and the
        # same key over the days with a contribution only: active members and the ladder read
        # those, a fifth of the rows (most days of most people are views alone).
        constraints = [
            models.UniqueConstraint(fields=["community", "day", "user"], name="member_day_once")
        ]
        indexes = [
            models.Index(
                fields=["community", "day", "user"],
                condition=Q(likes__gt=0) | Q(comments__gt=0) | Q(shares__gt=0),
                name="member_day_contributed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.community_id} on {self.day}"


class JoinDay(models.Model):
    """Joins of one day by where they came from (join source and UTM campaign)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    source = models.CharField(max_length=12)
    utm_campaign = models.CharField(max_length=100)
    joins = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "day", "source", "utm_campaign"], name="join_day_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.joins} joins of {self.community_id} on {self.day} from {self.source}"


class PostFacts(models.Model):
    """What a post's rates divide by, fixed when it is first rolled up: the members of its
    community at its publication (METRICS.md: old posts do not change as the community grows)."""

    post = models.OneToOneField(
        "walls.Post", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    published_at = models.DateTimeField()
    members_at_publication = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["community", "published_at"])]

    def __str__(self) -> str:
        return f"post {self.post_id}: {self.members_at_publication} members at publication"
