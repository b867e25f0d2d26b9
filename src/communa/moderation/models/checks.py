"""Automatic checks wired into writing (R5.1, R5.2): each community's settings, and held items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """What a community does with a text one check found something in (R5.2)."""

    PUBLISH = "publish", _("Publish")
    HIDE = "hide", _("Hide the words")
    HOLD = "hold", _("Hold for review")
    REJECT = "reject", _("Reject")


class FilterSettings(models.Model):
    """One community's choices for the automatic checks; a community without a row has defaults."""

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, related_name="filter_settings"
    )
    # {category: outcome}; categories left out follow the defaults of `screening.DEFAULT_OUTCOMES`.
    outcomes = models.JSONField(default=dict, blank=True)
    stop_words = models.JSONField(default=list, blank=True)
    spam_domains = models.JSONField(default=list, blank=True)
    allowed_link_domains = models.JSONField(default=list, blank=True)
    max_links = models.PositiveSmallIntegerField(default=3)
    max_mentions = models.PositiveSmallIntegerField(default=5)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"filter settings of {self.community_id}"


class HeldStatus(models.TextChoices):
    HELD = "held", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class HeldItem(models.Model):
    """A post, comment or discussion the checks held back until a moderator decides (R5.2)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="held_items"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="held_items"
    )
    post = models.ForeignKey(
        "walls.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="holds"
    )
    comment = models.ForeignKey(
        "walls.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="holds"
    )
    topic = models.ForeignKey(
        "walls.Topic", on_delete=models.CASCADE, null=True, blank=True, related_name="holds"
    )
    # The categories that held it, first the one shown as its reason; details per category.
    categories = models.JSONField(default=list)
    reason = models.CharField(max_length=20)
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=HeldStatus.choices, default=HeldStatus.HELD)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(post__isnull=False, comment__isnull=True, topic__isnull=True)
                    | models.Q(post__isnull=True, comment__isnull=False, topic__isnull=True)
                    | models.Q(post__isnull=True, comment__isnull=True, topic__isnull=False)
                ),
                name="held_item_one_target",
            ),
            models.UniqueConstraint(
                fields=["post"], condition=models.Q(status="held"), name="held_item_one_post"
            ),
            models.UniqueConstraint(
                fields=["comment"], condition=models.Q(status="held"), name="held_item_one_comment"
            ),
            models.UniqueConstraint(
                fields=["topic"], condition=models.Q(status="held"), name="held_item_one_topic"
            ),
        ]
        indexes = [models.Index(fields=["community", "status", "-created_at", "-id"])]

    def __str__(self) -> str:
        return f"held {self.categories} by {self.author_id}"

    @property
    def target(self) -> models.Model | None:
        return self.post or self.comment or self.topic
