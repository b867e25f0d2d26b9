"""Reads of accounts that are more than a `get`."""

from django.db.models import Q, QuerySet

from communa.accounts.models import Notification, PersonalAccessToken, User
from communa.core.pagination import Page, keyset_page, page_size


def tokens_of(user: User) -> QuerySet[PersonalAccessToken]:
    """A user's tokens, newest first, revoked ones included (they show as revoked)."""
    return PersonalAccessToken.objects.filter(user=user).order_by("-created_at", "-id")


def user_named(username: str) -> User | None:
    """The active account with this username, in any case."""
    return User.objects.filter(username__iexact=(username or "").strip(), is_active=True).first()


def users_named(names: list[str]) -> tuple[list[User], list[str]]:
    """Active accounts with these usernames (any case, one query), and the names matching nobody."""
    wanted = {name.strip().casefold(): name.strip() for name in names if name and name.strip()}
    if not wanted:
        return [], []
    match = Q()
    for name in wanted.values():
        match |= Q(username__iexact=name)
    found = list(User.objects.filter(match, is_active=True))
    known = {user.username.casefold() for user in found}
    return found, [name for key, name in wanted.items() if key not in known]


def notifications_page(
    user: User, *, cursor: str | None = None, limit: int | None = None
) -> Page[Notification]:
    """A person's notifications, newest first, a page at a time."""
    return keyset_page(
        Notification.objects.filter(recipient=user),
        ["-created_at", "-id"],
        cursor=cursor,
        limit=page_size(limit),
    )
