"""KPI goals (R9.8): a target for one metric of a goal type, by a deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GoalType(models.TextChoices):
    """The five kinds of goal of seed 000, each with its own set of metrics."""

    AWARENESS = "awareness", _("Awareness")
    LOYALTY = "loyalty", _("Loyalty")
    PROMOTION = "promotion", _("Event or promotion")
    SALES = "sales", _("Sales")
    SUPPORT = "support", _("Customer support")


class GoalStatus(models.TextChoices):
    """Where a goal stands, from its progress and the forecast of its trend."""

    NOT_ENOUGH_DATA = "not_enough_data", _("Not enough data yet")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    WILL_MISS = "will_miss", _("Will miss")
    ACHIEVED = "achieved", _("Achieved")
    ENDED = "ended", _("Ended")


class Goal(models.Model):
    """A community's KPI goal: reach `target` on `metric` between `starts_on` and `deadline`."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    goal_type = models.CharField(_("goal type"), max_length=12, choices=GoalType.choices)
    metric = models.CharField(_("metric"), max_length=32)
    name = models.CharField(_("name"), max_length=120, blank=True)
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=4)
    # Money metrics (revenue, average order value) are per currency: never summed across them.
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    starts_on = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["community", "deadline", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("starts_on")),
                name="goal_deadline_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name or f"{self.metric} → {self.target}"
