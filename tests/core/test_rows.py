"""core.rows: hot single-row reads from a statement written once give the ORM's row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F, Model
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communa.accounts.models import PersonalAccessToken, User
from communa.communities.models import Community, Membership
from communa.core.cursors import PREPARE_AFTER
from communa.core.rows import Beside, complete, read_many, read_one
from communa.moderation.models import FilterSettings, Sanction, SanctionAction
from communa.walls.models import Post
from tests.factories import add_member, make_community, person
from tests.support import api_as, client_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def columns(instance: Model) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def test_a_row_is_the_row_the_orm_reads_with_its_time_zones_and_flags():
    alice = person("alice", date_joined=timezone.now() - timedelta(days=3), is_staff=True)
    read = read_one(User, 't0."id" = %s', [alice.pk])
    assert read is not None
    assert columns(read) == columns(User.objects.get(pk=alice.pk))
    assert read.date_joined.tzinfo is not None
    assert read.is_staff is True
    assert read.is_active is True


def test_json_columns_come_back_as_python_values():
    community = make_community()
    FilterSettings.objects.create(
        community=community, outcomes={"spam": "hold"}, stop_words=["купить", "дешево"]
    )
    read = read_one(FilterSettings, 't0."community_id" = %s', [community.pk])
    assert read is not None
    assert read.outcomes == {"spam": "hold"}
    assert read.stop_words == ["купить", "дешево"]
    assert columns(read) == columns(FilterSettings.objects.get(community=community))


def test_no_row_is_none():
    assert read_one(Membership, 't0."community_id" = %s AND t0."user_id" = %s', [0, 0]) is None


def test_joined_rows_come_in_the_same_statement():
    community = make_community()
    post = make_post(community, body="Knife skills")
    with CaptureQueriesContext(connection) as captured:
        read = read_one(Post, 't0."id" = %s', [post.pk], join=("author", "community"))
        assert read is not None
        assert read.author.username == post.author.username
        assert read.community.slug == community.slug
        assert read.body == "Knife skills"
    assert len(captured) == 1
    orm = Post.objects.select_related("author", "community").get(pk=post.pk)
    assert columns(read) == columns(orm)
    assert columns(read.author) == columns(orm.author)
    assert columns(read.community) == columns(orm.community)


def test_an_empty_foreign_key_is_cached_as_none():
    post = make_post(make_community())
    with CaptureQueriesContext(connection) as captured:
        read = read_one(Post, 't0."id" = %s', [post.pk], join=("shared_from",))
        assert read is not None
        assert read.shared_from is None
    assert len(captured) == 1


def test_a_time_parameter_compares_as_the_orm_compares_it():
    community = make_community()
    bob = add_member(community, person("bob"))
    now = timezone.now()
    for ends in (now - timedelta(seconds=1), now + timedelta(minutes=1), now + timedelta(hours=2)):
        Sanction.objects.create(
            community=community, user=bob, action=SanctionAction.MUTE, ends_at=ends
        )
    where = 't0."community_id" = %s AND t0."user_id" = %s AND t0."ends_at" > %s'
    latest = read_one(Sanction, where, [community.pk, bob.pk, now], order_by='t0."ends_at" DESC')
    earliest = read_one(Sanction, where, [community.pk, bob.pk, now], order_by='t0."ends_at"')
    assert latest is not None
    assert earliest is not None
    assert latest.ends_at == now + timedelta(hours=2)
    assert earliest.ends_at == now + timedelta(minutes=1)
    later = now + timedelta(hours=3)
    assert read_one(Sanction, where, [community.pk, bob.pk, later]) is None


def test_a_read_row_saves_as_an_update():
    community = make_community()
    bob = add_member(community, person("bob"))
    read = read_one(
        Membership, 't0."community_id" = %s AND t0."user_id" = %s', [community.pk, bob.pk]
    )
    assert read is not None
    assert not read._state.adding
    read.role = "moderator"
    read.save(update_fields=["role"])
    assert Membership.objects.get(community=community, user=bob).role == "moderator"
    assert Membership.objects.filter(community=community, user=bob).count() == 1


def test_only_forward_foreign_keys_can_be_joined():
    with pytest.raises(TypeError):
        read_one(PersonalAccessToken, 't0."id" = %s', [1], join=("name",))


def test_a_number_no_column_can_hold_matches_no_row_as_in_the_orm():
    community = make_community()
    post = make_post(community)
    for huge in (2**63, -(2**63) - 1, 10**30):
        assert read_one(Post, 't0."id" = %s', [huge]) is None
        assert not Post.objects.filter(pk=huge).exists()
    assert read_one(Post, 't0."id" = %s', [post.pk]) is not None


def test_an_address_with_such_a_number_is_a_404_not_a_500():
    member = add_member(make_community(), person("mira"))
    for path in (f"/posts/{2**63}", f"/posts/{2**63}/comments"):
        assert api_as(member).get(path).status_code == 404
    for user in (member, None):
        assert client_of(user).get(f"/p/{2**63}/").status_code == 404


def version_of(post: Post) -> int:
    return Post.objects.values_list("content_version", flat=True).get(pk=post.pk)


NARROW = (("", ("community_id", "author_id", "content_version")), ("author", ("username",)))


def test_a_narrow_read_reads_only_the_columns_named_and_leaves_the_others_deferred():
    community = make_community()
    post = make_post(community, body="Knife skills")
    with CaptureQueriesContext(connection) as captured:
        [read] = read_many(
            Post, 't0."id" = %s', [post.pk], order_by="", limit=None, join=("author",), only=NARROW
        )
    assert len(captured) == 1
    sql = captured.captured_queries[0]["sql"]
    assert '"body"' not in sql
    assert '"password"' not in sql
    assert read.content_version == version_of(post)
    assert read.author.username == post.author.username
    assert "body" in read.get_deferred_fields()
    assert "password" in read.author.get_deferred_fields()


def test_complete_reads_the_narrow_rows_whole_in_one_statement():
    community = make_community()
    posts = [make_post(community, body=f"Step {index}") for index in range(3)]
    ids = [post.pk for post in posts]
    where = f't0."id" IN ({", ".join(["%s"] * len(ids))})'
    join = ("author", "community")
    narrow = (*NARROW, ("community", ("slug",)))
    reads = read_many(Post, where, ids, order_by='t0."id"', limit=None, join=join, only=narrow)
    with CaptureQueriesContext(connection) as captured:
        complete(reads, join=join)
        bodies = [read.body for read in reads]  # no column is loaded on its own afterwards
        passwords = [read.author.password for read in reads]
    assert len(captured) == 1
    assert bodies == ["Step 0", "Step 1", "Step 2"]
    orm = Post.objects.select_related("author", "community").filter(pk__in=ids).order_by("pk")
    for read, whole in zip(reads, orm, strict=True):
        assert columns(read) == columns(whole)
        assert columns(read.author) == columns(whole.author)
        assert columns(read.community) == columns(whole.community)
    assert passwords[0] == orm[0].author.password
    with CaptureQueriesContext(connection) as again:
        complete(reads, join=join)
    assert len(again) == 0  # whole rows are not read again


def test_complete_gives_every_column_of_the_newer_read_not_a_mix_of_two_moments():
    community = make_community()
    post = make_post(community, body="Old text")
    version = version_of(post)
    [read] = read_many(Post, 't0."id" = %s', [post.pk], order_by="", limit=None, only=NARROW)
    Post.objects.filter(pk=post.pk).update(body="New text", like_count=F("like_count") + 1)
    complete([read])
    assert read.body == "New text"
    # the columns read narrow are the newer read's too (the triggers raised the version)
    assert read.content_version == version_of(post) > version


def test_a_row_deleted_before_complete_keeps_what_was_read():
    community = make_community()
    post = make_post(community, body="Gone soon")
    version = version_of(post)
    [read] = read_many(Post, 't0."id" = %s', [post.pk], order_by="", limit=None, only=NARROW)
    Post.objects.filter(pk=post.pk).delete()
    complete([read])
    assert read.content_version == version
    assert "body" in read.get_deferred_fields()


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are kept by PostgreSQL")
def test_postgresql_keeps_the_plan_of_a_statement_used_again():
    # given a statement written once, used more often than PREPARE_AFTER on one connection
    community = make_community()
    for _ in range(PREPARE_AFTER + 1):
        read_many(Community, 't0."id" = %s', [community.pk], order_by="", limit=1)

    # then the connection holds its plan, with the values as parameters
    kept = [text for text in prepared_statements() if '"communities_community" t0' in text]
    assert len(kept) == 1
    assert "$1" in kept[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are kept by PostgreSQL")
def test_no_plan_is_kept_when_the_operator_switches_it_off(settings):
    settings.COMMUNA = {**settings.COMMUNA, "DATABASE_PREPARED_STATEMENTS": False}
    community = make_community()
    for _ in range(PREPARE_AFTER + 3):
        read_many(Community, 't0."slug" = %s', [community.slug], order_by="", limit=1)
    assert not [text for text in prepared_statements() if 't0."slug" = $1' in text]
    assert read_many(Community, 't0."slug" = %s', [community.slug], order_by="", limit=1)


def plans_of(fragment: str) -> list[tuple[str, int, int]]:
    """(statement, generic plans, custom plans) of this connection's kept statements that hold
    `fragment`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE strpos(statement, %s) > 0",
            [fragment],
        )
        return cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are kept by PostgreSQL")
def test_the_pages_statements_are_planned_once_not_on_every_run(settings):
    # given a community with a page of posts, and a member who reads it
    settings.COMMUNA = {**settings.COMMUNA, "CARD_CACHE_SECONDS": 60}
    owner = person()
    community = make_community(owner, privacy="open")
    for number in range(12):
        make_post(community, body=f"Post {number}")
    reader = person()
    add_member(community, reader)
    visitor, member = api_as(None), api_as(reader)
    # when the pages are read a dozen times on this connection, a post edited before each
    # member's read (a kept answer is reused while the rows it names are unchanged: the wall is
    # then built from its statement)
    for _ in range(12):
        assert visitor.get(f"/communities/{community.slug}/wall").status_code == 200
        assert member.get("/feed").status_code == 200
        Post.objects.filter(community=community).update(content_version=F("content_version") + 1)
        assert member.get(f"/communities/{community.slug}/wall").status_code == 200
    # then PostgreSQL runs each page's statement from its one kept plan (planning a statement
    # again on every run cost more than running it), and the page's limit is written in: bound,
    # the kept plan assumed a tenth of the table and lost to planning on every run with many rows
    for fragment in ('AS "part"', '"walls_hiddenpost"', 't0."community_id" = $1 AND t0."status"'):
        plans = plans_of(fragment)
        assert plans, fragment
        for statement, generic, _custom in plans:
            assert generic > 0, (fragment, statement)
            assert "LIMIT $" not in statement, statement


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are kept by PostgreSQL")
def test_a_visitors_wall_asks_nothing_of_a_reader_and_keeps_its_plan(settings):
    # given a community's wall, read by visitors
    settings.COMMUNA = {**settings.COMMUNA, "CARD_CACHE_SECONDS": 60}
    community = make_community(person(), privacy="open")
    for number in range(5):
        make_post(community, body=f"Post {number}")
    visitor = client_of(None)
    # when visitors read it again and again, a post edited before each read
    for _ in range(PREPARE_AFTER + 8):
        response = visitor.get(f"/c/{community.slug}/wall/", headers={"HX-Request": "true"})
        assert response.status_code == 200
        Post.objects.filter(community=community).update(content_version=F("content_version") + 1)
    # then the statement of a visitor's wall asks whether nobody likes each post no more
    # (asked with a NULL reader, PostgreSQL planned it again on every read, finding a plan made
    # for that NULL cheaper than its kept one), and it runs from its kept plan
    plans = [p for p in plans_of('AS "part"') if "walls_like" not in p[0]]
    assert plans
    for statement, generic, custom in plans:
        assert generic > 0, statement
        assert custom <= 5, statement
    assert not [p for p in plans_of('AS "part"') if "walls_like" in p[0]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are kept by PostgreSQL")
def test_the_repeat_checks_question_is_planned_once_not_before_every_text():
    # given a member who comments again and again, each text checked against their recent ones
    from communa.core import gate

    author = person()
    since = timezone.now() - timedelta(days=1)
    for _ in range(PREPARE_AFTER + 8):
        gate.moderated_content().recent_texts(author, since, 100)
    # then the statement of their recent texts runs from one kept plan: the author and the
    # moment are asked so that any values are estimated alike, the limit is written in
    [(statement, generic, custom)] = plans_of('"created_at" >= (SELECT $')
    assert generic > 0, statement
    assert custom <= 5, statement
    assert "LIMIT $" not in statement


def test_a_narrow_row_loads_a_deferred_column_on_use_and_saves_what_it_read():
    community = make_community()
    post = make_post(community, body="Knife skills")
    [read] = read_many(
        Post, 't0."id" = %s', [post.pk], order_by="", limit=None, join=("author",), only=NARROW
    )
    assert read == post
    assert read._state.db == "default"
    assert not read._state.adding
    with CaptureQueriesContext(connection) as captured:
        assert read.body == "Knife skills"
    assert len(captured) == 1
    assert "body" not in read.get_deferred_fields()
    read.body = "Five knife skills"
    read.save()  # a row read narrow saves the columns it holds, as one the ORM read with only()
    assert Post.objects.get(pk=post.pk).body == "Five knife skills"
    assert Post.objects.filter(pk=post.pk).count() == 1


def test_a_model_whose_instances_are_listened_for_is_built_by_its_from_db():
    # Rows are built without Model.__init__ (as unpickling builds them) only where nothing
    # listens for the instances being made: a post_init receiver still runs for each one.
    community = make_community()
    post = make_post(community)
    made: list[int] = []

    def receiver(sender, instance, **kwargs):
        made.append(instance.pk)

    post_init.connect(receiver, sender=Post)
    try:
        read = read_one(Post, 't0."id" = %s', [post.pk])
    finally:
        post_init.disconnect(receiver, sender=Post)
    assert made == [post.pk]
    assert read is not None
    assert columns(read) == columns(Post.objects.get(pk=post.pk))


def test_a_row_beside_comes_in_the_same_statement_as_the_orm_reads_it():
    # given a post, a member of its community and a person who is not one
    community = make_community()
    post = make_post(community, body="Knife skills")
    member = add_member(community, person("mira"))
    stranger = person("sam")
    beside = Beside(
        "_membership", Membership, 'b1."community_id" = t0."community_id" AND b1."user_id" = %s'
    )

    # when the post is read with each one's membership beside it (its parameters first)
    with CaptureQueriesContext(connection) as captured:
        for_member = read_one(
            Post, 't0."id" = %s', [member.pk, post.pk], join=("community",), beside=(beside,)
        )
        for_stranger = read_one(Post, 't0."id" = %s', [stranger.pk, post.pk], beside=(beside,))

    # then each is one statement: the member's row is the ORM's, the stranger's is None
    assert len(captured) == 2
    assert for_member is not None
    assert for_stranger is not None
    assert columns(for_member) == columns(Post.objects.get(pk=post.pk))
    assert for_member.community.slug == community.slug
    expected = Membership.objects.get(community=community, user=member)
    assert columns(for_member._membership) == columns(expected)
    assert for_stranger._membership is None
    assert columns(for_stranger) == columns(for_member)


def test_rows_beside_a_narrow_read_come_whole_and_in_order():
    # given a community with filter settings and two mutes of one member, one ending later
    community = make_community()
    member = add_member(community, person("mira"))
    FilterSettings.objects.create(community=community, stop_words=["spam"])
    now = timezone.now()
    for days in (1, 5):
        Sanction.objects.create(
            community=community,
            user=member,
            action=SanctionAction.MUTE,
            ends_at=now + timedelta(days=days),
        )
    mute = Beside("_mute", Sanction, 'b1."community_id" = t0."id" AND b1."user_id" = %s')
    settings = Beside("_settings", FilterSettings, 'b2."community_id" = t0."id"')

    # when the community's id is read with the mute that ends last and the settings beside it
    (found,) = read_many(
        Community,
        't0."id" = %s',
        [member.pk, community.pk],
        order_by='b1."ends_at" DESC',
        limit=1,
        only=(("", ("id",)),),
        beside=(mute, settings),
    )

    # then both rows are whole, the first in the order asked
    assert found._mute.ends_at == now + timedelta(days=5)
    assert columns(found._mute) == columns(Sanction.objects.order_by("-ends_at").first())
    assert columns(found._settings) == columns(FilterSettings.objects.get(community=community))
