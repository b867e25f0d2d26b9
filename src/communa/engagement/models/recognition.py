"""Recognition (R6.3): monthly leaders, titles and badges.

A month's leader board is computed once after the month ends in the community's time zone (the
worker) or again on demand by the team; badges are given by rules (`BadgeRule`) when a month is
computed, or by hand by the team, and taken back by the team (the row stays, revoked).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Contribution(models.TextChoices):
    """What a badge rule counts (METRICS of recognition: docs/adr/0021)."""

    SCORE = "score", _("Score")
    RANK = "rank", _("Place on a month's board")
    POSTS = "posts", _("Posts published")
    COMMENTS = "comments", _("Comments")
    LIKES_RECEIVED = "likes_received", _("Likes received")
    ACCEPTED_SUGGESTIONS = "accepted_suggestions", _("Accepted suggestions")
    DISCUSSION_REPLIES = "discussion_replies", _("Discussion replies")


class RuleScope(models.TextChoices):
    """Over what a rule counts: one month, or everything up to the end of a month."""

    MONTH = "month", _("In one month")
    TOTAL = "total", _("In total")


class BadgeKind(models.TextChoices):
    TITLE = "title", _("Title")
    BADGE = "badge", _("Badge")


class RecognitionSettings(models.Model):
    """A community's recognition settings (defaults until the team changes them)."""

    community = models.OneToOneField(
        "communities.Community",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="recognition_settings",
    )
    include_team = models.BooleanField(_("list the team among the leaders"), default=False)

    def __str__(self) -> str:
        return f"recognition of community {self.community_id}"


class MonthlyLeaders(models.Model):
    """A snapshot of one community-month's leader board; one per community and month."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="monthly_leaders"
    )
    # The month's first day (the community's calendar).
    month = models.DateField()
    computed_at = models.DateTimeField(default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The weights in force when computed, so the breakdown stays readable if they change.
    weights = models.JSONField(default=dict)
    include_team = models.BooleanField(default=False)
    members_counted = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="leaders_once_a_month")
        ]
        indexes = [models.Index(fields=["community", "-month"])]

    def __str__(self) -> str:
        return f"leaders of {self.month:%Y-%m} in community {self.community_id}"


class Leader(models.Model):
    """One member's place on a month's board with the breakdown of their score."""

    board = models.ForeignKey(MonthlyLeaders, on_delete=models.CASCADE, related_name="leaders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField()
    score = models.PositiveIntegerField()
    posts = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    likes_received = models.PositiveIntegerField(default=0)
    accepted_suggestions = models.PositiveIntegerField(default=0)
    discussion_replies = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "user"], name="leader_once_a_board")
        ]
        ordering = ["rank", "user_id"]

    def __str__(self) -> str:
        return f"#{self.rank} {self.user_id}: {self.score}"


class BadgeRule(models.Model):
    """A community's rule that gives a badge automatically when a month is computed: a kind of
    contribution and a threshold, in that month or in total (rank: the top N of a month)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="badge_rules"
    )
    label = models.CharField(_("badge"), max_length=40)
    description = models.CharField(_("description"), max_length=200, blank=True)
    contribution = models.CharField(_("counts"), max_length=24, choices=Contribution.choices)
    threshold = models.PositiveIntegerField(_("threshold"))
    scope = models.CharField(
        _("over"), max_length=8, choices=RuleScope.choices, default=RuleScope.MONTH
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["community", "id"])]

    def __str__(self) -> str:
        return self.label


class MemberBadge(models.Model):
    """A title or badge a member holds in a community: from a rule, the member of the month
    title, or given by hand by the team with a reason. Taking it back keeps the row."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="member_badges"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=BadgeKind.choices, default=BadgeKind.BADGE)
    label = models.CharField(max_length=40)
    description = models.CharField(max_length=200, blank=True)
    rule = models.ForeignKey(
        BadgeRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="badges"
    )
    # "YYYY-MM" of the month it was earned in; "" for a total rule's badge and one given by hand.
    period = models.CharField(max_length=7, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    awarded_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            # A rule gives its badge once per member and month (once in all for a total rule),
            # and a badge the team took back is not given again by the same rule.
            models.UniqueConstraint(
                fields=["rule", "user", "period"],
                condition=models.Q(rule__isnull=False),
                name="badge_once_per_rule",
            ),
            # One member of the month title per member and month (ties share it).
            models.UniqueConstraint(
                fields=["community", "user", "period"],
                condition=models.Q(kind="title"),
                name="title_once_a_month",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "user"], name="member_badges_of"),
            models.Index(fields=["community", "-awarded_at", "-id"], name="member_badges_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.label} of {self.user_id}"
