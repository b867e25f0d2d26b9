"""Editing the profile through the web and the API; every field is validated."""

import io

import pytest
from django.utils import timezone
from PIL import Image

from tests.support import error_of

pytestmark = pytest.mark.django_db

VALID = {
    "display_name": "Alice W.",
    "gender": "female",
    "birth_year": "1990",
    "city": "Lviv",
    "country": "UA",
    "language": "uk",
    "time_zone": "Europe/Kyiv",
}


def png_bytes(width=200, height=200, fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 50, 50)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name, content, content_type="image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def test_profile_page_saves_every_field(logged_in, user):
    response = logged_in.post("/accounts/profile/", VALID)
    assert response.status_code == 302
    user.refresh_from_db()
    assert (
        user.display_name,
        user.gender,
        user.birth_year,
        user.city,
        str(user.country),
        user.language,
        user.time_zone,
    ) == ("Alice W.", "female", 1990, "Lviv", "UA", "uk", "Europe/Kyiv")


def test_profile_page_requires_login(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("birth_year", str(timezone.now().year + 1), "cannot be in the future"),
        ("birth_year", "1850", "Enter a year from 1900"),
        ("country", "XX", "valid choice"),
        ("time_zone", "Mars/Olympus", "valid choice"),
        ("gender", "robot", "valid choice"),
        ("language", "de", "valid choice"),
    ],
)
def test_profile_page_refuses_bad_values(logged_in, user, field, value, reason):
    response = logged_in.post("/accounts/profile/", {**VALID, field: value})
    assert response.status_code in (400, 422)
    assert any(reason in m for m in response.context["profile_form"].errors[field])
    user.refresh_from_db()
    assert user.city == ""  # nothing half-saved


def test_api_reads_and_patches_the_profile(api, logged_in, user):
    response = api.patch("/me", {"city": "Hà Nội", "country": "vn", "birth_year": 1999})
    assert response.status_code == 200
    assert response.json()["country"] == "VN"
    user.refresh_from_db()
    assert (user.city, user.birth_year) == ("Hà Nội", 1999)
    assert user.display_name == "Alice"  # untouched fields stay


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"birth_year": timezone.now().year + 5}, "birth_year", "cannot be in the future"),
        ({"country": "ZZ"}, "country", "not a known ISO 3166 country code"),
        ({"time_zone": "Europe/Atlantis"}, "time_zone", "not a known time zone"),
        ({"gender": "x"}, "gender", "Choose one of"),
        ({"language": "fr"}, "language", "Choose one of"),
        ({"display_name": "x" * 81}, "display_name", "at most 80"),
        ({"email": "new@example.org"}, "email", "Unknown field"),
        ({"birth_year": "nineteen"}, "birth_year", "whole number"),
    ],
)
def test_api_profile_errors_name_field_and_reason(api, logged_in, user, body, field, reason):
    response = api.patch("/me", body)
    assert response.status_code == 422
    error = error_of(response)
    assert any(reason in m for m in error["fields"][field]), error


def test_api_profile_needs_authentication(api):
    response = api.get("/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_avatar_upload_through_the_page(logged_in, user):
    response = logged_in.post(
        "/accounts/profile/avatar/", {"avatar": upload("me.png", png_bytes())}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.avatar.name.startswith(f"avatars/{user.pk}/")
    assert user.avatar.name.endswith(".png")


def test_avatar_that_is_not_an_image_is_refused(logged_in, user):
    response = logged_in.post(
        "/accounts/profile/avatar/", {"avatar": upload("me.png", b"<script>alert(1)</script>")}
    )
    assert response.status_code == 422
    assert "not an image" in response.context["avatar_form"].errors["avatar"][0]
    user.refresh_from_db()
    assert not user.avatar


def test_avatar_of_a_disallowed_type_is_refused(api, logged_in, user):
    response = api.client.post("/api/me/avatar", {"avatar": upload("me.bmp", png_bytes(fmt="BMP"))})
    assert response.status_code == 422
    assert "JPEG, PNG, WebP or GIF" in error_of(response)["fields"]["avatar"][0]


def test_avatar_too_large_in_bytes_is_refused(api, logged_in, user, settings):
    settings.COMMUNA = {**settings.COMMUNA, "AVATAR_MAX_BYTES": 1000}
    response = api.client.post("/api/me/avatar", {"avatar": upload("me.png", png_bytes(400, 400))})
    assert response.status_code == 422
    assert "largest allowed" in error_of(response)["fields"]["avatar"][0]


def test_avatar_too_large_in_pixels_is_refused(api, logged_in, user, settings):
    settings.COMMUNA = {**settings.COMMUNA, "AVATAR_MAX_PIXELS": 100}
    response = api.client.post("/api/me/avatar", {"avatar": upload("me.png", png_bytes(300, 120))})
    assert response.status_code == 422
    assert "300×120" in error_of(response)["fields"]["avatar"][0]


def test_api_avatar_upload_and_delete(api, logged_in, user):
    response = api.client.post(
        "/api/me/avatar", {"avatar": upload("me.jpg", png_bytes(fmt="JPEG"), "image/jpeg")}
    )
    assert response.status_code == 200
    url = response.json()["avatar_url"]
    assert url.startswith("/media/avatars/")
    assert url.endswith(".jpg")
    assert api.delete("/me/avatar").json()["avatar_url"] is None
