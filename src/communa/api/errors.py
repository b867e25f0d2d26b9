"""One error shape for every API failure: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from communa.core.conf import int_setting
from communa.core.errors import DomainError, RateLimited

logger = logging.getLogger(__name__)

LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}
BODY_PARAM = "payload"


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def error_response(
    status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> JsonResponse:
    """A JSON error in the API's shape, usable outside ninja (e.g. for unknown /api/ paths)."""
    return JsonResponse(error_body(code, message, fields), status=status)


def _field_parts(loc: list[Any] | tuple[Any, ...]) -> list[str]:
    if loc and loc[0] == "query":
        # A query parameter is named as it appears in the URL: neither the schema that groups
        # some (`filters: Query[QueueFilters]`) nor the position of a repeated value shows.
        names = [str(p) for p in loc[1:] if not isinstance(p, int)]
        return names[-1:]
    parts = [str(p) for p in loc]
    if parts and parts[0] in LOCATIONS:
        parts = parts[1:]
    if parts and parts[0] == BODY_PARAM:
        parts = parts[1:]
    return parts


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    return ".".join(_field_parts(loc)) or "body"


# Pydantic's error types and the reason each gives, in the request's language.
SIMPLE_REASONS: dict[str, Callable[[], str]] = {
    "missing": lambda: _("This field is required."),
    "string_type": lambda: _("Expected text."),
    "string_unicode": lambda: _("Expected text."),
    "int_type": lambda: _("Expected a whole number."),
    "int_parsing": lambda: _("Expected a whole number."),
    "int_from_float": lambda: _("Expected a whole number."),
    "bool_type": lambda: _("Expected true or false."),
    "bool_parsing": lambda: _("Expected true or false."),
    "float_type": lambda: _("Expected a number."),
    "float_parsing": lambda: _("Expected a number."),
    "dict_type": lambda: _("Expected an object."),
    "model_type": lambda: _("Expected an object."),
    "model_attributes_type": lambda: _("Expected an object."),
    "list_type": lambda: _("Expected a list."),
    "extra_forbidden": lambda: _("Unknown field."),
    "moment_range": lambda: _("This date is out of range."),
    "string_pattern_mismatch": lambda: _("This value is not in the expected form."),
}
RANGES = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in SIMPLE_REASONS:
        return SIMPLE_REASONS[kind]()
    if kind == "string_too_long":
        return _("Use at most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Use at least %(n)s characters.") % {"n": ctx.get("min_length")}
    if kind == "too_long":
        return _("Send at most %(n)s items.") % {"n": ctx.get("max_length")}
    if kind == "too_short":
        return _("Send at least %(n)s items.") % {"n": ctx.get("min_length")}
    if kind in RANGES and tuple(error.get("loc", ()))[-1:] == ("limit",):
        return _("Ask for 1 to %(max)d items per page.") % {"max": int_setting("MAX_PAGE_SIZE")}
    if kind in RANGES:
        return _("The value is out of range.")
    if kind in {"choice", "literal_error", "enum"}:
        choices = ctx.get("choices") or ctx.get("expected", "")
        return _("Choose one of: %(choices)s.") % {"choices": choices}
    if kind.startswith("date_"):
        return _("Expected a date such as 2026-01-31.")
    if kind.startswith("datetime_"):
        return _("Expected a date and time such as 2026-01-31T18:00:00Z.")
    return str(error.get("msg", _("This value is not valid.")))


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's defaults so every failure has the same shape and a translated message."""

    def respond(
        request: HttpRequest,
        status: int,
        code: str,
        message: str,
        fields: dict[str, list[str]] | None = None,
    ) -> HttpResponse:
        return api.create_response(request, error_body(code, message, fields), status=status)

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        response = respond(request, exc.status, exc.code, exc.message, exc.fields)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(error.get("loc", ())), []).append(
                _pydantic_message(error)
            )
        # The body as a whole is wrong (not an object), not a field that happens to be "body".
        if exc.errors and all(not _field_parts(error.get("loc", ())) for error in exc.errors):
            return respond(
                request, 400, "malformed_body", _("The request body must be a JSON object."), fields
            )
        return respond(request, 422, "validation_error", _("Some fields are not valid."), fields)

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request,
            401,
            "not_authenticated",
            _("Log in, or send a personal access token as a Bearer token."),
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        text = str(exc)
        if isinstance(exc.__cause__, DomainError):
            # The body parser refused the content; say why rather than "not JSON".
            return domain_error(request, exc.__cause__)
        if exc.status_code == 400 and text.startswith("Cannot parse request body"):
            return respond(request, 400, "malformed_json", _("The request body is not valid JSON."))
        if exc.status_code == 403 and "CSRF" in text:
            return respond(
                request,
                403,
                "csrf_failed",
                _("The CSRF token is missing or wrong. Reload the page and try again."),
            )
        codes = {
            400: "bad_request",
            401: "not_authenticated",
            403: "permission_denied",
            404: "not_found",
            405: "method_not_allowed",
            429: "rate_limited",
        }
        return respond(request, exc.status_code, codes.get(exc.status_code, "error"), text)

    @api.exception_handler(MultiPartParserError)
    def unreadable_form(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        # Django reads a multipart body lazily; a missing or broken boundary fails there.
        return respond(
            request,
            400,
            "malformed_body",
            _("The multipart form could not be read: check its boundary and parts."),
            {"body": [_("Send a valid multipart/form-data body.")]},
        )

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(
            request,
            413,
            "request_too_large",
            _("The request body is too large."),
            {"body": [_("Send a smaller body, or fewer fields and files.")]},
        )

    api.add_exception_handler(TooManyFieldsSent, too_big)
    api.add_exception_handler(TooManyFilesSent, too_big)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, "not_found", _("Not found."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(
            request, 403, "permission_denied", _("You do not have permission to do this.")
        )

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API request failed: %s %s", request.method, request.path)
        return respond(
            request, 500, "server_error", _("Something went wrong on our side. It has been logged.")
        )
