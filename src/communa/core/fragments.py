"""Rendered fragments kept under a key that names everything they are made of.

A list page renders the same small template for each row (a community's card in the search and
the catalog): Django's templates cost about 0.3 ms a card, more than the query. `render_kept`
keeps each row's fragment in this process under the row's values, the language, the time zone
and the deploy (the template's text, the settings, the versions), and renders only the missing
ones. A changed row has another key, so nothing is ever stale. Kept in the process, not the shared
cache: 54 cards taken from Redis in one round trip still cost 0.6 ms of the page (sending 54
keys, reading and unpickling 54 values), against a lookup each here; every process renders a card
once. `CARD_CACHE_SECONDS` set to 0 switches keeping off.
Only fragments that are the same for every reader may be kept: no forms, no per-reader state.

Pages and fragments kept in the shared cache (the walls', a visitor's page) are named by
`digest_of`; `token_of` and `with_token` put each reader's form token into kept HTML.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from communa import __version__
from communa.core import near
from communa.core.conf import int_setting
from communa.core.kept import ProcessKept


def digest_of(parts: Any) -> str:
    """A digest of what kept HTML is made of (plain values: text, numbers, dates, tuples of
    them), for its key. Pickled rather than written out with `repr`: a page's thirty rows took
    0.13 ms to write out, their dates most of it, against 0.05. Equal values may pickle apart
    (the same object named twice is written once): then a page is kept twice, never shown for
    another's values. What does not pickle is written out."""
    try:
        data = pickle.dumps(parts, protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError):
        data = repr(parts).encode()
    return hashlib.blake2b(data, digest_size=20).hexdigest()


# The digests of kept pages' keys a process remembers under the values they were made from.
DIGESTS_KEPT = 256
_DIGESTS = ProcessKept(DIGESTS_KEPT)


def digest_of_rows(parts: Any) -> str:
    """`digest_of` for a kept page's key made of rows of fixed columns (and text): remembered
    in this process under the parts themselves, so that a page asked again with the same rows
    is named without pickling them again. Pickling a feed page's thirty rows (their dates most
    of it) was a twentieth of what the kept page cost to serve.

    Only for parts whose every place always holds values of one type, as a statement's columns
    do: equal values of different types (1, 1.0 and True) would otherwise share a digest."""
    try:
        found = _DIGESTS.get(parts)
    except TypeError:  # a part that cannot be a dict's key (a list)
        return digest_of(parts)
    if found is None:
        found = _DIGESTS.put(parts, digest_of(parts))
    return str(found)


@cache
def deploy_stamp(*templates: str) -> str:
    """A digest of what a deploy may change under the same rows: the templates' text, the
    operator's settings (limits a form's help shows, where uploads are served from), Django's
    and Communa's versions. Part of every kept fragment's key (walls.cards keeps its cards so)."""
    digest = hashlib.blake2b(digest_size=8)
    deployed = (
        django.VERSION,
        __version__,
        sorted(settings.COMMUNA.items()),
        settings.MEDIA_URL,
        settings.STORAGES,
    )
    digest.update(repr(deployed).encode())
    for name in templates:
        origin = get_template(name).origin  # type: ignore[attr-defined]
        digest.update(Path(origin.name).read_bytes())
    return digest.hexdigest()


# Fragments a process keeps before it starts again (each a card of a kilobyte or two).
FRAGMENTS_LIMIT = 4096
_FRAGMENTS = ProcessKept(FRAGMENTS_LIMIT)


def render_kept(
    template: str,
    rows: Sequence[Any],
    *,
    values: Callable[[Any], tuple[Any, ...]],
    context: Callable[[Any], dict[str, Any]],
    variant: tuple[Any, ...] = (),
) -> list[SafeString]:
    """The fragment of `template` for each row, kept in this process where the row's `values`
    (all the fragment shows of it: plain values) and `variant` are the same; rendered with
    `context(row)` else."""
    compiled = get_template(template)
    if int_setting("CARD_CACHE_SECONDS") <= 0:
        return [mark_safe(compiled.render(context(row))) for row in rows]  # noqa: S308
    place = (template, get_language(), timezone.get_current_timezone_name(), *variant)
    stamp = deploy_stamp(template)
    out = []
    for row in rows:
        key = (place, stamp, values(row))
        html = _FRAGMENTS.get(key)
        if html is None:
            html = _FRAGMENTS.put(key, compiled.render(context(row)))
        out.append(mark_safe(html))  # noqa: S308 — our template's output
    return out


# -- a visitor's page, whole ---------------------------------------------------------------------

# What kept HTML holds in place of the CSRF token; each reader's own token is put in its place.
CSRF_PLACEHOLDER = "csrf-token-placeholder-9f3c"
# Where a page holds a token: a form's hidden field, htmx's header on the page's body.
_TOKENS = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]*)"|"X-CSRFToken": "([^"]*)"')


def token_of(request: HttpRequest) -> str:
    """This request's CSRF token, masked once for the whole response: Django's `get_token`
    draws a new mask on every call (32 random characters), and a member's wall asked for it in
    three places. One response carrying one masked token is what Django's own template tag does
    within a render. A token rotated during the request (a sign-in) is masked anew.

    What `get_token` gives, made faster: the secret of the reader's CSRF cookie (a new one for
    a visitor without it, sent back by Django's middleware), masked with 32 characters drawn
    at once (`_random_chars`). Django draws each of the 64 characters by itself: 0.15 ms of
    every page with a form, against 0.03."""
    secret = request.META.get("CSRF_COOKIE")
    kept = getattr(request, "_communa_csrf", None)
    if kept is not None and secret is not None and kept[0] == secret:
        return kept[1]
    if secret is None:
        secret = _random_chars()
        request.META["CSRF_COOKIE"] = secret
    if len(secret) == CSRF_SECRET_LENGTH and all(char in _INDEX for char in secret):
        # Sent back with the response (a new cookie, or the reader's with its expiry renewed).
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
        token = _masked(secret)
    else:  # not a secret Django's middleware would have left: Django's own answer
        token = get_token(request)
    request._communa_csrf = (request.META.get("CSRF_COOKIE"), token)  # type: ignore[attr-defined]
    return token


_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: index for index, char in enumerate(_CHARS)}
_SECRET_SPACE = len(_CHARS) ** CSRF_SECRET_LENGTH


def _random_chars() -> str:
    """CSRF_SECRET_LENGTH characters of Django's CSRF alphabet, each uniformly at random: the
    digits of one number drawn below len(alphabet) ** length by the `secrets` module."""
    number = secrets.randbelow(_SECRET_SPACE)
    out = []
    for _position in range(CSRF_SECRET_LENGTH):
        number, digit = divmod(number, len(_CHARS))
        out.append(_CHARS[digit])
    return "".join(out)


def _masked(secret: str) -> str:
    """The secret masked as Django masks it (a new mask, then each character shifted by the
    mask's along the alphabet), so that Django's middleware unmasks it."""
    mask = _random_chars()
    size = len(_CHARS)
    cipher = "".join(
        [_CHARS[(_INDEX[a] + _INDEX[b]) % size] for a, b in zip(secret, mask, strict=True)]
    )
    return mask + cipher


def with_token(request: HttpRequest, html: str) -> SafeString:
    """HTML rendered with the placeholder of the CSRF token, with this reader's put in."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, token_of(request))
    return mark_safe(html)  # noqa: S308 — our templates' output


def row_values(instance: Any, *, without: Collection[str] = ()) -> tuple[str, ...]:
    """Every column of a loaded row (but those named in `without`), as a kept page's key names
    it."""
    fields = instance._meta.concrete_fields
    return tuple(
        repr(field.value_from_object(instance)) for field in fields if field.name not in without
    )


def keeps_for_visitor(request: HttpRequest) -> bool:
    """Whether this request may get a page kept whole for visitors: a visitor (not signed in)
    asking without a query string, with no message waiting, and kept fragments switched on."""
    return not (
        int_setting("CARD_CACHE_SECONDS") <= 0
        or request.method != "GET"
        or request.META.get("QUERY_STRING")
        or request.user.is_authenticated
        or len(get_messages(request))
    )


def visitor_page_key(
    request: HttpRequest, kind: str, made_of: tuple[Any, ...], templates: Sequence[str]
) -> str | None:
    """The key of a page kept whole for visitors, or None when this request may not have it.

    Only a visitor (not signed in) asking without a query string and with no message waiting
    gets a kept page: then the page is the same for every such visitor, made of `made_of` (all
    it shows that a writer may change, read as plain values), its address (scheme, host and
    path), the language, the time zone and the deploy (the `templates` it is rendered from, the
    settings, the versions).
    """
    if not keeps_for_visitor(request):
        return None
    # The host and scheme too: a page that names its own address (a link to share) must not
    # be handed to a visitor who came through another.
    place = (
        kind,
        request.scheme,
        request.get_host(),
        request.path,
        get_language(),
        timezone.get_current_timezone_name(),
    )
    stamp = deploy_stamp(*templates)
    return f"page:{kind}:{digest_of((place, stamp, made_of))}"


def kept_page(
    request: HttpRequest, key: str | None, *, fill: Callable[[str], str] | None = None
) -> HttpResponse | None:
    """The page kept under `key`, with this visitor's CSRF token put in (and what `fill` puts
    in for each request); None when not kept."""
    html = near.get(key) if key else None
    if html is None:
        return None
    return HttpResponse(with_token(request, fill(html) if fill is not None else html))


def render_page(
    request: HttpRequest,
    key: str | None,
    template: str,
    context: Mapping[str, Any],
    status: int = 200,
) -> HttpResponse:
    """`render`, and under a key (`visitor_page_key`), the page kept for the next visitor:
    rendered with the token's placeholder, kept only when the page holds no other token (and
    only a page that answers 200)."""
    if key is None or status != 200:
        return render(request, template, context, status=status)
    response = render(request, template, {**context, "csrf_token": CSRF_PLACEHOLDER})
    html = response.content.decode()
    if all((form or header) == CSRF_PLACEHOLDER for form, header in _TOKENS.findall(html)):
        near.keep(key, html, int_setting("CARD_CACHE_SECONDS"))
    response.content = with_token(request, html).encode()
    return response
