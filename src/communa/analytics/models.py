"""Raw interaction events (append-only) and the exact set of viewers of each post.

Ingestion only appends here; statistics read through `analytics` query functions (later
issues), so the store can move behind them without touching the apps that record events.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """What happened; each kind feeds a metric of METRICS.md."""

    IMPRESSION = "impression", _("Impression")
    LIKE = "like", _("Like")
    UNLIKE = "unlike", _("Unlike")
    COMMENT = "comment", _("Comment")
    SHARE = "share", _("Share")
    HIDE = "hide", _("Hide from feed")
    REPORT = "report", _("Report")
    LINK_CLICK = "link_click", _("Link click")


class Platform(models.TextChoices):
    """Where the viewer was: the web on a desktop, the web on a phone, or the API."""

    WEB = "web", _("Web")
    MOBILE_WEB = "mobile_web", _("Mobile web")
    API = "api", _("API")


class Event(models.Model):
    """One interaction with a post or comment: who (when known), what, where, when."""

    kind = models.CharField(max_length=12, choices=EventKind.choices)
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, null=True, related_name="+"
    )
    post = models.ForeignKey("walls.Post", on_delete=models.CASCADE, null=True, related_name="+")
    comment = models.ForeignKey(
        "walls.Comment", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # A viewer key: "u<id>" for a logged-in person, "v<hash>" for an anonymous visitor.
    viewer = models.CharField(max_length=40, blank=True)
    platform = models.CharField(max_length=12, choices=Platform.choices, default=Platform.WEB)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["community", "kind", "at"]),
            models.Index(fields=["post", "kind", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} post={self.post_id} viewer={self.viewer} at {self.at:%Y-%m-%d %H:%M}"


class PostViewer(models.Model):
    """A distinct viewer of a post: the unique key makes reach exact (one row per viewer)."""

    post = models.ForeignKey("walls.Post", on_delete=models.CASCADE, related_name="+")
    viewer = models.CharField(max_length=40)
    first_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "viewer"], name="post_viewer_once")]

    def __str__(self) -> str:
        return f"{self.viewer} saw {self.post_id}"
