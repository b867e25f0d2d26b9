"""Set-up for the poll tests: polls made through the action, or written directly as rows."""

from __future__ import annotations

from typing import Any

from communa.communities.models import Community
from communa.engagement.actions.polls import create_poll
from communa.engagement.models import Poll, PollOption
from communa.engagement.selectors.polls import results_of
from tests.factories import owner_of


def make_poll(
    community: Community, actor: Any = None, options: tuple[str, ...] = ("Yes", "No"), **data: Any
) -> Poll:
    """A poll created by the community's owner (or `actor`) through the action."""
    data = {"question": "Which knife first?", "options": list(options), **data}
    return create_poll(actor=actor or owner_of(community), community=community, data=data)


def poll_row(community: Community, options: tuple[str, ...] = ("Yes", "No"), **fields: Any) -> Poll:
    """A poll written directly, as set-up that leaves no audit entry (the matrix tests count
    them)."""
    poll = Poll.objects.create(community=community, question="Tea or coffee?", **fields)
    for position, text in enumerate(options, 1):
        PollOption.objects.create(poll=poll, position=position, text=text)
    return poll


def option_ids(poll: Poll) -> list[int]:
    return list(poll.options.order_by("position").values_list("pk", flat=True))


def counts(poll: Poll) -> list[int]:
    """Each option's votes, in the options' order, as the results show them."""
    rows, _voters = results_of(poll, poll.options.order_by("position"))
    return [row.votes for row in rows]
