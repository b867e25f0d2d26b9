"""Benchmarks (R9.10) and imported activity (R8.5's input): other communities' public numbers
and real reaction events brought in from files, kept apart from what happened here.

A watched page belongs to one community and is seen only by its statistics team. Its posts keep
what the export gave and nothing more: an empty cell is an unknown number (NULL), never a zero.
Imported reactions are events of placeholder accounts listed in `ImportedPerson`, so every
statistic can tell them from native ones (ADR 0016).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportFormat(models.TextChoices):
    """The layouts an export is read in."""

    UCI_FACEBOOK = "uci-facebook", _("UCI Facebook metrics (dataset_Facebook.csv)")
    CSV = "csv", _("CSV with a column mapping")
    JSON = "json", _("JSON with a key mapping")


class WatchedPage(models.Model):
    """Another community's page the team compares itself with, filled from an export."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    source_format = models.CharField(max_length=16, choices=ImportFormat.choices)
    file_name = models.CharField(max_length=200, blank=True)
    # The UCI layout has months but no year: the year given at import, if any, dates them.
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="watched_page_name_once")
        ]
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class WatchedPost(models.Model):
    """One post of a watched page as its export gives it; NULL is a number the file left out."""

    page = models.ForeignKey(WatchedPage, on_delete=models.CASCADE, related_name="posts")
    row = models.PositiveIntegerField()  # where it was in the file (the header is row 1)
    kind = models.CharField(max_length=40)  # photo, status, link, video, ... (lower case)
    rubric = models.CharField(max_length=80, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)  # 1–12
    weekday = models.PositiveSmallIntegerField(null=True, blank=True)  # 0 = Monday … 6 = Sunday
    hour = models.PositiveSmallIntegerField(null=True, blank=True)  # 0–23, the page's clock
    members = models.BigIntegerField(null=True, blank=True)  # members at publication
    reach = models.BigIntegerField(null=True, blank=True)
    impressions = models.BigIntegerField(null=True, blank=True)
    likes = models.BigIntegerField(null=True, blank=True)
    comments = models.BigIntegerField(null=True, blank=True)
    shares = models.BigIntegerField(null=True, blank=True)
    paid = models.BooleanField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["page", "row", "id"])]

    def __str__(self) -> str:
        return f"{self.kind} (row {self.row}) of {self.page_id}"


class ActivityImport(models.Model):
    """One imported file of reaction events in a community; importing its name again replaces
    its events."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=120)
    source_format = models.CharField(max_length=16)
    file_name = models.CharField(max_length=200, blank=True)
    events = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="activity_import_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class ImportedPerson(models.Model):
    """A placeholder account standing for someone of an imported file: their events are
    imported, never native (nobody can log in as them)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    external_id = models.CharField(max_length=100)  # the file's id (a fingerprint)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    source = models.ForeignKey(ActivityImport, on_delete=models.CASCADE, related_name="people")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="imported_person_once")
        ]

    def __str__(self) -> str:
        return f"{self.external_id} in {self.community_id}"
