"""The team's own verdicts for the negative-feedback ledger (R9.5): analytics keeps them in its
table, keyed by the comment, and never writes the comment (walls owns it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class NegativeComment(models.Model):
    """A comment the community's team marked negative: who marked it and when."""

    comment = models.OneToOneField(
        "walls.Comment", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["community", "-marked_at"])]

    def __str__(self) -> str:
        return f"comment {self.comment_id} marked negative"
