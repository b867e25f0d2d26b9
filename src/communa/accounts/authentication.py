"""API authentication: personal access tokens (Bearer) first, then the browser session.

It lives with the accounts it authenticates, so every app's router can name who may call it
without importing the API layer above it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from communa.accounts.actions import user_for_token
from communa.accounts.models import User


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cmn_…` with a token made in the account settings."""

    openapi_description = "A personal access token from Settings → API tokens."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser session; unsafe methods also need the CSRF token, as on the web pages."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie means nothing to forge; skip CSRF so the answer is a plain 401.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


token_auth = TokenAuth()
session_auth = SessionAuth()
default_auth = [token_auth, session_auth]


class OptionalAuth:
    """Lets a visitor without credentials through as anonymous; a sent token must still be valid.

    Listed after the token and session checks, so a signed-in person is still recognised.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            return None  # a token that TokenAuth refused: answer 401, not a silent anonymous view
        return AnonymousUser()


anyone = [token_auth, session_auth, OptionalAuth()]


class VisitorRequest(HttpRequest):
    """A request to an endpoint anonymous visitors may call: `auth` is a User or AnonymousUser."""

    auth: User | AnonymousUser
