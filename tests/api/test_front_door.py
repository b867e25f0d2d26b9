"""The API's front door never answers 500 to bad input: each refusal is a 4xx in the one error
shape, naming the field to blame (issue 10)."""

from __future__ import annotations

import base64
import json

import pytest

from communa.walls.models import Post
from tests.factories import add_member, make_community, owner_of, person
from tests.support import Api, api_as, client_of, error_of

pytestmark = pytest.mark.django_db


def cursor_of(raw: str) -> str:
    """A cursor as the server makes them, around any JSON text."""
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.fixture
def club():
    return make_community(slug="club", name="Club")


@pytest.fixture
def owner_api(club) -> Api:
    return api_as(owner_of(club))


# --- bodies the JSON parser must refuse ---------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "path", ["/communities/club/posts", "/communities/club/suggestions", "/communities"]
)
def test_a_body_nested_a_hundred_thousand_levels_deep_is_a_400(owner_api, path):
    response = owner_api.post(path, DEEP)
    assert response.status_code == 400, response.content
    assert error_of(response)["code"] == "malformed_json"
    assert "body" in error_of(response)["fields"]


def test_a_body_nested_deeper_than_any_schema_is_a_400_naming_the_field(owner_api, club):
    deep = {"body": "Hello", "blocks": [{"type": "text", "text": json.loads("[" * 40 + "]" * 40)}]}
    response = owner_api.post("/communities/club/posts", deep)
    assert response.status_code == 400, response.content
    assert any(field.startswith("blocks.0.text") for field in error_of(response)["fields"])
    assert not Post.objects.filter(community=club).exists()


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e400"])
@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("patch", "/me", "birth_year"),
        ("post", "/communities/club/posts", "rubric"),
        ("post", "/communities/club/suggestions", "rubric"),
    ],
)
def test_nan_and_infinity_are_a_400_naming_the_field(owner_api, constant, method, path, field):
    response = owner_api.call(method, path, f'{{"body": "Hi", "{field}": {constant}}}')
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "malformed_json"
    assert list(error["fields"]) in (["body"], [field])


# --- cursors that no server made -----------------------------------------------------------------

A_MOMENT = '"2026-01-01T00:00:00+00:00"'
BAD_CURSORS = [
    "Infinity",
    "garbage!!",
    cursor_of("Infinity"),
    cursor_of(f"[{A_MOMENT}, Infinity]"),
    cursor_of(f"[{A_MOMENT}, -Infinity]"),
    cursor_of(f"[{A_MOMENT}, NaN]"),
    cursor_of(f"[{A_MOMENT}, 1e400]"),
    cursor_of(f"[{A_MOMENT}, {10**30}]"),
    cursor_of(f"[{A_MOMENT}, 9223372036854775808]"),
    cursor_of(f"[{A_MOMENT}, true]"),
    cursor_of(f"[{A_MOMENT}, 1.5]"),
    cursor_of(f"[{A_MOMENT}, [1]]"),
    cursor_of('["9999-12-31T23:59:59-12:00", 1]'),
    cursor_of('["0001-01-01T00:00:00+14:00", 1]'),
    cursor_of('["2026-01-01T00:00:00", 1]'),
    cursor_of("[1e400, 1]"),
]
PAGED = [
    "/communities/club/wall",
    "/communities/club/members",
    "/communities/club/audit",
    "/feed",
    "/me/communities",
    "/communities/club/blocks",
    "/communities/club/invitations",
    "/communities/club/requests",
    "/communities/club/sanctions",
    "/communities/club/moderation/queue",
    "/communities/club/topics",
    "/communities/club/documents",
    "/communities/club/suggestions",
    "/communities",
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_a_cursor_the_server_did_not_make_is_a_422_naming_the_cursor(owner_api, cursor):
    for path in PAGED:
        response = owner_api.get(f"{path}?cursor={cursor}")
        assert response.status_code == 422, (path, response.content)
        assert list(error_of(response)["fields"]) == ["cursor"], path


def test_a_cursor_the_server_made_still_pages(club, owner_api):
    for number in range(3):
        add_member(club, person(f"member{number}"))
    first = owner_api.get("/communities/club/members?limit=2").json()
    second = owner_api.get(f"/communities/club/members?limit=2&cursor={first['next_cursor']}")
    assert second.status_code == 200
    names = [m["username"] for m in first["items"] + second.json()["items"]]
    assert len(names) == len(set(names)) == 4


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_a_web_page_with_a_bad_cursor_is_a_4xx_not_a_500(club, cursor):
    client = client_of(owner_of(club))
    post = Post.objects.create(community=club, author=owner_of(club), body="Hi")
    pages = [
        "/c/club/members/",
        "/c/club/",
        "/c/club/wall/",
        "/c/club/suggestions/",
        "/c/club/topics/",
        "/c/club/documents/",
        "/c/club/albums/",
        "/c/club/audit/",
        "/c/club/moderation/",
        "/c/club/playbook/",
        "/feed/",
        "/communities/",
        "/communities/mine/",
        f"/p/{post.pk}/",
        f"/u/{owner_of(club).username}/wall/",
    ]
    for page in pages:
        response = client.get(f"{page}?cursor={cursor}")
        assert 200 <= response.status_code < 500, (page, response.status_code)


# --- dates out of range --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "until=9999-12-31T23:59:59-12:00",
        "since=0001-01-01T00:00:00%2B14:00",
        "until=9999-12-31",
        "since=0001-01-01",
    ],
)
def test_an_audit_date_out_of_range_is_a_422_naming_it(owner_api, query, settings):
    settings.TIME_ZONE = "America/New_York" if "9999" in query else "Asia/Tokyo"
    response = owner_api.get(f"/communities/club/audit?{query}")
    assert response.status_code == 422, response.content
    assert list(error_of(response)["fields"]) == [query.split("=")[0]]


def test_a_moment_out_of_range_in_a_body_is_a_422_naming_it(owner_api, club):
    response = owner_api.post(
        "/communities/club/blocks",
        {
            "username": add_member(club).username,
            "reason": "spam",
            "ends_at": "9999-12-31T23:59:59-12:00",
        },
    )
    assert response.status_code == 422, response.content
    assert list(error_of(response)["fields"]) == ["ends_at"]


# --- multipart bodies and sizes --------------------------------------------------------------------

UPLOADS = [
    "/me/avatar",
    "/communities/club/avatar",
    "/communities/club/cover",
    "/communities/club/documents",
    "/communities/club/posts",
    "/communities/club/suggestions",
    "/albums/{album}/photos",
]


@pytest.mark.parametrize("path", UPLOADS)
def test_a_multipart_body_without_a_boundary_is_a_400(club, owner_api, path):
    from communa.walls.actions import boards

    album = boards.create_album(actor=owner_of(club), community=club, title="Trip")
    response = owner_api.post(
        path.format(album=album.pk), "--x\r\n", content_type="multipart/form-data"
    )
    assert response.status_code == 400, response.content
    assert error_of(response)["code"] == "malformed_body"


def test_a_body_too_large_is_a_413_in_the_error_shape(owner_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = owner_api.post("/communities/club/posts", {"body": "x" * 2000})
    assert response.status_code == 413, response.content
    assert error_of(response)["code"] == "request_too_large"


# --- paths and methods ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/no-such-thing", "/communities/club/no-such-list", "/v2/feed"])
def test_an_unknown_api_path_is_a_json_404(owner_api, path):
    response = owner_api.get(path)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path"), [("delete", "/communities"), ("put", "/health"), ("post", "/feed")]
)
def test_a_method_a_path_does_not_have_is_a_json_405(owner_api, method, path):
    response = owner_api.call(method, path)
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert response["Allow"]


def test_an_unknown_api_path_is_json_even_with_debug_on(owner_api, settings):
    settings.DEBUG = True
    response = owner_api.get("/no-such-thing")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
