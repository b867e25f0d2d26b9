"""A member's wall page carries one masked CSRF token everywhere it needs one (the composer,
each post's forms, htmx's header), and that token is accepted (core.fragments.token_of)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from communa.walls.models import Like
from tests.factories import add_member, make_community, person
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

TOKENS = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]*)"|"X-CSRFToken": "([^"]*)"')


def tokens_in(html: str) -> list[str]:
    return [field or header for field, header in TOKENS.findall(html)]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_a_members_wall_holds_one_token_that_a_like_is_accepted_with(htmx):
    owner = person("olga")
    community = make_community(owner, slug="cooks")
    member = add_member(community, person("mira"))
    posts = [make_post(community, body=f"Post {index}", author=owner) for index in range(3)]
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    headers = {"HX-Request": "true"} if htmx else {}
    pages = []
    for _ in range(2):
        response = client.get("/c/cooks/wall/", headers=headers)
        assert response.status_code == 200
        pages.append(tokens_in(response.content.decode()))
    first, second = pages
    # The composer, a like form and a comment form under each post (and the page's header).
    assert len(first) >= 1 + 2 * len(posts)
    assert len(set(first)) == 1, "one masked token for the whole response"
    assert len(set(second)) == 1
    assert first[0] != second[0], "each response is masked anew"
    response = client.post(f"/p/{posts[0].pk}/like/", {"csrfmiddlewaretoken": first[0]})
    assert response.status_code in (200, 302), response.status_code
    assert Like.objects.filter(post=posts[0], user=member, comment=None).exists()
