"""Automatic checks on user texts (R5.1): obscene language, links, spam, mentions, stop words.

Pure functions over a text and a community's rules; see `engine.check_text`. Decisions and
sources: docs/adr/0005-text-filters.md.
"""

from communa.moderation.filters.engine import (
    CATEGORIES,
    Category,
    FilterResult,
    FilterRules,
    Finding,
    check_text,
)
from communa.moderation.filters.language import detect_language
from communa.moderation.filters.spam import TextHistory

__all__ = [
    "CATEGORIES",
    "Category",
    "FilterResult",
    "FilterRules",
    "Finding",
    "TextHistory",
    "check_text",
    "detect_language",
]
