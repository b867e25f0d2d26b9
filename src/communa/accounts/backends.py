"""Authentication backend that matches usernames (or e-mail addresses) without regard to case."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from communa.core.rows import read_one


class CaseInsensitiveModelBackend(ModelBackend):
    """`Alice`, `alice` and alice@example.com all reach the same account."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not username or password is None:
            return None
        user_model = get_user_model()
        field = "email__iexact" if "@" in username else "username__iexact"
        try:
            user = user_model._default_manager.get(**{field: username})
        except (user_model.DoesNotExist, user_model.MultipleObjectsReturned):
            # Hash anyway so a missing account takes as long as a wrong password.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> Any:
        """The signed-in person of a session, read on every request they make: a statement
        written once (core.rows) rather than built through the ORM each time."""
        user = read_one(get_user_model(), 't0."id" = %s', [user_id])
        return user if user is not None and self.user_can_authenticate(user) else None
