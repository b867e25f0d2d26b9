"""Polls under posts (ADR 0020) and how polls plug into the site at start-up.

Walls asks the kernel's `PostWidgets` socket once a page for what shows under its posts marked
`has_widgets` (the poll's actions set and clear the mark through walls' `mark_post_widgets`);
`PollsUnderPosts` answers with one query: for each post with a poll, a placeholder that htmx
swaps for the live poll (`engagement:poll_card`, rendered for each reader: their vote, the
results as the rule allows), with a plain link to the poll's page for readers without script.
The placeholder names only the poll and its question, so it may be kept with the page in walls'
caches; the same call renews the post's `content_version` when a poll is attached, its
question changes or it goes, so no kept page shows a stale one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from communa.communities.manage import Group, ManagePage, register_page
from communa.communities.permissions import Action
from communa.core.hooks import plug
from communa.core.lifecycle import register_runner
from communa.core.widgets import PostWidgets
from communa.engagement.actions.polls import close_due_polls
from communa.engagement.selectors.polls import polls_under_posts
from communa.walls.models import PostStatus


class PollsUnderPosts(PostWidgets):
    """A poll's placeholder under each published post that has one."""

    def below_posts(self, request: HttpRequest, posts: Sequence[Any]) -> dict[int, str]:
        shown = {post.pk: post for post in posts if post.status == PostStatus.PUBLISHED}
        if not shown:
            return {}
        found: dict[int, str] = {}
        for poll in polls_under_posts(list(shown)):
            post = shown[poll.post_id]
            found[post.pk] = render_to_string(
                "engagement/polls/_under_post.html",
                {"poll": poll, "slug": post.community.slug},
            )
        return found


def connect_polls() -> None:
    """Polls' manage page, their closing runner and their answer to `PostWidgets`."""
    register_page(
        ManagePage(
            Group.ENGAGEMENT, "engagement:manage_polls", _("Polls"), Action.RUN_ENGAGEMENT, 10
        )
    )
    register_runner("poll_closing", close_due_polls)
    plug(PostWidgets, PollsUnderPosts())
