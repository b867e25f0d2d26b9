"""The statements a like and a comment cost through the API, with a token (issue 11).

Each write reads its rows from statements written once (core.rows) and keeps the notification in
the action's own transaction: the counts below are what that costs, so a change that adds a
statement to the hot write paths shows here.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from communa.accounts.actions import create_access_token
from communa.accounts.models import Notification
from communa.core.gate import text_gate
from communa.walls.models import Comment, Topic
from tests.factories import add_member, make_community, person
from tests.support import Api, api_as
from tests.walls.support import make_post, topic_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setting():
    owner = person("olga")
    community = make_community(owner, slug="cooks")
    member = add_member(community, person("mira"))
    post = make_post(community, body="Knife skills", author=owner)
    _token, plaintext = create_access_token(actor=member, name="bench")
    api = Api(Client(), plaintext)
    api.get("/me")  # the token's first use is recorded once a minute: not in the counts
    return api, post, owner


def statements(call, answers: list | None = None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code in (200, 201), response.content
    if answers is not None:
        answers.append(response.json())
    return [query["sql"] for query in captured.captured_queries]


def reads_of(sql: list[str]) -> list[str]:
    """The reads, without the rate limits' counters (Redis in production, rows here)."""
    return [s for s in sql if s.lstrip("(").startswith("SELECT") and "ratelimit" not in s]


def last_transaction(sql: list[str]) -> list[str]:
    begin = max(index for index, s in enumerate(sql) if s.startswith("BEGIN"))
    return sql[begin : sql.index("COMMIT", begin) + 1]


def test_a_comment_costs_two_reads_and_one_transaction_without_savepoints(setting):
    api, post, owner = setting
    sql = statements(lambda: api.post(f"/posts/{post.pk}/comments", {"body": "Sharp, thanks"}))
    # The token and its user; the post with its author, community, the member's membership,
    # their mute there, the community's filter settings and the member's recent texts (the
    # repeat check).
    reads = reads_of(sql)
    assert len(reads) == 2
    assert '"moderation_sanction"' in reads[1]
    assert '"moderation_filtersettings"' in reads[1]
    assert '"walls_comment"' in reads[1]
    # The comment, its event, its notification; then the rows many comments share, each
    # locked only until the commit: the unread counter, the post's counter. On PostgreSQL the
    # notification and its recipient's unread counter are one statement.
    written = last_transaction(sql)
    together = connection.vendor == "postgresql"
    assert [s.split()[0] for s in written] == [
        "BEGIN",
        "INSERT",
        "INSERT",
        *(["WITH"] if together else ["INSERT", "UPDATE"]),
        "UPDATE",
        "COMMIT",
    ]
    assert "walls_comment" in written[1]
    assert "analytics_event" in written[2]
    assert "accounts_notification" in written[3]
    assert "accounts_user" in written[3 if together else 4]
    assert "walls_post" in written[-2]
    assert Notification.objects.filter(recipient=owner, kind="comment_on_post").count() == 1


def test_a_like_costs_two_reads_and_one_transaction(setting):
    api, post, _owner = setting
    answers: list = []
    sql = statements(lambda: api.post(f"/posts/{post.pk}/like"), answers)
    # The token and its user; the post with its author, community and the member's membership.
    assert len(reads_of(sql)) == 2
    # The like, its event, then the counter: the post's row is locked only for the commit,
    # and the count the answer shows is the one the update wrote (no read after it).
    transaction = last_transaction(sql)
    assert [s.split()[0] for s in transaction] == ["BEGIN", "INSERT", "INSERT", "UPDATE", "COMMIT"]
    assert '"walls_like"' in transaction[1]
    assert '"walls_post"' in transaction[3]
    assert "RETURNING" in transaction[3]
    assert answers == [{"liked": True, "likes": 1}]
    # Taking it back shows the counter as the unlike wrote it.
    assert api.delete(f"/posts/{post.pk}/like").json() == {"liked": False, "likes": 0}


def test_a_held_comment_costs_the_same_reads_and_names_its_reasons_at_once(setting):
    # given a comment the checks hold (a farm of links)
    api, post, _owner = setting
    farm = "https://a.example https://b.example https://c.example https://d.example"

    # when a member sends it
    answers: list = []
    sql = statements(lambda: api.post(f"/posts/{post.pk}/comments", {"body": farm}), answers)

    # then the answer names why it is held: the held item is written once, not read back
    [answer] = answers
    assert answer["status"] == "held"
    assert answer["held_reasons"]
    assert len(reads_of(sql)) == 2
    written = last_transaction(sql)
    assert [s.split()[0] for s in written] == ["BEGIN", "INSERT", "INSERT", "COMMIT"]
    assert "walls_comment" in written[1]
    assert "moderation_helditem" in written[2]
    assert not any("moderation_helditem" in s for s in reads_of(sql))
    # and they are the reasons read back from the item for the row read afresh
    fresh = Comment.objects.get(pk=answer["id"])
    assert text_gate().held_state(fresh) == ("held", answer["held_reasons"])


def test_outside_any_transaction_comments_replies_and_topics_move_their_counters(setting):
    """The writes of a comment go in two round trips on PostgreSQL (`written_together`): a
    reply's parent, a topic's count and moment, a held comment's item, all as one by one."""
    api, post, owner = setting
    first = api.post(f"/posts/{post.pk}/comments", {"body": "Sharp, thanks"}).json()
    reply = api.post(f"/posts/{post.pk}/comments", {"body": "Agreed", "parent": first["id"]})
    assert reply.status_code == 201, reply.content
    held = api.post(
        f"/posts/{post.pk}/comments",
        {"body": "https://a.example https://b.example https://c.example https://d.example"},
    ).json()
    assert held["status"] == "held"
    assert held["held_reasons"]
    post.refresh_from_db()
    assert post.comment_count == 2
    assert Comment.objects.get(pk=first["id"]).reply_count == 1
    owner.refresh_from_db()
    assert owner.unread_notifications == Notification.objects.filter(recipient=owner).count() == 1

    community = post.community
    topic = topic_in(community)
    member = add_member(community, person("ivan"))
    before = Topic.objects.get(pk=topic.pk).last_activity_at
    answer = api_as(member).post(f"/topics/{topic.pk}/comments", {"body": "First!"})
    assert answer.status_code == 201, answer.content
    topic.refresh_from_db()
    assert topic.comment_count == 1
    assert topic.last_activity_at > before
    assert Comment.objects.get(pk=answer.json()["id"]).topic_id == topic.pk
