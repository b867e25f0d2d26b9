"""core.appends: rows appended at once (COPY on PostgreSQL) are the rows the ORM would write."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from communa.analytics.models import Event
from communa.core.appends import append_rows
from communa.core.events import EventKind, Platform
from tests.factories import make_community, person
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db(transaction=True)

COLUMNS = ("kind", "community_id", "post_id", "user_id", "viewer", "platform", "at")


def test_appended_rows_read_back_as_the_orm_writes_them():
    community = make_community()
    post = make_post(community)
    alice = person("alice")
    # A moment in another zone: stored as the same instant, compared as the ORM compares it.
    moment = timezone.now().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).replace(microsecond=123456)
    rows = [
        (EventKind.IMPRESSION.value, community.pk, post.pk, alice.pk, "u1", "web", moment),
        (EventKind.IMPRESSION.value, community.pk, post.pk, None, "", "api", moment),
    ]
    with transaction.atomic():
        assert append_rows(Event, COLUMNS, rows) == 2
    made = Event.objects.create(
        kind=EventKind.IMPRESSION, community=community, post=post, viewer="u2", at=moment
    )
    found = list(Event.objects.filter(post=post, at=moment).order_by("pk"))
    assert len(found) == 3
    first, second = found[0], found[1]
    assert (first.kind, first.community_id, first.user_id, first.viewer, first.platform) == (
        "impression",
        community.pk,
        alice.pk,
        "u1",
        Platform.WEB,
    )
    assert second.user_id is None
    assert second.platform == Platform.API
    assert first.at == moment == made.at
    # Range filters see appended rows exactly where they see rows the ORM wrote.
    window = Event.objects.filter(at__gte=moment - timedelta(microseconds=1), at__lt=moment)
    assert not window.exists()
    assert Event.objects.filter(at__gte=moment, at__lte=moment).count() == 3


def test_many_rows_land_in_one_call_and_none_in_a_rolled_back_transaction():
    community = make_community()
    post = make_post(community)
    now = timezone.now()
    rows = [("impression", community.pk, post.pk, None, f"v{i}", "web", now) for i in range(250)]
    with transaction.atomic():
        assert append_rows(Event, COLUMNS, rows) == 250
    assert Event.objects.filter(post=post).count() == 250
    assert set(Event.objects.filter(post=post).values_list("viewer", flat=True)) == {
        f"v{i}" for i in range(250)
    }

    with transaction.atomic():
        append_rows(Event, COLUMNS, rows[:10])
        transaction.set_rollback(True)
    assert Event.objects.filter(post=post).count() == 250


def test_nothing_to_append_writes_nothing():
    with transaction.atomic():
        assert append_rows(Event, COLUMNS, []) == 0
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "viewer",
    ["tab\there", "line\nend", "carriage\rreturn", "back\\slash", "\\N", "кириллица ✓", ""],
)
def test_text_that_copy_would_read_as_its_own_syntax_comes_back_as_it_was(viewer):
    community = make_community()
    post = make_post(community)
    now = timezone.now()
    rows = (("impression", community.pk, post.pk, None, v, "web", now) for v in (viewer, "plain"))
    with transaction.atomic():
        assert append_rows(Event, COLUMNS, rows) == 2  # a generator is taken as well as a list
    found = list(Event.objects.filter(post=post).order_by("pk").values_list("viewer", "user_id"))
    assert found == [(viewer, None), ("plain", None)]


def test_a_value_of_another_kind_is_written_as_the_driver_writes_it():
    # A Decimal id is not formatted here: the rows go to the driver's own COPY rows instead.
    community = make_community()
    post = make_post(community)
    now = timezone.now()
    rows = [
        ("impression", Decimal(community.pk), post.pk, None, f"v{i}", "web", now) for i in (1, 2)
    ]
    with transaction.atomic():
        assert append_rows(Event, COLUMNS, rows) == 2
    found = Event.objects.filter(post=post).order_by("pk").values_list("community_id", "viewer")
    assert list(found) == [(community.pk, "v1"), (community.pk, "v2")]
