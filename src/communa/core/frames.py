"""A page's frame kept in this process around the one part each request brings (ADR 0009, "Later
additions").

A member's feed page is its posts (kept whole for every member who gets them, walls.kept_feed)
inside the site's frame: the head, the top bar, the page's title and heading. Rendering that frame
around posts that came whole from the cache cost about 0.45 ms, a sixth of the page, and it is
the same for every request with the same few values. `render_framed` keeps the page rendered
with a slot in place of its content, under those values, and puts each request's content and form
token in its place.

What a framed page is kept under: the template; the page's other context values (plain values
only: text, numbers, yes or no); of the reader, what the frame shows of them (signed in or not,
their count of unread notifications, whether they are staff: `web/base.html` names the same in
its `remembered` blocks); the address with its query; the language and the time zone. A page
with a message waiting is rendered as before (the frame shows it once).

So a framed template may read nothing of the reader or the request but those (the feed's,
`walls/feed.html`: `tests/core/test_frames.py` renders it for readers who differ in each of
them and compares the page with one rendered in full).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from communa.core.conf import int_setting
from communa.core.fragments import CSRF_PLACEHOLDER, token_of
from communa.core.kept import ProcessKept

# Distinct frames a process keeps before it starts again (each a few kilobytes without its
# content: the address is part of the key, and a list's later pages have addresses of their own).
FRAMES_LIMIT = 512
_FRAMES = ProcessKept(FRAMES_LIMIT)
# Where the content goes in a kept frame: drawn once per process, so no reader's text is it.
_SLOT = f"kept-frame-slot-{secrets.token_hex(16)}"
_PLAIN = (str, int, float, bool, type(None))


def render_framed(
    request: HttpRequest, template: str, context: Mapping[str, Any], *, slot: str
) -> HttpResponse:
    """`render(request, template, context)`, where `context[slot]` is HTML (a SafeString, or
    our own HTML as UTF-8 bytes) the template shows as it is (`{{ slot }}`, once): the rest of
    the page comes from a frame kept in this process (see the module's text). Rendered in full
    when kept fragments are off (CARD_CACHE_SECONDS), the slot is empty or text not marked safe,
    another value is not plain, or a message waits."""
    content = context[slot]
    others = tuple(sorted((name, value) for name, value in context.items() if name != slot))
    if (
        not content
        or not isinstance(content, SafeString | bytes)  # text the template would escape
        or int_setting("CARD_CACHE_SECONDS") <= 0
        or not all(isinstance(value, _PLAIN) for _name, value in others)
        or len(get_messages(request))
    ):
        return render(request, template, _as_text(context, slot))
    user = request.user
    key = (
        template,
        others,
        user.is_authenticated,
        getattr(user, "unread_notifications", None),
        user.is_staff,
        request.get_full_path(),
        get_language(),
        timezone.get_current_timezone_name(),
    )
    frame = _FRAMES.get(key)
    if frame is None:
        slot_mark = mark_safe(_SLOT)  # noqa: S308 — our own mark, no reader's text
        filled = {**context, slot: slot_mark, "csrf_token": CSRF_PLACEHOLDER}
        frame = render_to_string(template, filled, request)
        if frame.count(_SLOT) != 1:  # not shown once as it is: this page is not framed
            return render(request, template, _as_text(context, slot))
        _FRAMES.put(key, frame)
    if CSRF_PLACEHOLDER in frame:
        frame = frame.replace(CSRF_PLACEHOLDER, token_of(request))
    before, _slot, after = frame.partition(_SLOT)
    if isinstance(content, bytes):
        return HttpResponse(b"".join((before.encode(), content, after.encode())))
    return HttpResponse("".join((before, content, after)))


def _as_text(context: Mapping[str, Any], slot: str) -> Mapping[str, Any]:
    """The context with bytes in the slot (our own HTML) as the text the template shows."""
    content = context[slot]
    if not isinstance(content, bytes):
        return context
    return {**context, slot: mark_safe(content.decode())}  # noqa: S308 — our own HTML
