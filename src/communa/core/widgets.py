"""The kernel's socket for what other apps show under a post on walls.

Walls renders the posts of a page (a community's wall, the feed, a profile wall, a post's own
page) and asks `PostWidgets` once for the posts marked `has_widgets`; engagement answers with a
poll under the posts that have one (ADR 0020). So walls never imports the apps above it, and a
page costs at most the one query the answer needs, none when no post of it is marked. What is
answered sits outside the card walls keeps in its cache; the app that answers calls walls'
`mark_post_widgets` (which also renews the post's `content_version`) whenever what it shows under
a post appears, changes or goes, so no page misses or keeps a stale widget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest


class PostWidgets:
    """What shows under posts; without an app plugged in, nothing does."""

    def below_posts(self, request: HttpRequest, posts: Sequence[Any]) -> dict[int, str]:
        """HTML to show under each post, by post id (escaped already; posts without one are
        left out). Called once a page, with the posts it shows that are marked `has_widgets`
        (never with none); answer in one query."""
        return {}


class BlockEmbeds:
    """What a long-read's embed blocks (`{"type": "embed", "kind": "poll", "ref": 7}`) point at.

    Walls stores a long-read's HTML when it is written, with each embed as a placeholder that
    names its kind and number; the page's script swaps in the live thing from `url_of`. The app
    that owns the kind (engagement for polls, later the shop for products) says which numbers
    belong to a community, so a long-read cannot embed another community's poll. Without an app
    plugged in, nothing is checked and nothing is linked."""

    def unknown(self, community_id: int, kind: str, refs: Sequence[int]) -> list[int]:
        """The refs of this kind that are not this community's (to refuse the long-read)."""
        return []

    def url_of(self, kind: str, ref: int) -> str | None:
        """Where the live embed is fetched from (the same for every reader), if anywhere."""
        return None
