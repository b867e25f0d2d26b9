"""The API's net for answers made outside its routers: an unknown path under /api/, a method a
path does not have, a body too large to read. They get the one error shape, never an HTML page."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from communa.api.errors import error_response

PREFIX = "/api/"


def _error_for(status: int) -> tuple[str, str]:
    if status == 404:
        return "not_found", _("Not found.")
    if status == 405:
        return "method_not_allowed", _("This path does not answer this method.")
    if status == 413:
        return "request_too_large", _("The request body is too large.")
    if status == 400:
        return "bad_request", _("The request could not be read.")
    if status >= 500:
        return "server_error", _("Something went wrong on our side. It has been logged.")
    return "error", _("The request could not be completed.")


class ApiErrorMiddleware:
    """Turns a non-JSON error answer under /api/ into the API's error shape (same status and
    `Allow` header), so a client never has to parse Django's HTML pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not request.path.startswith(PREFIX) or response.status_code < 400:
            return response
        if (response.get("Content-Type") or "").startswith("application/json"):
            return response
        code, message = _error_for(response.status_code)
        answer = error_response(response.status_code, code, message)
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        if request.path.startswith(PREFIX) and isinstance(exception, RequestDataTooBig):
            code, message = _error_for(413)
            return error_response(413, code, message)
        return None
