"""Template helpers for community pages: initials for a missing avatar, an event's dates."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format, time_format

register = template.Library()


@register.filter
def initials(name: str) -> str:
    """Up to two initials of a name ("Bếp Việt" → "BV"), skipping marks that are not letters."""
    letters = [word[0] for word in (name or "").split() if word[:1].isalnum()]
    return "".join(letters[:2]).upper() or "?"


@register.simple_tag
def event_span(community: Any) -> str:
    """When the event is: one date with two times when it ends the day it starts."""
    start, end = community.event_starts_at, community.event_ends_at
    if start is None:
        return ""
    start = timezone.localtime(start)
    if end is None:
        return date_format(start, "DATETIME_FORMAT")
    end = timezone.localtime(end)
    if start.date() == end.date():
        return (
            f"{date_format(start, 'DATE_FORMAT')}, "
            f"{time_format(start, 'TIME_FORMAT')} – {time_format(end, 'TIME_FORMAT')}"
        )
    return f"{date_format(start, 'DATETIME_FORMAT')} – {date_format(end, 'DATETIME_FORMAT')}"
