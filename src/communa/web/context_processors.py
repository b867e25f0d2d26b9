"""Template context every page needs: the languages for the switcher, the version."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from communa import __version__


def site(request: HttpRequest) -> dict[str, Any]:
    return {"communa_version": __version__, "communa_languages": settings.LANGUAGES}
