"""A post's top-level comments are read a page at a time from an index in their order: the
database never sorts every comment of a post to show 30 (walls 0008, docs/performance.md)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communa.walls.comment_selectors import comments_page
from tests.factories import add_member, make_community, person
from tests.walls.support import make_comment, make_post

pytestmark = pytest.mark.django_db


def plan_of(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A small table is cheaper to scan: ask for the plan an index can give.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row) for row in cursor.fetchall())


def test_the_first_page_of_comments_needs_no_sort():
    community = make_community()
    reader = add_member(community, person("mira"))
    post = make_post(community)
    for index in range(5):
        make_comment(post, reader, f"Comment {index}")
    with CaptureQueriesContext(connection) as captured:
        page = comments_page(actor=None, post=post, cursor=None, limit=3)
    assert len(page.items) == 3
    top_level = next(
        q["sql"] for q in captured.captured_queries if '"parent_id" IS NULL' in q["sql"]
    )
    plan = plan_of(top_level)
    assert "comment_post_top_level" in plan
    assert "Sort" not in plan  # PostgreSQL
    assert "TEMP B-TREE" not in plan  # SQLite
