"""A card's <article> is put together in Python from its parts (walls.cards._article): the list
of cards is, byte for byte, what including walls/_post_card.html for each post gives."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from communa.walls import selectors
from communa.walls.actions.posts import pin_post
from communa.walls.cards import attach_cards
from tests.factories import add_member, make_community, owner_of, person
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reader", ["member", "owner"])
def test_the_list_of_cards_is_what_the_card_template_renders(reader):
    community = make_community(slug="cooks")
    owner = owner_of(community)
    member = add_member(community, person("mira"))
    posts = [make_post(community, body=f"Post **{n}** <b>not bold</b>") for n in range(3)]
    pin_post(actor=owner, post=posts[1])
    actor = member if reader == "member" else owner
    request = RequestFactory().get("/feed/")
    request.user = actor
    page = selectors.feed_page(actor=actor, cursor=None, limit=30, details=False)
    assert {post.pinned for post in page.items} == {True, False}
    team = {community.pk} if actor == owner else set()
    attach_cards(request, page.items, team_ids=team, on_community_page=False, may_interact=True)
    context = {"posts": page.items, "request": request, "more_url": None}
    assembled = render_to_string("walls/_post_list.html", context)
    for post in page.items:
        assert post.article_html.startswith('<article class="card post-card')
        del post.article_html  # the template's own path: one include per card
    included = render_to_string("walls/_post_list.html", context)
    assert assembled == included
    assert assembled.count("<article") == 3
    assert "is-pinned" in assembled
    assert "&lt;b&gt;not bold&lt;/b&gt;" in assembled
