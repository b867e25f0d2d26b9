"""What other apps show on a community's home (its cover), read before the page is rendered.

The community home shows parts that belong to apps above this one: walls' pinned post, the
engagement sections. Each app registers a part here at start-up (its `wiring.connect()`): a
function that reads, in one statement, what its part shows to this viewer, as plain values.
The home reads every part before it renders (`read_cover`), so that a visitor's page can be
kept whole under a key naming all it is made of (`communities.views.home`); the parts' template
tags take the values read with the page (`cover_value`) instead of reading them again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django.template import Context

from communa.communities.models import Community
from communa.communities.permissions import Standing, standing_of

# (actor, community, their standing) -> what the part shows them: plain, comparable values
# (tuples, strings, numbers, None), since a kept page's key is made of them.
Reader = Callable[[Any, Community, Standing], Any]


class CoverPart(NamedTuple):
    name: str
    read: Reader


_PARTS: dict[str, CoverPart] = {}


def register_cover_part(name: str, read: Reader) -> None:
    """Register (or replace) what an app shows on every community's home."""
    _PARTS[name] = CoverPart(name, read)


def read_cover(actor: Any, community: Community, standing: Standing) -> dict[str, Any]:
    """Every registered part, as this viewer sees it, by name."""
    return {name: part.read(actor, community, standing) for name, part in _PARTS.items()}


def cover_value(context: Context, community: Community, name: str) -> tuple[bool, Any]:
    """(True, the part) when the page read it for this very community; (False, None) else (a
    page that did not read its cover, or a part shown for another community)."""
    cover = context.get("cover")
    shown = context.get("community")
    if not isinstance(cover, dict) or name not in cover:
        return False, None
    if getattr(shown, "pk", None) != community.pk:
        return False, None
    return True, cover[name]


def viewer_of(context: Context, community: Community) -> tuple[Any, Standing]:
    """The request's user and their standing towards `community`, for a tag a community page
    includes with only `community` in its context: the page's own standing when the page is
    this community's, read else."""
    request = context.get("request")
    actor = getattr(request, "user", None)
    standing = context.get("standing")
    shown = context.get("community")
    if not isinstance(standing, Standing) or getattr(shown, "pk", None) != community.pk:
        standing = standing_of(actor, community)
    return actor, standing
