"""Playbooks (R5.4): a community's escalation steps, the offences they count, the sanctions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SanctionAction(models.TextChoices):
    """What a playbook step does to the member."""

    WARN = "warn", _("Warning")
    MUTE = "mute", _("Mute")
    BLOCK = "block", _("Block")


class OffenceKind(models.TextChoices):
    """Where an offence comes from."""

    REPORT_UPHELD = "report_upheld", _("Content removed after a report")
    COMMENT_DELETED = "comment_deleted", _("Comment removed by a moderator")
    FILTER = "filter", _("Refused by the automatic checks")


class PlaybookStep(models.Model):
    """One escalation step: at the Nth offence within so many days, warn, mute or block."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="playbook_steps"
    )
    position = models.PositiveSmallIntegerField()
    offences = models.PositiveSmallIntegerField()
    window_days = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=8, choices=SanctionAction.choices)
    duration_days = models.PositiveSmallIntegerField(null=True, blank=True)
    message = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["community", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "position"], name="playbook_step_position"
            ),
            models.CheckConstraint(condition=models.Q(offences__gte=1), name="playbook_step_count"),
        ]

    def __str__(self) -> str:
        return f"{self.community_id} #{self.position}: {self.offences} → {self.action}"


class Offence(models.Model):
    """One offence by a person in a community; appended once, never changed (the count's input)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=OffenceKind.choices)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["community", "user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.community_id}: {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: an offence on record is never rewritten."""
        if not self._state.adding:
            raise RuntimeError("Offences are append-only: a stored offence is never changed.")
        super().save(*args, **kwargs)


class Sanction(models.Model):
    """A warning, mute or block the playbook applied, with its reason, end and lifting."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=8, choices=SanctionAction.choices)
    # The offence's reason and the step's message as they were: steps may change later.
    reason = models.CharField(max_length=500, blank=True)
    message = models.TextField(blank=True)
    step = models.ForeignKey(
        PlaybookStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    offence = models.ForeignKey(
        Offence, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A block sanction's Block row: lifting the sanction lifts it.
    block = models.ForeignKey(
        "communities.Block", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["community", "user", "action", "-created_at"]),
            models.Index(fields=["community", "-created_at", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} for {self.user_id} in {self.community_id}"

    @property
    def shown_reason(self) -> str:
        """What the member reads: the team's message, then the offence's reason."""
        return " — ".join(part for part in (self.message.strip(), self.reason.strip()) if part)

    def is_active(self, now: Any = None) -> bool:
        """Not lifted and not past its end."""
        moment = now or timezone.now()
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > moment)
