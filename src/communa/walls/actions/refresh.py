"""Telling walls that what shows with a post changed elsewhere.

Walls keeps rendered cards and visitors' whole walls under keys that name each post's
`content_version` (ADR 0009). What another app shows under a post (a poll, through the kernel's
`PostWidgets` socket, ADR 0020) is not a column of the post, so that app calls these when it
attaches, changes or takes away what it shows, and every kept page with the post is made again.
The post's `has_widgets` mark says whether there is anything to show: pages ask the socket only
about the posts so marked.
"""

from __future__ import annotations

from django.db.models import F

from communa.walls.models import Post


def refresh_post_content(*, post_id: int) -> None:
    """Raise a post's `content_version` so kept cards and visitors' walls showing it renew.

    Call it inside the transaction of the change it announces: a page made before the change
    commits is filed under the old version and never served for the new one."""
    Post.objects.filter(pk=post_id).update(content_version=F("content_version") + 1)


def mark_post_widgets(*, post_id: int, present: bool) -> None:
    """Say whether something shows under the post now (`has_widgets`), and renew the kept pages
    that show it (one UPDATE, as `refresh_post_content`).

    Call it inside the transaction of the change, after it, with `present` read from the calling
    app's own rows then (not a value read before), so two changes of the same post in a row
    leave the mark of the later one."""
    Post.objects.filter(pk=post_id).update(
        has_widgets=present, content_version=F("content_version") + 1
    )
