"""Template context every page needs: the languages for the switcher, the version, the form
token."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from communa import __version__
from communa.core.fragments import token_of


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "communa_version": __version__,
        "communa_languages": settings.LANGUAGES,
        # In place of Django's built-in `csrf` processor's: the same token as the fragments
        # put in their forms, masked once per response (core.fragments.token_of).
        "csrf_token": SimpleLazyObject(lambda: token_of(request)),
    }
