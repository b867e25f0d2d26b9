"""R6.1: a poll in a long-read's block. The long-read stores a link to the poll (the same for
every reader); the page's script swaps in the live poll; a long-read may embed only its own
community's polls."""

from __future__ import annotations

import pytest

from communa.communities.models import Privacy
from communa.core.errors import ValidationFailed
from communa.walls.actions.posts import edit_post
from tests.engagement.polls_support import make_poll
from tests.factories import add_member, make_community, owner_of, person
from tests.support import api_as, client_of, error_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def longread(community, *refs: int, **data):
    blocks = [{"type": "paragraph", "text": "Which knife?"}]
    blocks += [{"type": "embed", "kind": "poll", "ref": ref} for ref in refs]
    return make_post(community, kind="longread", title="Knives", body="", blocks=blocks, **data)


def test_a_longread_embeds_its_communitys_poll_as_a_link_to_the_live_poll():
    # given
    community = make_community()
    poll = make_poll(community, options=("Chef's knife", "Santoku"))
    # when
    post = longread(community, poll.pk)
    # then the stored HTML links the poll's embed address, not a placeholder text
    assert f'href="/embeds/polls/{poll.pk}/"' in post.body_html
    assert "once polls are open" not in post.body_html


def test_the_embed_answers_htmx_with_the_live_poll_and_a_plain_visit_with_the_polls_page():
    community = make_community()
    member = add_member(community)
    poll = make_poll(community, options=("Chef's knife", "Santoku"))
    client = client_of(member)

    live = client.get(f"/embeds/polls/{poll.pk}/", **HTMX)
    plain = client.get(f"/embeds/polls/{poll.pk}/")

    assert live.status_code == 200
    assert "Santoku" in live.content.decode()
    assert f'id="poll-{poll.pk}"' in live.content.decode()
    assert plain.status_code == 302
    assert plain["Location"] == f"/c/{community.slug}/polls/{poll.pk}/"


def test_an_outsider_of_a_closed_community_gets_the_404_of_a_missing_poll():
    community = make_community(privacy=Privacy.CLOSED)
    poll = make_poll(community)

    hidden = client_of(person()).get(f"/embeds/polls/{poll.pk}/", **HTMX)
    missing = client_of(person()).get(f"/embeds/polls/{poll.pk + 1000}/", **HTMX)

    assert hidden.status_code == missing.status_code == 404


def test_a_longread_cannot_embed_another_communitys_poll_or_a_missing_one():
    community, other = make_community(), make_community()
    theirs = make_poll(other)

    with pytest.raises(ValidationFailed) as caught:
        longread(community, theirs.pk, theirs.pk + 1000)

    (message,) = caught.value.fields["blocks"]
    assert str(theirs.pk) in message
    assert str(theirs.pk + 1000) in message


def test_an_edit_cannot_slip_another_communitys_poll_into_a_longread():
    community, other = make_community(), make_community()
    post = longread(community, make_poll(community).pk)
    blocks = [*post.blocks, {"type": "embed", "kind": "poll", "ref": make_poll(other).pk}]

    with pytest.raises(ValidationFailed) as caught:
        edit_post(actor=owner_of(community), post=post, data={"blocks": blocks})

    assert "blocks" in caught.value.fields
    post.refresh_from_db()
    assert len(post.blocks) == 2


def test_the_api_refuses_a_foreign_poll_embed_with_a_422_naming_blocks():
    community, other = make_community(), make_community()
    theirs = make_poll(other)
    answer = api_as(owner_of(community)).post(
        f"/communities/{community.slug}/posts",
        {
            "kind": "longread",
            "title": "Knives",
            "blocks": [{"type": "embed", "kind": "poll", "ref": theirs.pk}],
        },
    )

    assert answer.status_code == 422
    assert "blocks" in error_of(answer)["fields"]
