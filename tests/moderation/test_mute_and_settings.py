"""A member's mute and their community's filter settings are read in one statement before they
write (issue 11): the settings read with the mute are the ones the text is checked against,
taken once; a check without a mute read before it reads the settings itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from communa.core.errors import PermissionRefused
from communa.moderation.models import FilterSettings, Sanction, SanctionAction
from communa.moderation.playbooks import active_mute, require_not_muted
from communa.moderation.screening import settings_of
from communa.walls.models import Comment
from tests.factories import add_member, make_community, person
from tests.support import api_as
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def mute(community, user, *, days: int, lifted: bool = False) -> Sanction:
    now = timezone.now()
    return Sanction.objects.create(
        community=community,
        user=user,
        action=SanctionAction.MUTE,
        reason="Spam in the comments",
        ends_at=now + timedelta(days=days),
        lifted_at=now if lifted else None,
    )


def test_the_mute_that_ends_last_is_found_with_the_settings_in_one_statement():
    # given a member with a lifted mute, a mute that ends later and one that ends sooner
    community = make_community()
    member = add_member(community, person("mira"))
    FilterSettings.objects.create(community=community, stop_words=["купить"])
    mute(community, member, days=30, lifted=True)
    mute(community, member, days=1)
    latest = mute(community, member, days=3)

    # when the mute is asked for, then the settings for the text that follows
    with CaptureQueriesContext(connection) as queries:
        found = active_mute(member, community)
        stored = settings_of(community)

    # then it is the latest mute still in force, and the settings came in the same statement
    assert found is not None
    assert found.pk == latest.pk
    assert stored is not None
    assert stored.stop_words == ["купить"]
    assert len(queries) == 1
    # and they are taken once: a later check reads them afresh
    with CaptureQueriesContext(connection) as queries:
        assert settings_of(community).stop_words == ["купить"]
    assert len(queries) == 1


def test_without_a_mute_or_settings_both_are_none_and_the_refusal_names_the_mute():
    community = make_community()
    member = add_member(community, person("mira"))
    assert active_mute(member, community) is None
    assert settings_of(community) is None
    mute(community, member, days=2)
    with pytest.raises(PermissionRefused, match="Spam in the comments"):
        require_not_muted(member, community)


def test_a_member_s_comment_is_checked_against_the_settings_read_with_the_mute():
    # given a community whose stop words hold a comment
    community = make_community()
    member = add_member(community, person("mira"))
    post = make_post(community, body="Knife skills")
    api = api_as(member)
    FilterSettings.objects.create(
        community=community, stop_words=["купить"], outcomes={"stop_words": "hold"}
    )

    # when a member writes the word, it is held; a clean comment goes out
    held = api.post(f"/posts/{post.pk}/comments", {"body": "Где купить такой нож?"})
    clean = api.post(f"/posts/{post.pk}/comments", {"body": "Отличный нож, спасибо"})
    assert held.status_code == clean.status_code == 201, held.content
    assert held.json()["status"] == "held"
    assert clean.json()["status"] == "visible"

    # and once muted, nothing they send is written
    mute(community, member, days=1)
    refused = api.post(f"/posts/{post.pk}/comments", {"body": "Ещё один"})
    assert refused.status_code == 403
    assert Comment.objects.filter(author=member).count() == 2


def test_a_comment_through_the_api_reads_the_mute_and_settings_with_its_post():
    # given a member muted twice in this community (the later end is the one in force), a mute
    # lifted, and a longer one in another community
    community, elsewhere = make_community(), make_community(slug="elsewhere")
    member = add_member(community, person("mira"))
    add_member(elsewhere, member)
    post = make_post(community, body="Knife skills")
    mute(community, member, days=30, lifted=True)
    mute(community, member, days=1)
    latest = mute(community, member, days=3)
    mute(elsewhere, member, days=10)
    api = api_as(member)

    # when they comment, the refusal names the mute that ends last, read with the post
    with CaptureQueriesContext(connection) as queries:
        refused = api.post(f"/posts/{post.pk}/comments", {"body": "Ещё один"})
    assert refused.status_code == 403
    until = date_format(timezone.localtime(latest.ends_at), "DATETIME_FORMAT")
    assert until in refused.json()["error"]["message"]
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    mutes = [sql for sql in reads if Sanction._meta.db_table in sql]
    assert len(mutes) == 1
    assert 'FROM "walls_post"' in mutes[0]  # no statement of its own
    assert not Comment.objects.exists()

    # and once the mutes here are lifted, the one elsewhere does not stop them
    Sanction.objects.filter(community=community).update(lifted_at=timezone.now())
    assert api.post(f"/posts/{post.pk}/comments", {"body": "Ещё один"}).status_code == 201
