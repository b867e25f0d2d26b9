"""Board counters and answers under concurrent writers (PostgreSQL only, like the wall races)."""

from __future__ import annotations

import pytest
from django.db import connection

from communa.core.models import AuditEntry
from communa.walls.actions import boards
from communa.walls.models import Attendance, Photo
from tests.factories import add_member, owner_of
from tests.support import run_together
from tests.walls.support import (
    album_in,
    event,
    group,
    photo_upload,
    topic_in,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races need concurrent writers; SQLite runs one writer at a time",
    ),
]


def test_concurrent_uploads_to_one_album_keep_its_photo_count_exact():
    community = group()
    owner = owner_of(community)
    album = album_in(community)
    _results, errors = run_together(
        [
            lambda: boards.add_photos(actor=owner, album=album, uploads=[photo_upload()])
            for _ in range(8)
        ]
    )
    assert errors == []
    album.refresh_from_db()
    assert album.photo_count == 8 == Photo.objects.filter(album=album).count()


def test_deleting_one_photo_twice_at_once_lowers_the_count_once():
    community = group()
    owner = owner_of(community)
    album = album_in(community)
    photo, _other = boards.add_photos(
        actor=owner, album=album, uploads=[photo_upload(), photo_upload()]
    )
    _results, errors = run_together(
        [lambda: boards.delete_photo(actor=owner, photo=photo) for _ in range(4)]
    )
    assert errors == []
    album.refresh_from_db()
    assert album.photo_count == 1 == Photo.objects.filter(album=album).count()
    assert AuditEntry.objects.filter(action="photo.delete").count() == 1


def test_one_person_answering_five_times_at_once_keeps_one_answer():
    community = event()
    member = add_member(community)
    statuses = ["going", "maybe", "going", "maybe", "going"]
    _results, errors = run_together(
        [
            lambda s=s: boards.set_attendance(actor=member, community=community, status=s)
            for s in statuses
        ]
    )
    assert errors == []
    assert Attendance.objects.filter(community=community, user=member).count() == 1


def test_two_moderators_pinning_at_once_write_one_audit_entry():
    community = group()
    topic = topic_in(community)
    moderators = [add_member(community, role="moderator") for _ in range(2)]
    _results, errors = run_together(
        [lambda m=m: boards.pin_topic(actor=m, topic=topic) for m in moderators]
    )
    assert errors == []
    topic.refresh_from_db()
    assert topic.pinned
    assert AuditEntry.objects.filter(action="topic.pin").count() == 1
