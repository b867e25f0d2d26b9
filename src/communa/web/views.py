"""Site-wide pages: home, the language switcher and the error pages."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from communa.accounts.actions import update_profile
from communa.api.errors import error_response
from communa.core.errors import DomainError


def home(request: HttpRequest) -> HttpResponse:
    """What Communa is, and where to go next."""
    return render(request, "web/home.html")


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in person's profile language follows."""
    code = request.POST.get("language", "")
    target = request.POST.get("next") or reverse("web:home")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("web:home")
    response = HttpResponseRedirect(target)
    if code not in dict(settings.LANGUAGES):
        return response
    translation.activate(code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax"
    )
    if request.user.is_authenticated:
        with contextlib.suppress(DomainError):
            update_profile(actor=request.user, user=request.user, changes={"language": code})
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """JSON for unknown API paths, the site's page for the rest."""
    if request.path.startswith("/api/"):
        from django.utils.translation import gettext as _

        return error_response(404, "not_found", _("Not found."))
    return render(request, "web/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        from django.utils.translation import gettext as _

        return error_response(
            500, "server_error", _("Something went wrong on our side. It has been logged.")
        )
    return render(request, "web/500.html", status=500)
