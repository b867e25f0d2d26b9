"""A post's page shows its comment threads in order, joined as `attach_comments` gave them."""

from __future__ import annotations

import re

import pytest

from tests.factories import add_member, make_community
from tests.support import client_of
from tests.walls.support import make_comment, make_post

pytestmark = pytest.mark.django_db


def test_a_post_without_comments_says_so():
    post = make_post(make_community(), body="Quiet post")
    html = client_of().get(f"/p/{post.pk}/").content.decode()
    assert "No comments yet." in html


def test_the_threads_show_in_order_once_each_with_the_readers_token():
    community = make_community()
    post = make_post(community, body="Busy post")
    member = add_member(community)
    comments = [make_comment(post, member, f"Comment number {index}") for index in range(4)]
    client = client_of(member)
    for _ in range(2):  # rendered, then from the cache
        html = client.get(f"/p/{post.pk}/").content.decode()
        assert "No comments yet." not in html
        ids = [int(pk) for pk in re.findall(r'id="comment-(\d+)"', html)]
        assert ids == [comment.pk for comment in comments]
        assert "csrf-token-placeholder" not in html
