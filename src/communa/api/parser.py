"""Moved to `communa.core.parser`; kept importable for code written before the move."""

from communa.core.parser import MalformedBody, SafeJsonParser, UnstorableText  # noqa: F401
