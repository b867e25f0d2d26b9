"""Tracked links (R8.8): a post's links with their tagged addresses, short links and clicks.

The short link itself, `/l/{code}`, is a web address (it redirects), not an API route; a client
that opens a post's link reports the click with `POST /posts/{id}/click`.
"""

from __future__ import annotations

from typing import Any

from communa.accounts.http import AuthedRequest
from communa.walls import selectors
from communa.walls.api.conversions import post_links_out, post_row
from communa.walls.api.routers import router
from communa.walls.api.schemas import PostLinksOut


@router.get("/posts/{post_id}/links", response=PostLinksOut)
def post_links(request: AuthedRequest, post_id: int) -> dict[str, Any]:
    """The post's tracked links: the address written, the tagged address a click leads to, the
    short link, clicks and CTR (clicks / the post's impressions), and the tags they carry
    (the community's owner, administrators, editors and analysts)."""
    post = post_row(request.auth, post_id, details=False)
    return post_links_out(request, selectors.post_links(actor=request.auth, post=post))
