"""Request types for views and endpoints that only signed-in people reach."""

from django.http import HttpRequest

from communa.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind login_required or API auth: `user` (and `auth` in the API) is a User."""

    user: User
    auth: User
