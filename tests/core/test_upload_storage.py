"""Uploads go through Django's `default_storage`, so an operator can move them to S3
(COMMUNA_STORAGE=s3, see tests/test_settings.py) without a change of code. Shown here with the
local file system backend at another place and address, standing in for a bucket: every file
lands there and every address the site gives points there, never at MEDIA_ROOT or /media/."""

import pytest

from tests.factories import add_member, image_upload, make_community, person
from tests.support import api_as, client_of

pytestmark = pytest.mark.django_db

BUCKET_URL = "https://uploads.example.test/"


@pytest.fixture
def bucket(settings, tmp_path):
    """Uploads in a directory of their own under their own address, as with a bucket."""
    place = tmp_path / "bucket"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(place), "base_url": BUCKET_URL},
        },
    }
    return place


def stored(place) -> list[str]:
    return sorted(str(path.relative_to(place)) for path in place.rglob("*") if path.is_file())


def test_an_avatar_upload_goes_through_the_default_storage(bucket, settings):
    # given a person
    member = person("ana")

    # when they upload an avatar through the API
    response = api_as(member).client.post("/api/me/avatar", {"avatar": image_upload(300, 300)})

    # then the file is in the storage, and its address is the storage's
    assert response.status_code == 200
    files = stored(bucket)
    assert len(files) == 1
    assert files[0].startswith(f"avatars/{member.pk}/")
    assert response.json()["avatar_url"] == BUCKET_URL + files[0]
    assert not (settings.MEDIA_ROOT / "avatars").exists()


def test_post_images_and_their_thumbnails_go_through_the_default_storage(bucket, settings):
    # given a member of a community
    community = make_community(person("olga"), name="Learn to Cook", slug="cooks")
    member = add_member(community, person("linh"))
    client = client_of(member)

    # when they post with an image through the composer
    response = client.post(
        "/c/cooks/posts/new/", {"body": "Fresh bread", "images": [image_upload(600, 600)]}
    )

    # then the image and its thumbnail are in the storage, and the wall links them there
    assert response.status_code == 302
    files = stored(bucket)
    assert len(files) == 2
    wall = client.get("/c/cooks/wall/").content.decode()
    for name in files:
        assert f'"{BUCKET_URL}{name}"' in wall
    assert not settings.MEDIA_ROOT.exists() or stored(settings.MEDIA_ROOT) == []
