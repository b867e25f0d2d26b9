"""Forms (R6.4): quizzes, questionnaires and applications built from fields, and the members'
responses with their answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FormKind(models.TextChoices):
    """What a form is for: a quiz scores answers, an application is accepted or rejected."""

    QUIZ = "quiz", _("Quiz")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    APPLICATION = "application", _("Application")


class FormState(models.TextChoices):
    """Draft forms are the team's; open ones take answers (between their dates); closed don't."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AnswerMode(models.TextChoices):
    """How often a member may answer."""

    ONCE = "once", _("Answer once")
    AGAIN = "again", _("Answer again as often as they like")
    EDIT = "edit", _("Answer once, change the answer until the form closes")


class FieldKind(models.TextChoices):
    """The kinds of question a form asks."""

    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    SCALE = "scale", _("Scale")
    CONSENT = "consent", _("Consent checkbox")


class ResponseStatus(models.TextChoices):
    """Where a response stands; only applications are accepted or rejected."""

    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Form(models.Model):
    """A quiz, questionnaire or application of a community, with its state and answer rules.

    `bands` holds a quiz's score bands: a list of {"min": points, "message": text}."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="forms"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FormKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=FormState.choices, default=FormState.DRAFT
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    answer_mode = models.CharField(
        _("answers"), max_length=8, choices=AnswerMode.choices, default=AnswerMode.ONCE
    )
    anonymous = models.BooleanField(_("anonymous responses"), default=False)
    bands = models.JSONField(_("score bands"), default=list, blank=True)
    response_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "-id"], name="form_community_id")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="form_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class FormField(models.Model):
    """One question of a form, in its place, with the rules its answers must keep.

    `choices` lists the options of a choice field; `correct` a quiz question's right answer
    (the right options of a choice field, else the one right value); `points` what it scores.
    `low_label` and `high_label` name a scale's ends."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=FieldKind.choices)
    label = models.CharField(_("label"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    min_length = models.PositiveIntegerField(_("shortest answer"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("longest answer"), null=True, blank=True)
    min_value = models.IntegerField(_("lowest value"), null=True, blank=True)
    max_value = models.IntegerField(_("highest value"), null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    low_label = models.CharField(_("label of the lowest value"), max_length=60, blank=True)
    high_label = models.CharField(_("label of the highest value"), max_length=60, blank=True)
    correct = models.JSONField(_("right answer"), null=True, blank=True)
    points = models.PositiveIntegerField(_("points"), default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class FormResponse(models.Model):
    """A member's response to a form: their answers, a quiz's score, an application's status.

    `respondent` is left empty on anonymous forms; `once_key` (a keyed hash of the person and
    the form) is set where a person may answer only once, and its unique constraint makes a
    double submit count once, even when the two arrive together."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # NULL, not "", where a person may answer again: NULLs never clash in a unique constraint.
    once_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    owner_key = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.SUBMITTED
    )
    score = models.IntegerField(_("score"), null=True, blank=True)
    max_score = models.IntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["form", "-id"], name="form_response_form_id")]
        constraints = [
            models.UniqueConstraint(fields=["form", "once_key"], name="form_response_once")
        ]

    def __str__(self) -> str:
        return f"{self.form_id}#{self.pk}"


class FormAnswer(models.Model):
    """One answer of a response: text, a list of options, a number, an ISO date or a yes."""

    response = models.ForeignKey(FormResponse, on_delete=models.CASCADE, related_name="answers")
    field = models.ForeignKey(FormField, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(null=True)
    correct = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "field"], name="form_answer_one_per_field")
        ]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.field_id}"
