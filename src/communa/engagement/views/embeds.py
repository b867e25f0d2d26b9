"""Polls embedded in a long-read's blocks, and engagement's answer to the kernel's `BlockEmbeds`.

Walls stores a long-read's HTML when it is written; an embed block of kind "poll" becomes a
placeholder with a link to `engagement:poll_embed`, the same for every reader, which
communa.js swaps for the live poll (this reader's vote, the results as the rule allows). The
link needs no community in its address, so the stored HTML never goes stale when a community is
renamed; the view finds the poll's community and checks that the reader may see it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from communa.core.errors import NotFound
from communa.core.hooks import plug
from communa.core.web import answers_refusals
from communa.core.widgets import BlockEmbeds
from communa.engagement.models import Poll
from communa.engagement.selectors import polls as selectors
from communa.engagement.views.polls import poll_context


class PollEmbeds(BlockEmbeds):
    """Polls are embedded by their number; a long-read may embed its own community's only."""

    def unknown(self, community_id: int, kind: str, refs: Sequence[int]) -> list[int]:
        if kind != "poll":
            return []
        found = set(
            Poll.objects.filter(community_id=community_id, pk__in=refs).values_list("pk", flat=True)
        )
        return sorted(set(refs) - found)

    def url_of(self, kind: str, ref: int) -> str | None:
        return reverse("engagement:poll_embed", args=[ref]) if kind == "poll" else None


@require_GET
@answers_refusals
def poll_embed(request: HttpRequest, poll_id: int) -> HttpResponse:
    """The live poll for a long-read's embed block (htmx), else the poll's own page."""
    poll = Poll.objects.select_related("community").filter(pk=poll_id).first()
    if poll is None:
        raise NotFound
    standing = selectors.require_poll_visible(request.user, poll.community)
    if not getattr(request, "htmx", False):
        return redirect("engagement:poll", poll.community.slug, poll.pk)
    found = selectors.poll_in(poll.community, poll.pk)
    return render(
        request,
        "engagement/polls/_poll.html",
        {**poll_context(request, found, standing), "in_card": True},
    )


def connect_embeds() -> None:
    """Answer the kernel's `BlockEmbeds` for polls."""
    plug(BlockEmbeds, PollEmbeds())
