"""The web front door's kit: one refusal handler for every view, one form-error helper, the
`next` redirect, the cursor of a keyset page. Apps import these; none keeps a copy."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from communa.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionRefused,
    RateLimited,
)
from communa.core.forms import CursorForm

View = Callable[..., HttpResponseBase]


def error_status(exc: DomainError) -> int:
    """The 4xx status a domain error answers with; anything else it claims becomes 400."""
    return exc.status if 400 <= exc.status < 500 else 400


def show_error_on_form(form: forms.Form, exc: DomainError) -> int:
    """Put the error's field reasons on the form and return the HTTP status for the page."""
    if exc.fields:
        for field, messages in exc.fields.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, exc.message)
    return error_status(exc)


def _refusal_title(exc: DomainError) -> str:
    if isinstance(exc, RateLimited):
        return _("Too many attempts")
    if isinstance(exc, Conflict) or exc.code == "conflict":
        return _("Already done or changed")
    if isinstance(exc, PermissionRefused):
        return _("Not allowed")
    return _("Not accepted")


def refusal_response(request: HttpRequest, exc: DomainError) -> HttpResponseBase:
    """The page (or, for htmx, the alert) that says why a request was refused."""
    status = error_status(exc)
    reasons = [message for messages in exc.fields.values() for message in messages]
    context = {"message": exc.message, "title": _refusal_title(exc), "reasons": reasons}
    if getattr(request, "htmx", False):
        # htmx swaps no error answer; base.html lets answers aimed at its alert box in.
        response = render(request, "core/_alert.html", context, status=status)
        response["HX-Retarget"] = "#htmx-alerts"
        response["HX-Reswap"] = "innerHTML"
    else:
        response = render(request, "core/refused.html", context, status=status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def answers_refusals(view: View) -> View:
    """Every domain error a view lets out becomes its 4xx page: a hidden or missing object is the
    site's 404, a refusal, a rate limit, a conflict or invalid input says why. Never a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            return refusal_response(request, exc)

    return wrapper


class RefusalMiddleware:
    """The net under every page: a domain error no view caught becomes its 4xx page too, so a rate
    limit, a conflict or invalid input met outside a form is never a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, DomainError):
            return refusal_response(request, exception)
        return None


def back_to(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Return to the page the form came from (`next`), if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def cursor_of(request: HttpRequest) -> str | None:
    """The keyset cursor a list page was asked for; a malformed one reads as the first page."""
    if not request.GET.get("cursor"):  # the first page: no form to build
        return None
    form = CursorForm(request.GET)
    return (form.cleaned_data.get("cursor") or None) if form.is_valid() else None


__all__ = [
    "RefusalMiddleware",
    "answers_refusals",
    "back_to",
    "cursor_of",
    "error_status",
    "refusal_response",
    "show_error_on_form",
]
