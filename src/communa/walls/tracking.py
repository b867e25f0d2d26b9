"""Tracked links (R8.8): which links of a post leave the site, their UTM tags, their short form.

Every http(s) link of a post (its `link_url`, and the anchors of its rendered text, which holds a
long-read's blocks too) gets a `TrackedLink` row with a random code when the post is written
(`walls.actions.links.track_links`). Readers of a published post follow `/l/<code>`, which
counts the click and redirects to the address with UTM tags appended:

- `utm_source`: the instance (`COMMUNA_UTM_SOURCE`, "communa" by default);
- `utm_medium`: "social";
- `utm_campaign`: what a service plugged into `core.links.LinkCampaigns` names (the planner,
  for the promotion a post belongs to), else the post's rubric (its code, or its name as a slug);
- `utm_content`: "post-<id>".

The team may replace each for one post (`LinkTags`). The address's own query is kept as written;
a `utm_*` parameter we set replaces the address's own one instead of repeating it.

Nothing here takes a target from a request: a code only ever names an address stored from a post.
"""

from __future__ import annotations

import hashlib
import html
import secrets
import string
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote, unquote_plus, urlencode, urlsplit, urlunsplit

from django.urls import reverse
from django.utils.text import slugify

from communa.core.conf import setting
from communa.core.links import ANCHOR_HREF, campaign_of, find_hrefs, is_web_address
from communa.walls.models import LinkTags, Post

UTM_KEYS: Final = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
UTM_MAX_CHARS: Final = 100
DEFAULT_MEDIUM: Final = "social"
CODE_ALPHABET: Final = string.ascii_letters + string.digits
CODE_LENGTH: Final = 8
CODE_MAX_LENGTH: Final = 16


def new_code() -> str:
    """A random short code: 62⁸ of them, so guessing one is hopeless and collisions rare."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def digest_of(url: str) -> str:
    """The key a post's link is unique by (an address may be longer than an index holds)."""
    return hashlib.sha256(url.encode()).hexdigest()


def outbound_links(post: Post) -> list[str]:
    """The post's links that leave the site, in order, without repeats: its link, then those of
    its rendered text and blocks. Relative, `mailto:` and other addresses are not tracked."""
    found: dict[str, None] = {}
    if post.link_url and is_web_address(post.link_url):
        found[post.link_url] = None
    for url in find_hrefs(post.body_html or ""):
        found.setdefault(url, None)
    return list(found)


def short_path(code: str) -> str:
    """The site-relative address of a short link."""
    return reverse("walls:link", args=[code])


def with_short_links(body_html: str, codes: Mapping[str, str]) -> str:
    """The rendered text with each tracked anchor pointing at its short link instead."""
    if not codes:
        return body_html

    def swap(match: Any) -> str:
        code = codes.get(html.unescape(match.group(2)))
        if code is None:
            return str(match.group(0))
        return f"{match.group(1)}{html.escape(short_path(code))}{match.group(3)}"

    return ANCHOR_HREF.sub(swap, body_html)


def rubric_campaign(post: Post) -> str:
    """The campaign a post's rubric gives: a default rubric's code, else its name as a slug."""
    rubric = post.rubric if post.rubric_id else None
    if rubric is None:
        return ""
    return rubric.code or slugify(rubric.name, allow_unicode=True)


def default_tags(post: Post) -> dict[str, str]:
    """The UTM tags of a post's links when its team chose none."""
    return {
        "utm_source": str(setting("UTM_SOURCE")),
        "utm_medium": DEFAULT_MEDIUM,
        "utm_campaign": campaign_of(post) or rubric_campaign(post),
        "utm_content": f"post-{post.pk}",
    }


def overrides_of(post: Post) -> dict[str, str]:
    """What the team chose for this post's tags ("" where the default applies)."""
    row = LinkTags.objects.filter(post=post).first()
    return {key: getattr(row, key) if row else "" for key in UTM_KEYS}


def tags_of(post: Post, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The tags this post's links carry: the team's choice, else the default, tag by tag."""
    chosen = overrides if overrides is not None else overrides_of(post)
    defaults = default_tags(post)
    return {key: chosen.get(key) or defaults[key] for key in UTM_KEYS}


def _query_key(piece: str) -> str:
    return unquote_plus(piece.split("=", 1)[0]).strip().lower()


def tag_url(url: str, tags: Mapping[str, str]) -> str:
    """The address with the tags appended; its own query is kept as written, and a tag we set
    replaces the address's own one of that name rather than repeating it. Empty tags are left
    out (then the address's own one, if any, stays)."""
    parts = urlsplit(url)
    ours = {key: value for key, value in tags.items() if value}
    kept = [piece for piece in parts.query.split("&") if piece and _query_key(piece) not in ours]
    added = urlencode(list(ours.items()), quote_via=quote)
    query = "&".join([*kept, added] if added else kept)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
