"""R4.5 discussion boards through the API: topics, their comments, pinning, closing, deleting."""

from __future__ import annotations

import pytest

from communa.communities.models import CommentPolicy, Privacy, WallMode
from communa.core.models import AuditEntry
from communa.walls.actions import boards
from communa.walls.models import Comment, Topic
from tests.factories import add_member, owner_of, person
from tests.support import api_as, error_of
from tests.walls.support import (
    group,
    moderator_of,
    topic_in,
)

pytestmark = pytest.mark.django_db


# --- starting and reading -------------------------------------------------------------------


def test_a_member_starts_a_topic_with_markdown_that_is_rendered_safely():
    community = group()
    member = add_member(community)
    response = api_as(member).post(
        f"/communities/{community.slug}/topics",
        {"title": "  Where do we meet?  ", "body": "**Soon** <script>alert(1)</script>"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Where do we meet?"
    assert body["author"]["username"] == member.username
    assert "<strong>Soon</strong>" in body["body_html"]
    assert "<script" not in body["body_html"]
    assert Topic.objects.get(pk=body["id"]).community_id == community.pk


@pytest.mark.parametrize(
    ("title", "reason_part"),
    [("", "required"), ("   ", "required"), ("x" * 201, "200")],
)
def test_a_topic_needs_a_title_of_one_to_two_hundred_characters(title, reason_part):
    community = group()
    response = api_as(owner_of(community)).post(
        f"/communities/{community.slug}/topics", {"title": title}
    )
    assert response.status_code == 422
    assert reason_part in " ".join(error_of(response)["fields"]["title"])
    assert not Topic.objects.exists()


def test_a_title_of_exactly_two_hundred_characters_is_accepted():
    community = group()
    response = api_as(owner_of(community)).post(
        f"/communities/{community.slug}/topics", {"title": "x" * 200}
    )
    assert response.status_code == 201


def test_an_outsider_cannot_start_a_topic_in_an_open_group():
    community = group()
    response = api_as(person()).post(f"/communities/{community.slug}/topics", {"title": "Hi"})
    assert response.status_code == 403
    assert not Topic.objects.exists()


def test_a_private_group_board_is_a_404_to_outsiders():
    community = group(privacy=Privacy.PRIVATE)
    topic = topic_in(community)
    outsider = api_as(person())
    assert outsider.get(f"/communities/{community.slug}/topics").status_code == 404
    assert outsider.get(f"/topics/{topic.pk}").status_code == 404
    assert outsider.get(f"/topics/{topic.pk}/comments").status_code == 404


def test_anonymous_visitors_read_the_board_of_an_open_group():
    community = group()
    topic_in(community, title="Open to all")
    response = api_as(None).get(f"/communities/{community.slug}/topics")
    assert response.status_code == 200
    assert [t["title"] for t in response.json()["items"]] == ["Open to all"]


def test_links_are_refused_in_a_members_topic_where_links_are_banned():
    community = group(links_allowed=False)
    member = add_member(community)
    response = api_as(member).post(
        f"/communities/{community.slug}/topics",
        {"title": "Look", "body": "see https://spam.example/buy"},
    )
    assert response.status_code == 422
    assert "body" in error_of(response)["fields"]


# --- the list -------------------------------------------------------------------------------


def test_pinned_topics_come_first_then_the_most_recently_active():
    community = group()
    owner = owner_of(community)
    old = topic_in(community, title="old")
    pinned = topic_in(community, title="pinned")
    topic_in(community, title="newer")
    boards.pin_topic(actor=owner, topic=pinned)
    # a comment makes the oldest topic the most recently active
    boards.reply_in_topic(actor=owner, topic=old, body="bump")
    titles = [
        t["title"]
        for t in api_as(owner).get(f"/communities/{community.slug}/topics").json()["items"]
    ]
    assert titles == ["pinned", "old", "newer"]


def test_the_board_pages_by_keyset_without_repeats_or_gaps():
    community = group()
    owner = owner_of(community)
    made = [topic_in(community, title=f"t{i}") for i in range(5)]
    boards.pin_topic(actor=owner, topic=made[2])
    client = api_as(owner)
    seen, cursor = [], None
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        page = client.get(f"/communities/{community.slug}/topics{query}").json()
        seen += [t["title"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["t2", "t4", "t3", "t1", "t0"]


def test_deleted_topics_leave_the_board():
    community = group()
    topic = topic_in(community)
    boards.delete_topic(actor=owner_of(community), topic=topic)
    client = api_as(owner_of(community))
    assert client.get(f"/communities/{community.slug}/topics").json()["items"] == []
    assert client.get(f"/topics/{topic.pk}").status_code == 404


@pytest.mark.parametrize("size", [2, 7])
def test_the_board_costs_the_same_queries_whatever_the_page_size(size, django_assert_num_queries):
    community = group()
    member = add_member(community)
    for i in range(8):
        topic_in(community, author=member, title=f"t{i}")
    client = api_as(member)
    client.get(f"/communities/{community.slug}/topics?limit=1")  # warm the session
    # session, user, the membership with its community (one statement), the page
    with django_assert_num_queries(4):
        response = client.get(f"/communities/{community.slug}/topics?limit={size}")
    assert len(response.json()["items"]) == size


# --- comments -------------------------------------------------------------------------------


def test_members_comment_and_reply_and_the_topic_counts_and_moves_up():
    community = group()
    member = add_member(community)
    topic = topic_in(community)
    before = Topic.objects.get(pk=topic.pk).last_activity_at
    client = api_as(member)
    first = client.post(f"/topics/{topic.pk}/comments", {"body": "First!"})
    assert first.status_code == 201, first.content
    reply = client.post(
        f"/topics/{topic.pk}/comments", {"body": "A reply", "parent_id": first.json()["id"]}
    )
    assert reply.status_code == 201
    assert reply.json()["parent_id"] == first.json()["id"]
    page = client.get(f"/topics/{topic.pk}/comments").json()
    assert [c["body"] for c in page["items"]] == ["First!"]
    assert [r["body"] for r in page["items"][0]["replies"]] == ["A reply"]
    topic.refresh_from_db()
    assert topic.comment_count == 2
    assert topic.last_activity_at > before


def test_a_closed_topic_refuses_new_comments_and_reopening_allows_them_again():
    community = group()
    member = add_member(community)
    topic = topic_in(community)
    boards.close_topic(actor=owner_of(community), topic=topic)
    client = api_as(member)
    refused = client.post(f"/topics/{topic.pk}/comments", {"body": "Too late?"})
    assert refused.status_code == 403
    assert "closed" in error_of(refused)["message"]
    assert not Comment.objects.exists()
    boards.reopen_topic(actor=owner_of(community), topic=topic)
    assert client.post(f"/topics/{topic.pk}/comments", {"body": "Now"}).status_code == 201


def test_an_empty_comment_is_refused_naming_the_body():
    community = group()
    topic = topic_in(community)
    response = api_as(owner_of(community)).post(f"/topics/{topic.pk}/comments", {"body": " "})
    assert response.status_code == 422
    assert "body" in error_of(response)["fields"]


def test_comments_follow_the_comment_policy_in_topics_too():
    community = group(comment_policy=CommentPolicy.NOBODY)
    topic = topic_in(community)
    response = api_as(add_member(community)).post(f"/topics/{topic.pk}/comments", {"body": "x"})
    assert response.status_code == 403


def test_a_reply_to_a_comment_of_another_topic_is_a_404():
    community = group()
    owner = owner_of(community)
    one, other = topic_in(community), topic_in(community)
    elsewhere = boards.reply_in_topic(actor=owner, topic=other, body="there")
    response = api_as(owner).post(
        f"/topics/{one.pk}/comments", {"body": "here", "parent_id": elsewhere.pk}
    )
    assert response.status_code == 404
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("size", [2, 6])
def test_the_comments_of_a_topic_cost_the_same_queries_whatever_the_page_size(
    size, django_assert_num_queries
):
    community = group()
    member = add_member(community)
    topic = topic_in(community)
    for i in range(7):
        parent = boards.reply_in_topic(actor=member, topic=topic, body=f"c{i}")
        boards.reply_in_topic(actor=member, topic=topic, body=f"r{i}", parent=parent)
    client = api_as(member)
    client.get(f"/topics/{topic.pk}/comments?limit=1")
    # session, user, topic, membership, the page, its replies
    with django_assert_num_queries(6):
        response = client.get(f"/topics/{topic.pk}/comments?limit={size}")
    assert len(response.json()["items"]) == size


# --- team actions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field", "audit"),
    [("pin", "pinned", "topic.pin"), ("close", "closed", "topic.close")],
)
def test_a_moderator_pins_or_closes_and_undoes_it_with_an_audit_entry(path, field, audit):
    community = group()
    moderator = moderator_of(community)
    topic = topic_in(community, author=add_member(community))
    client = api_as(moderator)
    done = client.post(f"/topics/{topic.pk}/{path}")
    assert done.status_code == 200, done.content
    assert done.json()[field] is True
    assert AuditEntry.objects.filter(action=audit, actor=moderator).count() == 1
    undone = client.delete(f"/topics/{topic.pk}/{path}")
    assert undone.json()[field] is False
    topic.refresh_from_db()
    assert getattr(topic, field) is False
    assert AuditEntry.objects.filter(target_type="walls.topic", actor=moderator).count() == 2


def test_pinning_twice_writes_one_audit_entry():
    community = group()
    topic = topic_in(community)
    client = api_as(owner_of(community))
    client.post(f"/topics/{topic.pk}/pin")
    client.post(f"/topics/{topic.pk}/pin")
    assert AuditEntry.objects.filter(action="topic.pin").count() == 1


@pytest.mark.parametrize("path", ["pin", "close"])
def test_a_member_cannot_pin_or_close_even_their_own_topic(path):
    community = group()
    member = add_member(community)
    topic = topic_in(community, author=member)
    response = api_as(member).post(f"/topics/{topic.pk}/{path}")
    assert response.status_code == 403
    topic.refresh_from_db()
    assert not topic.pinned
    assert not topic.closed


def test_the_author_deletes_their_topic_without_an_audit_entry():
    community = group()
    member = add_member(community)
    topic = topic_in(community, author=member)
    assert api_as(member).delete(f"/topics/{topic.pk}").status_code == 204
    topic.refresh_from_db()
    assert topic.deleted_at is not None
    assert not AuditEntry.objects.filter(action="topic.delete").exists()


def test_a_moderator_deletes_a_members_topic_and_it_is_audited():
    community = group()
    moderator = moderator_of(community)
    topic = topic_in(community, author=add_member(community), title="Spam")
    assert api_as(moderator).delete(f"/topics/{topic.pk}").status_code == 204
    entry = AuditEntry.objects.get(action="topic.delete")
    assert entry.actor == moderator
    assert entry.before["title"] == "Spam"


def test_another_member_cannot_delete_or_edit_a_topic():
    community = group()
    topic = topic_in(community, author=add_member(community), title="Mine")
    other = api_as(add_member(community))
    assert other.delete(f"/topics/{topic.pk}").status_code == 403
    assert other.patch(f"/topics/{topic.pk}", {"title": "Theirs"}).status_code == 403
    topic.refresh_from_db()
    assert topic.deleted_at is None
    assert topic.title == "Mine"


def test_the_author_edits_the_title_and_the_text_is_rendered_again():
    community = group()
    member = add_member(community)
    topic = topic_in(community, author=member, body="old")
    response = api_as(member).patch(f"/topics/{topic.pk}", {"body": "*new*"})
    assert response.status_code == 200
    assert response.json()["title"] == "Hello"
    assert "<em>new</em>" in response.json()["body_html"]


def test_an_edit_to_an_empty_title_is_refused_and_nothing_changes():
    community = group()
    topic = topic_in(community, title="Kept")
    response = api_as(owner_of(community)).patch(f"/topics/{topic.pk}", {"title": ""})
    assert response.status_code == 422
    assert "title" in error_of(response)["fields"]
    topic.refresh_from_db()
    assert topic.title == "Kept"


def test_the_board_is_hidden_from_members_when_the_wall_is_off():
    community = group(wall_mode=WallMode.OFF)
    member = add_member(community)
    response = api_as(member).get(f"/communities/{community.slug}/topics")
    assert response.status_code == 403
    assert (
        api_as(owner_of(community)).get(f"/communities/{community.slug}/topics").status_code == 200
    )
