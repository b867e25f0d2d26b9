"""Rules for community fields, shared by creation, settings changes, the web and the API."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import urlparse

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.accounts.validation import FieldErrors
from communa.communities.models import Category, CommentPolicy, Community, Kind, Privacy, WallMode
from communa.core.moments import known_zones
from communa.core.uploads import SizeRule

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{1,62})[a-z0-9]$")
RESERVED_SLUGS = frozenset(
    {
        "new",
        "search",
        "catalog",
        "admin",
        "api",
        "static",
        "media",
        "me",
        "settings",
        "widget",
        "communities",
        "accounts",
        "join",
    }
)
MAX_LINKS = 10

COVER_RULE = SizeRule(
    lambda w, h: (w, h) in {(795, 200), (1590, 400)},
    gettext_lazy("a cover must be 795×200 or 1590×400 pixels."),
)
AVATAR_RULE = SizeRule(
    lambda w, h: (w == 200 and 300 <= h <= 500) or (h == 200 and 300 <= w <= 500),
    gettext_lazy("an avatar must be 200 pixels on one side and 300 to 500 pixels on the other."),
)

Refuse = Callable[[str], None]


def _others(exclude_pk: int | None) -> QuerySet[Community]:
    found = Community.objects.all()
    return found.exclude(pk=exclude_pk) if exclude_pk is not None else found


def _text(limit: int, *, required: bool = False) -> Callable[[Any, Refuse], str]:
    def clean(value: Any, refuse: Refuse) -> str:
        text = str(value or "").strip()
        if required and not text:
            refuse(_("This field is required."))
        elif len(text) > limit:
            refuse(_("Use at most %(n)d characters.") % {"n": limit})
        return text

    return clean


def _choice(choices: list[str]) -> Callable[[Any, Refuse], str]:
    def clean(value: Any, refuse: Refuse) -> str:
        text = str(value or "")
        if text not in choices:
            refuse(_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)})
        return text

    return clean


def _flag(value: Any, refuse: Refuse) -> bool:
    if isinstance(value, bool):
        return value
    refuse(_("Expected true or false."))
    return False


def _links(value: Any, refuse: Refuse) -> list[dict[str, str]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_LINKS:
        refuse(_("Give at most %(n)d links.") % {"n": MAX_LINKS})
        return []
    links = []
    for item in value:
        title = str((item or {}).get("title", "")).strip() if isinstance(item, dict) else ""
        url = str((item or {}).get("url", "")).strip() if isinstance(item, dict) else ""
        parsed = urlparse(url)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc or len(url) > 500:
            refuse(
                _("“%(url)s” is not a web address starting with http:// or https://.")
                % {"url": url[:80]}
            )
            continue
        links.append({"title": title[:80] or parsed.netloc, "url": url})
    return links


def _moment(value: Any, refuse: Refuse) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    refuse(_("Expected a date and time such as 2026-01-31T18:00:00Z."))
    return None


def _places(value: Any, refuse: Refuse) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 100_000:
        return value
    refuse(_("Give the number of places as a whole number from 1 to 100000, or leave it empty."))
    return None


def _zone(value: Any, refuse: Refuse) -> str:
    name = str(value or "").strip()
    if name and name not in known_zones():
        refuse(
            _("“%(name)s” is not a known time zone, such as Europe/Berlin.") % {"name": name[:64]}
        )
    return name


CLEANERS: dict[str, Callable[[Any, Refuse], Any]] = {
    "kind": _choice(Kind.values),
    "category": _choice(Category.values),
    "name": _text(120, required=True),
    "description": _text(5000),
    "contacts": _text(2000),
    "links": _links,
    "privacy": _choice(Privacy.values),
    "wall_mode": _choice(WallMode.values),
    "comment_policy": _choice(CommentPolicy.values),
    "links_allowed": _flag,
    "obscene_filter": _flag,
    "event_starts_at": _moment,
    "event_ends_at": _moment,
    "event_place": _text(200),
    "event_capacity": _places,
    "time_zone": _zone,
    "approval_required": _flag,
    "hold_late_posts": _flag,
}
SETTINGS_FIELDS = (*(name for name in CLEANERS if name != "kind"), "slug")


def check_slug(slug: Any, errors: FieldErrors, *, exclude_pk: int | None = None) -> str:
    """A short address is 3–64 lowercase Latin letters, digits, dashes or underscores, unique."""
    value = str(slug or "").strip().lower()
    if not SLUG_RE.match(value):
        errors.add(
            "slug",
            _(
                "Use 3 to 64 Latin letters, digits, dashes or underscores, "
                "starting and ending with a letter or digit."
            ),
        )
    elif value in RESERVED_SLUGS:
        errors.add("slug", _("“%(slug)s” is reserved; choose another address.") % {"slug": value})
    elif _others(exclude_pk).filter(slug__iexact=value).exists():
        errors.add("slug", _("This address is taken by another community."))
    return value


def clean_community(
    data: dict[str, Any], errors: FieldErrors, *, current: Community | None = None
) -> dict[str, Any]:
    """Check the given fields, then the rules that tie fields together."""
    allowed_fields = set(SETTINGS_FIELDS) if current is not None else set(CLEANERS) | {"slug"}
    for name in sorted(set(data) - allowed_fields):
        if name == "kind":
            errors.add(name, _("Convert between group and public page with the conversion action."))
        else:
            errors.add(name, _("This field cannot be changed here."))
    cleaned: dict[str, Any] = {}
    for name, clean in CLEANERS.items():
        if name in data and name in allowed_fields:
            cleaned[name] = clean(data[name], partial(errors.add, name))
    if "slug" in data:
        cleaned["slug"] = check_slug(
            data["slug"], errors, exclude_pk=current.pk if current else None
        )
    merged = {**_current_values(current), **cleaned}
    if merged.get("kind") == Kind.PUBLIC_PAGE and merged.get("privacy") != Privacy.OPEN:
        errors.add("privacy", _("A public page is always open."))
    if merged.get("kind") == Kind.EVENT:
        if not merged.get("event_starts_at"):
            errors.add("event_starts_at", _("An event needs a start date and time."))
        if not merged.get("event_place"):
            errors.add("event_place", _("An event needs a place."))
        start, end = merged.get("event_starts_at"), merged.get("event_ends_at")
        if start and end and end <= start:
            errors.add("event_ends_at", _("The event must end after it starts."))
    return cleaned


def _current_values(current: Community | None) -> dict[str, Any]:
    if current is None:
        return {"kind": Kind.GROUP, "privacy": Privacy.OPEN}
    return {name: getattr(current, name) for name in (*CLEANERS, "slug")}
