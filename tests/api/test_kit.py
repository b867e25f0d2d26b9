"""One kit for every API (core.schemas): strict input types, one page shape, one page-size rule,
choices that OpenAPI lists (issue 10)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from communa.api.api import api as communa_api
from tests.factories import make_community, owner_of
from tests.support import api_as, error_of

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "communa"


@pytest.fixture
def club():
    return make_community(slug="club", name="Club")


# --- strict types ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field", "reason"),
    [
        ("/me", {"birth_year": True}, "birth_year", "Expected a whole number."),
        ("/me", {"birth_year": "1990"}, "birth_year", "Expected a whole number."),
        ("/communities/club", {"links_allowed": "yes"}, "links_allowed", "Expected true or false."),
        ("/communities/club", {"links_allowed": 1}, "links_allowed", "Expected true or false."),
        ("/communities/club", {"name": 5}, "name", "Expected text."),
    ],
)
def test_input_types_are_strict(club, path, body, field, reason):
    response = api_as(owner_of(club)).patch(path, body)
    assert response.status_code == 422, response.content
    assert error_of(response)["fields"] == {field: [reason]}


def test_a_moment_is_still_read_from_iso_text(club):
    response = api_as(owner_of(club)).post(
        "/communities/club/blocks",
        {"username": owner_of(club).username, "reason": "x", "ends_at": "2099-01-01T00:00:00Z"},
    )
    # the owner cannot be blocked, but the moment itself was read: no field error on ends_at
    assert "ends_at" not in error_of(response)["fields"]


def test_no_app_keeps_its_own_copy_of_the_kit():
    for module in SRC.rglob("*.py"):
        if module.is_relative_to(SRC / "core"):
            continue
        text = module.read_text()
        assert not re.search(r"^class Strict\(", text, re.M), module
        assert 'extra="forbid"' not in text, module


# --- one page-size rule -----------------------------------------------------------------------------

LISTS = [
    "/communities",
    "/me/communities",
    "/feed",
    "/communities/club/wall",
    "/communities/club/members",
    "/communities/club/requests",
    "/communities/club/invitations",
    "/communities/club/blocks",
    "/communities/club/audit",
    "/communities/club/topics",
    "/communities/club/documents",
    "/communities/club/albums",
    "/communities/club/suggestions",
    "/communities/club/sanctions",
    "/communities/club/moderation/queue",
]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "1e3", "true"])
def test_every_list_refuses_a_page_size_outside_1_to_100_naming_the_limit(club, limit):
    api = api_as(owner_of(club))
    for path in LISTS:
        response = api.get(f"{path}?limit={limit}")
        assert response.status_code == 422, (path, response.content)
        assert list(error_of(response)["fields"]) == ["limit"], path


@pytest.mark.parametrize("limit", ["1", "100"])
def test_every_list_answers_a_page_size_within_the_bounds(club, limit):
    api = api_as(owner_of(club))
    for path in LISTS:
        response = api.get(f"{path}?limit={limit}")
        assert response.status_code == 200, (path, response.content)
        assert set(response.json()) >= {"items", "next_cursor"}, path


def test_every_page_has_the_one_shape_in_openapi():
    schemas = communa_api.get_openapi_schema()["components"]["schemas"]
    pages = [name for name in schemas if name.startswith("Page_")]
    assert {"Page_PostOut_", "Page_CommunityOut_", "Page_AuditEntryOut_"} <= set(pages)
    for name in pages:
        assert set(schemas[name]["properties"]) == {"items", "next_cursor"}, name
    # and no app writes its own page schema: every plain page is the generic one
    for name, schema in schemas.items():
        if set(schema.get("properties", {})) == {"items", "next_cursor"}:
            assert name.startswith("Page_"), name
    assert set(schemas["WallPage"]["properties"]) == {"items", "next_cursor", "pinned"}


# --- choices listed in OpenAPI --------------------------------------------------------------------


def _property(schema_name: str, field: str) -> dict:
    schemas = communa_api.get_openapi_schema()["components"]["schemas"]
    found = schemas[schema_name]["properties"][field]
    options = found.get("anyOf", [found])
    return next(option for option in options if option.get("type") == "string")


@pytest.mark.parametrize(
    ("schema", "field", "value"),
    [
        ("CommunityPatchIn", "privacy", "closed"),
        ("RoleIn", "role", "moderator"),
        ("JoinIn", "source", "widget"),
        ("ReportIn", "reason", "spam"),
        ("DecisionIn", "decision", "approve"),
        ("ProfileIn", "language", "uk"),
        ("AttendanceIn", "status", "going"),
    ],
)
def test_choices_are_listed_in_openapi(schema, field, value):
    assert value in _property(schema, field)["enum"]


def test_a_choice_outside_the_list_is_a_422_naming_the_choices(club):
    response = api_as(owner_of(club)).patch("/communities/club", {"privacy": "secret"})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"privacy": ["Choose one of: open, closed, private."]}
