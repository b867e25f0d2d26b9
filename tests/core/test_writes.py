"""Hot writes from statements written once (core.writes): the rows `insert` adds are the rows
`save()` adds, and `add_to` moves counters as `update(F(...) + n)` does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communa.accounts.models import Notification, PersonalAccessToken
from communa.communities.models import Community
from communa.core.writes import add_to, insert, insert_and_add, remove, sent_together
from communa.walls.models import Like, Post
from tests.factories import make_community, person
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def columns(instance) -> dict:
    """Every column of the row as the database holds it, read back through the ORM."""
    fresh = type(instance).objects.get(pk=instance.pk)
    values = {field.attname: getattr(fresh, field.attname) for field in fresh._meta.concrete_fields}
    values.pop(fresh._meta.pk.attname)
    return values


def test_an_inserted_row_is_the_row_save_adds():
    owner = person("olga")
    links = [{"title": "Site", "url": "https://example.org/a?b=c"}]
    starts = timezone.now() + timedelta(days=3)
    made = {
        "name": "Бабушкины рецепты",
        "slug": "recipes",
        "links": links,
        "event_starts_at": starts,
        "contacts": "ô",
    }
    by_orm = Community(**made)
    by_orm.save()
    (ours,) = insert(Community(**{**made, "slug": "recipes-2"}))
    assert ours.pk is not None
    assert ours.pk != by_orm.pk
    assert not ours._state.adding
    # Every column the same but the address and the moment each was made.
    expected = {**columns(by_orm), "slug": "recipes-2", "created_at": ours.created_at}
    assert columns(ours) == expected
    assert abs(ours.created_at - by_orm.created_at) < timedelta(seconds=5)
    assert columns(ours)["links"] == links
    # `auto_now_add` and defaults are filled as save() fills them.
    (token,) = insert(PersonalAccessToken(user=owner, name="x", prefix="p", token_hash="h"))
    assert token.created_at is not None
    assert columns(token)["created_at"] == token.created_at


def test_several_rows_in_one_statement_get_their_ids_in_order():
    people = [person(f"p{index}") for index in range(3)]
    notes = [
        Notification(recipient=user, kind="comment_on_post", subject=user.username)
        for user in people
    ]
    with CaptureQueriesContext(connection) as captured:
        insert(*notes)
    assert len(captured.captured_queries) == 1
    for note, user in zip(notes, people, strict=True):
        assert Notification.objects.get(pk=note.pk).recipient_id == user.pk


def test_a_model_with_a_receiver_goes_through_the_orm():
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.name)

    pre_save.connect(receiver, sender=Community, dispatch_uid="test-writes")
    try:
        insert(Community(name="Heard", slug="heard"))
    finally:
        pre_save.disconnect(dispatch_uid="test-writes", sender=Community)
    assert seen == ["Heard"]
    assert Community.objects.filter(slug="heard").exists()


def test_a_duplicate_is_the_orm_s_integrity_error_and_writes_nothing():
    owner = person("olga")
    post = make_post(make_community(owner, slug="cooks"), body="Hi", author=owner)
    insert(Like(user=owner, post=post))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(Like(user=owner, post=post))
    assert Like.objects.filter(post=post).count() == 1


def test_counters_move_and_come_back_as_written():
    owner = person("olga")
    community = make_community(owner, slug="cooks")
    first, second = (make_post(community, body=str(i), author=owner) for i in range(2))
    assert add_to(Post, first.pk, {"like_count": 1}, returning=True) == [1]
    assert add_to(Post, first.pk, {"like_count": 2, "share_count": 1}, returning=True) == [3]
    assert add_to(Post, [first.pk, second.pk], {"comment_count": 1}) is None
    assert add_to(Post, 10**9, {"like_count": 1}, returning=True) == []
    assert add_to(Post, [], {"like_count": 1}, returning=True) == []
    rows = {p.pk: (p.like_count, p.share_count, p.comment_count) for p in Post.objects.all()}
    assert rows == {first.pk: (3, 1, 1), second.pk: (0, 0, 1)}
    assert add_to(Post, first.pk, {"like_count": -3}, returning=True) == [0]


def test_removing_rows_by_their_values_as_the_orm_deletes_them():
    owner, other = person("olga"), person("mira")
    post = make_post(make_community(owner, slug="cooks"), body="Hi", author=owner)
    insert(Like(user=owner, post=post), Like(user=other, post=post))
    with CaptureQueriesContext(connection) as captured:
        assert remove(Like, user_id=owner.pk, post_id=post.pk, comment_id=None) == 1
    assert len(captured.captured_queries) == 1
    assert "IS NULL" in captured.captured_queries[0]["sql"]
    assert remove(Like, user_id=owner.pk, post_id=post.pk, comment_id=None) == 0
    assert list(Like.objects.values_list("user_id", flat=True)) == [other.pk]
    # Rows other rows point at go through the ORM's collector, which cascades.
    assert remove(Post, id=post.pk) == 2  # the post and the like pointing at it
    assert not Like.objects.exists()


def test_writes_sent_together_are_the_writes_made_one_by_one():
    owner, other = person("olga"), person("mira")
    post = make_post(make_community(owner, slug="cooks"), body="Hi", author=owner)
    with transaction.atomic(), sent_together():
        like = insert(Like(user=other, post=post))[0]
        notes = insert(
            *(
                Notification(recipient=u, kind="comment_on_post", subject="x")
                for u in (owner, other)
            )
        )
        add_to(Post, post.pk, {"like_count": 1, "comment_count": 2})
        # A result read inside the block is there at once (at the cost of its own round trip).
        assert add_to(Post, post.pk, {"share_count": 1}, returning=True) == [1]
        with sent_together():  # inside another block: part of it
            add_to(Post, post.pk, {"like_count": 1})
    # Every new row has its id once the block has ended.
    assert Like.objects.get(pk=like.pk).user_id == other.pk
    assert [Notification.objects.get(pk=n.pk).recipient_id for n in notes] == [owner.pk, other.pk]
    assert not like._state.adding
    post.refresh_from_db()
    assert (post.like_count, post.comment_count, post.share_count) == (2, 2, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline mode")
def test_on_postgresql_the_block_s_statements_go_without_waiting_for_each_other():
    owner = person("olga")
    post = make_post(make_community(owner, slug="cooks"), body="Hi", author=owner)
    with transaction.atomic(), sent_together():
        assert connection.connection._pipeline is not None
        (note,) = insert(Notification(recipient=owner, kind="comment_on_post", subject="x"))
        add_to(Post, post.pk, {"comment_count": 1})
        # Nothing has been waited for yet: the id comes when the block ends.
        assert note.pk is None
    assert connection.connection._pipeline is None
    assert Notification.objects.get(pk=note.pk).recipient_id == owner.pk


def test_an_error_in_writes_sent_together_is_the_orm_s_and_writes_nothing():
    owner = person("olga")
    post = make_post(make_community(owner, slug="cooks"), body="Hi", author=owner)
    insert(Like(user=owner, post=post))

    def writes() -> None:
        with transaction.atomic(), sent_together():
            add_to(Post, post.pk, {"comment_count": 1})
            insert(Notification(recipient=owner, kind="comment_on_post", subject="x"))
            insert(Like(user=owner, post=post))  # the same like again
            add_to(Post, post.pk, {"share_count": 1})

    with pytest.raises(IntegrityError):
        writes()
    post.refresh_from_db()
    assert (post.comment_count, post.share_count) == (0, 0)
    assert not Notification.objects.exists()
    assert Like.objects.filter(post=post).count() == 1
    # The connection serves the next statements as before.
    assert add_to(Post, post.pk, {"like_count": 1}, returning=True) == [1]


@pytest.mark.django_db(transaction=True)  # no transaction of the test's around the block
def test_writes_sent_together_outside_a_transaction_are_one_and_an_error_writes_nothing():
    owner = person("olga")
    post = make_post(make_community(owner, slug="cooks"), body="Hi", author=owner)

    def stopped_half_way() -> None:
        with sent_together():
            add_to(Post, post.pk, {"comment_count": 1})
            insert(Notification(recipient=owner, kind="comment_on_post", subject="x"))
            raise RuntimeError("the code, not the database, stops here")

    with pytest.raises(RuntimeError):
        stopped_half_way()
    post.refresh_from_db()
    assert post.comment_count == 0
    assert not Notification.objects.exists()
    with sent_together():
        add_to(Post, post.pk, {"comment_count": 1})
    post.refresh_from_db()
    assert post.comment_count == 1


def test_rows_and_the_counters_of_the_rows_they_point_at_in_one_write():
    olga, ivan = person("olga"), person("ivan")
    notes = [
        Notification(recipient=olga, kind="comment_on_post", subject="first"),
        Notification(recipient=ivan, kind="comment_on_post", subject="second"),
        Notification(recipient=olga, kind="comment_on_post", subject="third"),
    ]
    with CaptureQueriesContext(connection) as recorded:
        made = insert_and_add(*notes, link="recipient", deltas={"unread_notifications": 2})
    # One statement on PostgreSQL (elsewhere the insert and the update, in one transaction).
    if connection.vendor == "postgresql":
        assert len(recorded.captured_queries) == 1
    # Each instance has the id of its own row, in the order given.
    assert [Notification.objects.get(pk=note.pk).subject for note in made] == [
        "first",
        "second",
        "third",
    ]
    assert made[0].pk < made[1].pk < made[2].pk
    # Each row pointed at moves once, however many new rows point at it (as add_to moves it).
    olga.refresh_from_db()
    ivan.refresh_from_db()
    assert (olga.unread_notifications, ivan.unread_notifications) == (2, 2)


def test_rows_and_counters_written_together_are_both_or_neither():
    olga = person("olga")

    def below_zero() -> None:
        insert_and_add(
            Notification(recipient=olga, kind="comment_on_post", subject="x"),
            link="recipient",
            deltas={"unread_notifications": -1},  # the column holds no number below zero
        )

    with pytest.raises(IntegrityError), transaction.atomic():
        below_zero()
    assert not Notification.objects.exists()
    olga.refresh_from_db()
    assert olga.unread_notifications == 0


def test_rows_and_counters_sent_together_get_their_ids_at_the_block_s_end():
    olga = person("olga")
    with transaction.atomic(), sent_together():
        (note,) = insert_and_add(
            Notification(recipient=olga, kind="comment_on_post", subject="x"),
            link="recipient",
            deltas={"unread_notifications": 1},
        )
    assert Notification.objects.get(pk=note.pk).recipient_id == olga.pk
    olga.refresh_from_db()
    assert olga.unread_notifications == 1


def test_values_sent_as_they_are_are_the_values_the_fields_would_send():
    """`insert` skips `pre_save` and `get_db_prep_save` for a text, a number or a flag a field
    would send unchanged: what it sends is what the fields would have sent."""
    from communa.analytics.models import Event
    from communa.core.writes import _prepared
    from communa.walls.models import Comment

    owner = person("olga")
    post = make_post(make_community(owner, slug="cooks"), body="Hi", author=owner)
    rows = [
        Event(kind="comment", community_id=post.community_id, post_id=post.pk, user_id=owner.pk),
        Event(kind="like", viewer="v" * 32, platform="api"),  # a choice as plain text, nulls
        Notification(recipient=owner, kind="comment_on_post", subject="Ёжик", url="/p/1/"),
        Comment(post=post, author=owner, body="Спасибо", body_html="<p>Спасибо</p>", language="ru"),
        Like(user=owner, post=post),
        Post(community=post.community, author=owner, body="x", pinned=True, like_count=3),
    ]
    for row in rows:
        prepared = _prepared([row], connection)
        assert prepared is not None
        _sql, sent = prepared
        fields = [f for f in type(row)._meta.concrete_fields if f is not type(row)._meta.pk]
        expected = [
            f.get_db_prep_save(f.pre_save(row, add=True), connection=connection) for f in fields
        ]

        # Moments made by `pre_save` (auto_now_add) differ by the time between the two; JSON
        # goes wrapped, compared by what it wraps.
        def shown(values: list, fields: list = fields) -> list:
            return [
                (getattr(v, "obj", v), type(v))
                for v, f in zip(values, fields, strict=True)
                if f.get_internal_type() != "DateTimeField"
            ]

        assert shown(sent) == shown(expected)
