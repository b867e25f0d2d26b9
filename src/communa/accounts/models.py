"""Users with the profile fields that later feed audience statistics, and API tokens."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, TypeAlias

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from typing_extensions import TypeIs


class Gender(models.TextChoices):
    """Self-described gender; empty means the person did not say."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class CaseInsensitiveUserManager(UserManager["User"]):
    """Looks usernames up without regard to case, as the unique constraint compares them."""

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username__iexact=username)


def avatar_path(instance: User, filename: str) -> str:
    # A fresh name per upload: no clash, nothing guessable from the original file name.
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"avatars/{instance.pk}/{uuid.uuid4().hex}.{extension}"


class User(AbstractUser):
    """A person with an account; profile fields are optional and validated by the actions."""

    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_path, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # Kept by the notification actions with F() updates, so the top bar reads it for free.
    unread_notifications = models.PositiveIntegerField(default=0)

    objects: ClassVar[CaseInsensitiveUserManager] = CaseInsensitiveUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def shown_name(self) -> str:
        """The name to show others: the display name, else the username."""
        return self.display_name or self.username


class PersonalAccessToken(models.Model):
    """A secret a user creates to call the API; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class NotificationKind(models.TextChoices):
    """What a notification tells its recipient about."""

    COMMENT_ON_POST = "comment_on_post", _("A comment on your post")
    REPLY_TO_COMMENT = "reply_to_comment", _("A reply to your comment")
    REPORT_UPHELD = "report_upheld", _("Your report was upheld")
    REPORT_DISMISSED = "report_dismissed", _("Your report was dismissed")
    SUGGESTION_PUBLISHED = "suggestion_published", _("Your suggested post was published")
    SUGGESTION_REJECTED = "suggestion_rejected", _("Your suggested post was rejected")
    REQUEST_APPROVED = "request_approved", _("Your join request was approved")
    REQUEST_REJECTED = "request_rejected", _("Your join request was rejected")
    REQUEST_WAITING = "request_waiting", _("A join request waits for you")
    DRAFT_WAITING = "draft_waiting", _("A draft waits for your approval")
    DRAFT_RETURNED = "draft_returned", _("Your draft was returned")
    DRAFT_APPROVED = "draft_approved", _("Your draft was approved")
    POST_FAILED = "post_failed", _("A scheduled post could not be published")
    CONTEST_WON = "contest_won", _("You won a contest")


class Notification(models.Model):
    """Something that happened for a person: a reply, a decision, a request waiting for them.

    The names are copied when it is written (the text is worded when it is read, in the reader's
    language), so a notification reads the same after its subject is renamed or deleted.
    """

    # Found by the index below, which starts with it: an index of its own would only be written.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    actor_name = models.CharField(max_length=150, blank=True)
    community_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "-created_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def message(self) -> str:
        """What happened, worded in the active language."""
        wording = NOTIFICATION_WORDING.get(self.kind)
        values = {
            "actor": self.actor_name,
            "community": self.community_name,
            "subject": self.subject,
        }
        return str(wording) % values if wording else self.get_kind_display()


NOTIFICATION_WORDING: dict[str, Any] = {
    NotificationKind.COMMENT_ON_POST: _("%(actor)s commented on your post “%(subject)s”."),
    NotificationKind.REPLY_TO_COMMENT: _("%(actor)s replied to your comment on “%(subject)s”."),
    NotificationKind.REPORT_UPHELD: _(
        "Your report in %(community)s was upheld: the content has been removed."
    ),
    NotificationKind.REPORT_DISMISSED: _(
        "Your report in %(community)s has been reviewed: the content stays."
    ),
    NotificationKind.SUGGESTION_PUBLISHED: _(
        "Your suggested post “%(subject)s” has been published in %(community)s."
    ),
    NotificationKind.SUGGESTION_REJECTED: _(
        "Your suggested post “%(subject)s” was not published in %(community)s."
    ),
    NotificationKind.REQUEST_APPROVED: _("Your request to join %(community)s has been approved."),
    NotificationKind.REQUEST_REJECTED: _("Your request to join %(community)s was rejected."),
    NotificationKind.REQUEST_WAITING: _("%(actor)s asks to join %(community)s."),
    NotificationKind.DRAFT_WAITING: _(
        "%(actor)s sent the draft “%(subject)s” in %(community)s for approval."
    ),
    NotificationKind.DRAFT_RETURNED: _(
        "%(actor)s returned your draft “%(subject)s” in %(community)s with a comment."
    ),
    NotificationKind.DRAFT_APPROVED: _(
        "%(actor)s approved your draft “%(subject)s” in %(community)s."
    ),
    NotificationKind.POST_FAILED: _(
        "The scheduled post “%(subject)s” in %(community)s could not be published."
    ),
    NotificationKind.CONTEST_WON: _("You won the contest “%(subject)s” in %(community)s."),
}


# Whoever asks for something: a person, an anonymous visitor (Django's AnonymousUser on a
# request), or nobody in particular (None: a background task). Permission checks take this.
Actor: TypeAlias = "User | AnonymousUser | None"


def signed_in(actor: Actor) -> TypeIs[User]:
    """Whether the actor is a logged-in person (and, for the type checker, a User)."""
    return actor is not None and bool(getattr(actor, "is_authenticated", False))
