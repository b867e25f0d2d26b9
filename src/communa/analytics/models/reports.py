"""Monthly reports the worker keeps for download (R9.11)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class MonthlyReport(models.Model):
    """The printable report of one community's calendar month, made once by the worker after
    the month ends, as a self-contained HTML file (it prints to A4 from any browser)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(help_text="The first day of the month.")
    language = models.CharField(max_length=10)
    html = models.TextField()
    generated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="monthly_report_once")
        ]
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"report of {self.community_id} for {self.month:%Y-%m}"
