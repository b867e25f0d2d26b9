"""Small translated text helpers shared by every app."""

from django.utils.translation import ngettext


def describe_wait(seconds: int) -> str:
    """Say a wait in the largest sensible unit: '45 seconds', '3 minutes', '2 hours'."""
    seconds = max(1, int(seconds))
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = -(-seconds // 60)
    if minutes < 120:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = -(-seconds // 3600)
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
