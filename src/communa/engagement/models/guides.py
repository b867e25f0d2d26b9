"""Guides (learning units): ordered modules of a community's posts, and each member's progress
through them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Guide(models.Model):
    """A guide: a title, a description and ordered modules; members see it once published."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="guides"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    step_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class GuideModule(models.Model):
    """One unit of a guide, in its place: a title and an ordered list of steps."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class GuideStep(models.Model):
    """One step of a module: a published post of the community, with the team's note."""

    module = models.ForeignKey(GuideModule, on_delete=models.CASCADE, related_name="steps")
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    post = models.ForeignKey("walls.Post", on_delete=models.CASCADE, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.module_id}:{self.post_id}"


class GuideProgress(models.Model):
    """A member began a guide (their first step done) and, once every step was done, finished it.

    A step added later does not undo a finish: they did all the guide had then."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "user"], name="guide_progress_one_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.guide_id}:{self.user_id}"


class GuideStepDone(models.Model):
    """A member marked a step as done (once: the unique constraint decides double clicks)."""

    progress = models.ForeignKey(GuideProgress, on_delete=models.CASCADE, related_name="done")
    step = models.ForeignKey(GuideStep, on_delete=models.CASCADE, related_name="done")
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["progress", "step"], name="guide_step_done_once")
        ]

    def __str__(self) -> str:
        return f"{self.progress_id}:{self.step_id}"
