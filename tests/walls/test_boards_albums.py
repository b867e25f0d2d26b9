"""R4.6 photo albums: create, add photos with thumbnails, exact counts, delete."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from communa.communities.models import Privacy
from communa.core.errors import ValidationFailed
from communa.core.models import AuditEntry
from communa.walls.actions import boards
from communa.walls.models import Album, Photo
from tests.factories import add_member, owner_of, person
from tests.support import api_as, error_of
from tests.walls.support import (
    album_in,
    editor_of,
    event,
    group,
    moderator_of,
    photo_upload,
)

pytestmark = pytest.mark.django_db


def add(client, album, *files, **form):
    return client.client.post(f"/api/albums/{album.pk}/photos", {"photos": list(files), **form})


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_editor_creates_an_album_and_adds_photos_with_thumbnails(settings):
    settings.COMMUNA = {**settings.COMMUNA, "THUMBNAIL_PIXELS": 20}
    community = group()
    client = api_as(editor_of(community))
    created = client.post(
        f"/communities/{community.slug}/albums", {"title": "Picnic", "description": "June"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["photo_count"] == 0
    assert created.json()["cover_url"] is None
    album = Album.objects.get(pk=created.json()["id"])
    response = add(client, album, photo_upload(80, 40), photo_upload(30, 60), caption="Lake")
    assert response.status_code == 201, response.content
    photos = response.json()
    assert [(p["width"], p["height"]) for p in photos] == [(80, 40), (30, 60)]
    assert all(p["caption"] == "Lake" for p in photos)
    album.refresh_from_db()
    assert album.photo_count == 2
    thumb = Photo.objects.get(pk=photos[0]["id"]).thumbnail
    with Image.open(thumb.path) as image:
        assert max(image.size) == 20
    detail = client.get(f"/albums/{album.pk}").json()
    assert detail["photo_count"] == 2
    assert detail["cover_url"]
    assert len(detail["photos"]) == 2


def test_a_not_image_is_refused_and_no_photo_or_file_is_left(settings):
    community = group()
    album = album_in(community)
    fake = SimpleUploadedFile("photo.png", b"not really an image", content_type="image/png")
    response = add(api_as(owner_of(community)), album, photo_upload(), fake)
    assert response.status_code == 422
    assert "photos" in error_of(response)["fields"]
    album.refresh_from_db()
    assert album.photo_count == 0
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_an_oversize_photo_is_refused(settings):
    settings.COMMUNA = {**settings.COMMUNA, "POST_IMAGE_MAX_BYTES": 100}
    community = group()
    album = album_in(community)
    response = add(api_as(owner_of(community)), album, photo_upload(50, 50))
    assert response.status_code == 422
    assert "largest allowed" in error_of(response)["fields"]["photos"][0]
    assert not Photo.objects.exists()


def test_a_photo_with_too_many_pixels_is_refused(settings):
    settings.COMMUNA = {**settings.COMMUNA, "POST_IMAGE_MAX_PIXELS": 64}
    community = group()
    album = album_in(community)
    response = add(api_as(owner_of(community)), album, photo_upload(65, 10))
    assert response.status_code == 422
    assert "65×10" in error_of(response)["fields"]["photos"][0]


def test_an_album_needs_a_title():
    community = group()
    response = api_as(owner_of(community)).post(
        f"/communities/{community.slug}/albums", {"title": "  "}
    )
    assert response.status_code == 422
    assert "title" in error_of(response)["fields"]
    assert not Album.objects.exists()


def test_adding_no_photo_is_refused_naming_the_field():
    community = group()
    album = album_in(community)
    response = api_as(owner_of(community)).client.post(
        f"/api/albums/{album.pk}/photos", {"caption": "x"}
    )
    assert response.status_code == 422
    assert "photos" in error_of(response)["fields"]
    assert not Photo.objects.exists()


def test_adding_no_photo_through_the_action_is_refused_naming_the_field():
    community = group()
    album = album_in(community)
    with pytest.raises(ValidationFailed) as refused:
        boards.add_photos(actor=owner_of(community), album=album, uploads=[])
    assert "photos" in refused.value.fields


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_members_and_moderators_cannot_add_albums_or_photos(role):
    community = group()
    album = album_in(community)
    client = api_as(add_member(community, role=role))
    assert client.post(f"/communities/{community.slug}/albums", {"title": "x"}).status_code == 403
    assert add(client, album, photo_upload()).status_code == 403
    assert Album.objects.count() == 1
    assert not Photo.objects.exists()


def test_events_have_albums_too():
    community = event()
    response = api_as(owner_of(community)).post(
        f"/communities/{community.slug}/albums", {"title": "After the party"}
    )
    assert response.status_code == 201


def test_deleting_a_photo_lowers_the_count_once_and_removes_its_files(
    settings, django_capture_on_commit_callbacks
):
    community = group()
    editor = editor_of(community)
    album = album_in(community)
    first, _second = boards.add_photos(
        actor=editor, album=album, uploads=[photo_upload(), photo_upload()]
    )
    assert len(stored_files(settings)) == 4
    client = api_as(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/photos/{first.pk}").status_code == 204
    assert client.delete(f"/photos/{first.pk}").status_code == 404
    album.refresh_from_db()
    assert album.photo_count == 1
    assert len(stored_files(settings)) == 2
    assert AuditEntry.objects.filter(action="photo.delete").count() == 1


def test_deleting_an_album_removes_its_photos_and_files(
    settings, django_capture_on_commit_callbacks
):
    community = group()
    owner = owner_of(community)
    album = album_in(community)
    boards.add_photos(actor=owner, album=album, uploads=[photo_upload(), photo_upload()])
    with django_capture_on_commit_callbacks(execute=True):
        assert api_as(owner).delete(f"/albums/{album.pk}").status_code == 204
    assert not Album.objects.exists()
    assert not Photo.objects.exists()
    assert stored_files(settings) == []
    assert AuditEntry.objects.filter(action="album.delete").count() == 1


def test_a_member_cannot_delete_photos_or_albums():
    community = group()
    album = album_in(community)
    (photo,) = boards.add_photos(actor=owner_of(community), album=album, uploads=[photo_upload()])
    client = api_as(moderator_of(community))
    assert client.delete(f"/photos/{photo.pk}").status_code == 403
    assert client.delete(f"/albums/{album.pk}").status_code == 403
    album.refresh_from_db()
    assert album.photo_count == 1


def test_a_private_groups_albums_are_a_404_to_outsiders():
    community = group(privacy=Privacy.PRIVATE)
    album = album_in(community)
    (photo,) = boards.add_photos(actor=owner_of(community), album=album, uploads=[photo_upload()])
    outsider = api_as(person())
    assert outsider.get(f"/communities/{community.slug}/albums").status_code == 404
    assert outsider.get(f"/albums/{album.pk}").status_code == 404
    assert outsider.delete(f"/photos/{photo.pk}").status_code == 404


def test_the_album_list_shows_the_newest_photo_as_cover():
    community = group()
    owner = owner_of(community)
    album = album_in(community)
    boards.add_photos(actor=owner, album=album, uploads=[photo_upload()])
    (newest,) = boards.add_photos(actor=owner, album=album, uploads=[photo_upload()])
    items = api_as(owner).get(f"/communities/{community.slug}/albums").json()["items"]
    assert items[0]["cover_url"] == newest.thumbnail.url


@pytest.mark.parametrize("size", [2, 5])
def test_the_album_list_costs_the_same_queries_whatever_the_page_size(
    size, django_assert_num_queries
):
    community = group()
    owner = owner_of(community)
    for i in range(6):
        album = album_in(community, title=f"a{i}")
        boards.add_photos(actor=owner, album=album, uploads=[photo_upload()])
    client = api_as(add_member(community))
    client.get(f"/communities/{community.slug}/albums?limit=1")
    # session, user, the membership with its community (one statement), the page, the covers
    with django_assert_num_queries(4):
        response = client.get(f"/communities/{community.slug}/albums?limit={size}")
    assert len(response.json()["items"]) == size
    assert all(item["cover_url"] for item in response.json()["items"])


@pytest.mark.parametrize("size", [2, 5])
def test_an_album_page_costs_the_same_queries_whatever_the_page_size(
    size, django_assert_num_queries
):
    community = group()
    album = album_in(community)
    boards.add_photos(
        actor=owner_of(community), album=album, uploads=[photo_upload() for _ in range(6)]
    )
    client = api_as(add_member(community))
    client.get(f"/albums/{album.pk}?limit=1")
    # session, user, album with community and cover, membership, the page
    with django_assert_num_queries(5):
        response = client.get(f"/albums/{album.pk}?limit={size}")
    assert len(response.json()["photos"]) == size


def test_photos_page_by_keyset_without_repeats():
    community = group()
    owner = owner_of(community)
    album = album_in(community)
    added = []
    for _ in range(5):
        added += boards.add_photos(actor=owner, album=album, uploads=[photo_upload()])
    client = api_as(owner)
    seen, cursor = [], None
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        page = client.get(f"/albums/{album.pk}{query}").json()
        seen += [p["id"] for p in page["photos"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [p.pk for p in reversed(added)]
