"""The content plan (R8.2), promotions (R8.6), the mix targets (R8.4) and where each draft sits
in the plan. Rubrics and tones live in `communities` (ADR 0006); drafts and scheduled posts are
walls' posts in their draft statuses (ADR 0011): the planner plans around them and moves them
through walls' actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communa.communities.models import Tone


class ContentPlan(models.Model):
    """A weekly plan of slots; in effect between its dates, or always when it has none.

    A community may keep several ("summer", "sale weeks"); their dates never overlap and at most
    one has no dates (the default), so exactly one plan, or none, is in effect on any day.
    """

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="content_plans"
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community"],
                condition=models.Q(starts_on__isnull=True),
                name="plan_one_default",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True, ends_on__isnull=True)
                | models.Q(
                    starts_on__isnull=False,
                    ends_on__isnull=False,
                    ends_on__gte=models.F("starts_on"),
                ),
                name="plan_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlanSlot(models.Model):
    """A place in the week for a post: a weekday, a local time, a rubric, a tone, a note."""

    plan = models.ForeignKey(ContentPlan, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # 0 = Monday, as in Python
    time = models.TimeField(_("time"))
    rubric = models.ForeignKey(
        "communities.Rubric", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tone = models.CharField(_("tone"), max_length=12, choices=Tone.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["weekday", "time", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="slot_weekday_0_6")
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.time:%H:%M}"


class PromotionKind(models.TextChoices):
    """R8.6: what a promotion is."""

    CONTEST = "contest", _("Contest")
    AD_CAMPAIGN = "ad_campaign", _("Ad campaign")
    DISCOUNT = "discount", _("Discount")
    LAUNCH = "launch", _("Launch")


class Promotion(models.Model):
    """A contest, campaign, discount or launch with its dates; posts may belong to it."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="promotions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PromotionKind.choices)
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    description = models.TextField(_("description"), max_length=2000, blank=True)
    # The utm_campaign of the promotion's tracked links (R8.8); blank: made from the name.
    campaign = models.SlugField(_("campaign tag"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="promotion_dates_in_order",
            )
        ]
        indexes = [models.Index(fields=["community", "starts_on"])]

    def __str__(self) -> str:
        return self.name


class PlannedPost(models.Model):
    """Where a draft or post sits in the plan: the slot it fills on which day, its promotion."""

    post = models.OneToOneField("walls.Post", on_delete=models.CASCADE, related_name="plan_entry")
    # A deleted slot leaves its drafts where they are in time (R8: "a slot deleted while a draft
    # points at it"), just no longer filling a slot.
    slot = models.ForeignKey(
        PlanSlot, on_delete=models.SET_NULL, null=True, blank=True, related_name="entries"
    )
    slot_date = models.DateField(null=True, blank=True)
    promotion = models.ForeignKey(
        Promotion, on_delete=models.SET_NULL, null=True, blank=True, related_name="entries"
    )

    class Meta:
        indexes = [models.Index(fields=["slot", "slot_date"])]

    def __str__(self) -> str:
        return f"post {self.post_id} in the plan"


class FrequencyProfile(models.TextChoices):
    """R8.4: how many posts a day suit this community (seeds 001 and 004)."""

    BRAND = "brand", _("Brand: 1–3 posts a day")
    MEDIA = "media", _("Media: 6–12 posts a day")
    CUSTOM = "custom", _("Custom")


FREQUENCY_RANGES = {FrequencyProfile.BRAND: (1, 3), FrequencyProfile.MEDIA: (6, 12)}


class MixTargets(models.Model):
    """R8.4: the community's target tone mix, promotional limit and posting frequency."""

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, related_name="mix_targets"
    )
    branded = models.PositiveSmallIntegerField(_("branded %"), default=30)
    functional = models.PositiveSmallIntegerField(_("functional %"), default=35)
    emotional = models.PositiveSmallIntegerField(_("emotional %"), default=35)
    promotional_limit = models.PositiveSmallIntegerField(_("promotional at most %"), default=20)
    # How far a tone's share may stray from its target before the advisor warns (points).
    tolerance = models.PositiveSmallIntegerField(_("tolerance (points)"), default=10)
    frequency = models.CharField(
        _("frequency"),
        max_length=8,
        choices=FrequencyProfile.choices,
        default=FrequencyProfile.BRAND,
    )
    min_per_day = models.PositiveSmallIntegerField(_("at least a day"), default=1)
    max_per_day = models.PositiveSmallIntegerField(_("at most a day"), default=3)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(branded__lte=100, functional__lte=100, emotional__lte=100),
                name="mix_shares_are_percentages",
            )
        ]

    def __str__(self) -> str:
        return f"mix targets of community {self.community_id}"
