"""Sales from UTM-tagged visits (R9.9): the keys a shop reports with, and the conversions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConversionKey(models.Model):
    """A community's secret for the conversion endpoint; only its SHA-256 is stored."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Conversion(models.Model):
    """One order a shop reported for a UTM-tagged visit; unique per community by its order id."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    key = models.ForeignKey(ConversionKey, on_delete=models.SET_NULL, null=True, related_name="+")
    order_id = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=18, decimal_places=4)
    currency = models.CharField(max_length=3)
    utm_source = models.CharField(max_length=100)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    utm_content = models.CharField(max_length=100, blank=True)
    # The post `utm_content` "post-<id>" names, when it is one of this community's posts.
    post = models.ForeignKey("walls.Post", on_delete=models.SET_NULL, null=True, related_name="+")
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "order_id"], name="conversion_order_once")
        ]
        indexes = [
            models.Index(fields=["community", "occurred_at"]),
            models.Index(fields=["community", "utm_campaign", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"order {self.order_id}: {self.amount} {self.currency}"
