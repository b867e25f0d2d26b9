"""Domain errors raised by actions; the web and the API turn them into 4xx answers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refusal a person can understand: a code, a message and optional per-field reasons."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        self.message = str(message) if message is not None else str(self.default_message())
        if code:
            self.code = code
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}
        super().__init__(self.message)

    def default_message(self) -> str:
        return str(_("The request could not be completed."))


class ValidationFailed(DomainError):
    """Input that breaks a rule; `fields` names each field and its reasons."""

    status = 422
    code = "validation_error"

    def default_message(self) -> str:
        return str(_("Some fields are not valid."))


class NotFound(DomainError):
    """Missing, or hidden from this person: the two are indistinguishable on purpose."""

    status = 404
    code = "not_found"

    def default_message(self) -> str:
        return str(_("Not found."))


class PermissionRefused(DomainError):
    """The person is known but may not do this."""

    status = 403
    code = "permission_denied"

    def default_message(self) -> str:
        return str(_("You do not have permission to do this."))


class RateLimited(DomainError):
    """Too many attempts; `retry_after` says how many seconds to wait."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str | None = None, *, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message)

    def default_message(self) -> str:
        from communa.core.text import describe_wait

        return str(
            _("Too many attempts. Try again in %(wait)s.")
            % {"wait": describe_wait(self.retry_after)}
        )


class Conflict(DomainError):
    """The request clashes with the current state (already a member, already decided)."""

    status = 409
    code = "conflict"

    def default_message(self) -> str:
        return str(_("This has already been done or changed."))
