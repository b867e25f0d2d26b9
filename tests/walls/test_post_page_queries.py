"""The post page costs the same number of queries whatever the number of comment threads."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from communa.walls.actions.interactions import like_comment
from tests.factories import add_member, make_community
from tests.walls.support import make_comment, make_post, png_file, queries_of

pytestmark = pytest.mark.django_db


def _page_size(settings, size: int) -> None:
    settings.COMMUNA = {**django_settings.COMMUNA, "PAGE_SIZE": size}


def test_the_post_page_costs_the_same_queries_for_5_and_25_threads(
    client, settings, django_assert_num_queries
):
    # given a post with 30 comment threads, each with a reply and a like
    community = make_community()
    post = make_post(community, body="Stock from bones", images=[png_file()])
    reader, writer = add_member(community), add_member(community)
    for n in range(30):
        top = make_comment(post, writer, f"Comment {n}")
        make_comment(post, reader, f"Reply {n}", parent=top)
        like_comment(actor=reader, comment=top)
    client.force_login(reader)
    url = f"/p/{post.pk}/"
    _page_size(settings, 5)
    client.get(url)  # the first reading renders the card and reads its details; then cached
    few = queries_of(lambda: client.get(url))
    # when the page shows five times as many threads
    _page_size(settings, 25)
    with django_assert_num_queries(few):
        response = client.get(url)
    # then it ran the same statements and showed them all
    page = response.content.decode()
    assert "Comment 24" in page
    assert "Reply 24" in page
    assert "Comment 25" not in page
