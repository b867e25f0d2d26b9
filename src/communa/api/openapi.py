"""The OpenAPI description tells the truth: every error status an operation can answer, with the
one error schema, and the real authentication of each operation.

The routers declare what an operation answers when it succeeds; the front door adds the refusals
every operation of a kind shares (docs/api.md, "Errors"), so no router has to repeat them and none
can forget one.
"""

from __future__ import annotations

import sys
from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from communa.accounts.authentication import OptionalAuth
from communa.core.schemas import Error

WRITES = {"POST", "PUT", "PATCH", "DELETE"}

REASONS = {
    400: "Malformed: not JSON, not an object, NaN or Infinity, nested too deeply, an unreadable "
    "multipart form, text no database can store.",
    401: "No or wrong credentials (a sent token must be valid, even where visitors may read).",
    403: "Known, but the role × action table or a rule refuses; or a session without CSRF token.",
    404: "Missing or hidden: the two are the same answer.",
    409: "Clashes with the current state: already done, already decided.",
    413: "The request body is too large.",
    422: "A rule on a field: `fields` says which and why (including `limit` and `cursor`).",
    429: "A write or log-in limit: `Retry-After` says how many seconds to wait.",
}
HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "`Bearer`."}},
    429: {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
}


def admits_visitors(operation: Operation) -> bool:
    """Whether anonymous visitors may call the operation (`auth=anyone`)."""
    return any(isinstance(auth, OptionalAuth) for auth in operation.auth_callbacks)


def error_statuses(operation: Operation, path: str) -> set[int]:
    """The refusals an operation can answer, by what it takes and who may call it."""
    writes = bool(set(operation.methods) & WRITES)
    has_body = any(
        getattr(model, "__ninja_param_source__", "") in {"body", "form", "file"}
        for model in operation.models
    )
    statuses: set[int] = set()
    if operation.models or "{" in path:
        statuses.add(422)
    if "{" in path:
        statuses.add(404)
    if operation.auth_callbacks:
        # A sent token must be valid, even where visitors may read; the table may refuse.
        statuses |= {401, 403}
    if writes:
        statuses |= {400, 409, 413, 429}
    if has_body:
        statuses |= {400, 413, 422}
    return statuses


class TruthfulSchema(OpenAPISchema):
    """Ninja's OpenAPI description plus the error statuses and the visitors' access."""

    def __init__(self, api: NinjaAPI, path_prefix: str) -> None:
        super().__init__(api, path_prefix)
        found = Error.model_json_schema(ref_template="#/components/schemas/{model}")
        self.add_schema_definitions({**found.pop("$defs"), "Error": found})

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        details = super().operation_details(operation)
        path = getattr(operation, "_communa_path", "")
        responses = details["responses"]
        for status in sorted(error_statuses(operation, path)):
            if status in responses:
                continue
            answer: dict[str, Any] = {
                "description": REASONS[status],
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
            if status in HEADERS:
                answer["headers"] = HEADERS[status]
            responses[status] = answer
        if admits_visitors(operation) and "security" in details:
            # Visitors need no credentials here: the empty requirement says so.
            details["security"] = [*details["security"], {}]
        return details

    def get_paths(self) -> dict[str, Any]:
        # Each operation learns its path first: a path with parameters can answer 404.
        for bound_router in self.api._get_bound_routers():
            for path, path_view in bound_router.path_operations.items():
                for operation in path_view.operations:
                    operation._communa_path = path  # type: ignore[attr-defined]
        return super().get_paths()


class CommunaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI description is `TruthfulSchema`."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # A module split into a package keeps its operation ids: it names the old prefix.
        module = sys.modules.get(operation.view_func.__module__)
        prefix = getattr(module, "OPERATION_ID_PREFIX", None)
        if prefix:
            return f"{prefix}_{operation.view_func.__name__}"
        return super().get_openapi_operation_id(operation)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return TruthfulSchema(self, path_prefix)
