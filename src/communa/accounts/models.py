"""Users with the profile fields that later feed audience statistics, and API tokens."""

from __future__ import annotations

import uuid
from typing import ClassVar, TypeAlias

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager
from django.db import models
from django.db.models.functions import Lower
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


# Whoever asks for something: a person, an anonymous visitor (Django's AnonymousUser on a
# request), or nobody in particular (None: a background task). Permission checks take this.
Actor: TypeAlias = "User | AnonymousUser | None"


def signed_in(actor: Actor) -> TypeIs[User]:
    """Whether the actor is a logged-in person (and, for the type checker, a User)."""
    return actor is not None and bool(getattr(actor, "is_authenticated", False))
