"""Moved to `communa.accounts.authentication`; kept importable for code written before the move."""

from communa.accounts.authentication import (  # noqa: F401
    OptionalAuth,
    SessionAuth,
    TokenAuth,
    VisitorRequest,
    anyone,
    default_auth,
    session_auth,
    token_auth,
)
