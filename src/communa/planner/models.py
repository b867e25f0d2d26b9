"""Rubrics (R8.1) and the tone classes of the mix advisor (R8.4); the content plan comes later."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tone(models.TextChoices):
    """R8.4: the tone class of a post, for the target mix (30 / 35 / 35 by default)."""

    BRANDED = "branded", _("Branded")
    FUNCTIONAL = "functional", _("Functional")
    EMOTIONAL = "emotional", _("Emotional")


class DefaultRubric(models.TextChoices):
    """R8.1: the rubrics every community starts with (seed 000)."""

    PRODUCT = "product", _("Product information")
    INTERACTION = "interaction", _("Interaction with members")
    ENTERTAINMENT = "entertainment", _("Entertainment")
    BEHIND_SCENES = "behind_scenes", _("Behind the scenes / HR")
    EXPERT = "expert", _("Educational / expert")
    POLL = "poll", _("Poll")
    NEWS = "news", _("Industry news")
    GRAPHICS = "graphics", _("Graphics")


# The tone a post of each default rubric most often has; a post may override it.
DEFAULT_TONES: dict[str, str] = {
    DefaultRubric.PRODUCT: Tone.BRANDED,
    DefaultRubric.INTERACTION: Tone.EMOTIONAL,
    DefaultRubric.ENTERTAINMENT: Tone.EMOTIONAL,
    DefaultRubric.BEHIND_SCENES: Tone.BRANDED,
    DefaultRubric.EXPERT: Tone.FUNCTIONAL,
    DefaultRubric.POLL: Tone.EMOTIONAL,
    DefaultRubric.NEWS: Tone.FUNCTIONAL,
    DefaultRubric.GRAPHICS: Tone.EMOTIONAL,
}


class Rubric(models.Model):
    """A content category of one community; every community post has one (R8.1)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="rubrics"
    )
    # A default rubric keeps its code so that its name shows in each reader's language.
    code = models.CharField(max_length=20, choices=DefaultRubric.choices, blank=True)
    name = models.CharField(_("name"), max_length=80, blank=True)
    default_tone = models.CharField(
        _("default tone"), max_length=12, choices=Tone.choices, default=Tone.FUNCTIONAL
    )
    position = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "code"],
                condition=~models.Q(code=""),
                name="rubric_default_once",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The custom name, or the default rubric's name in the current language."""
        if self.name:
            return self.name
        return str(DefaultRubric(self.code).label) if self.code else "?"
