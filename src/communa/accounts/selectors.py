"""Reads of accounts that are more than a `get`."""

from django.db.models import QuerySet

from communa.accounts.models import PersonalAccessToken, User


def tokens_of(user: User) -> QuerySet[PersonalAccessToken]:
    """A user's tokens, newest first, revoked ones included (they show as revoked)."""
    return PersonalAccessToken.objects.filter(user=user).order_by("-created_at", "-id")
