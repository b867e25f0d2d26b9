"""The OpenAPI description tells the truth: each operation lists the error statuses it can answer
with the one `Error` schema, its real authentication, and the constraints the code enforces."""

from __future__ import annotations

from functools import cache

import pytest

from communa.api.api import api as communa_api

WRITES = {"post", "put", "patch", "delete"}
ERROR_REF = {"$ref": "#/components/schemas/Error"}


@cache
def description() -> dict:
    return communa_api.get_openapi_schema()


def operations():
    for path, methods in description()["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def statuses(operation: dict) -> set[int]:
    return {int(status) for status in operation["responses"]}


def test_the_error_schema_is_one_component():
    error = description()["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    detail = description()["components"]["schemas"]["ErrorDetail"]
    assert set(detail["properties"]) == {"code", "message", "fields"}


def test_every_operation_declares_the_errors_it_can_answer():
    missing = []
    for path, method, operation in operations():
        if path == "/api/health":
            continue
        expected = set()
        has_input = bool(operation.get("parameters")) or "requestBody" in operation
        if has_input:
            expected.add(422)
        if "{" in path:
            expected.add(404)
        if operation.get("security"):
            expected |= {401, 403}
        if method in WRITES:
            expected |= {400, 409, 413, 429}
        if not expected <= statuses(operation):
            missing.append((method, path, sorted(expected - statuses(operation))))
    assert not missing


def test_every_error_answer_uses_the_error_schema():
    for path, method, operation in operations():
        for status, answer in operation["responses"].items():
            if 400 <= int(status) < 500:
                schema = answer["content"]["application/json"]["schema"]
                assert schema == ERROR_REF, (method, path, status)


def test_a_rate_limit_and_a_refused_token_say_their_headers():
    operation = description()["paths"]["/api/communities/{slug}/posts"]["post"]
    assert "Retry-After" in operation["responses"][429]["headers"]
    assert "WWW-Authenticate" in operation["responses"][401]["headers"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/communities/{slug}/wall",
        "/api/posts/{post_id}",
        "/api/communities",
        "/api/communities/{slug}",
        "/api/topics/{topic_id}",
        "/api/communities/{slug}/rubrics",
    ],
)
def test_operations_open_to_visitors_need_no_credentials(path):
    security = description()["paths"][path]["get"]["security"]
    assert {} in security
    assert {"TokenAuth": []} in security


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/feed"), ("get", "/api/me"), ("post", "/api/communities/{slug}/posts")],
)
def test_operations_for_members_require_credentials(method, path):
    security = description()["paths"][path][method]["security"]
    assert {} not in security
    assert security


def test_operations_without_authentication_declare_none():
    operation = description()["paths"]["/api/auth/login"]["post"]
    assert "security" not in operation
    assert 401 in statuses(operation)  # a wrong password, said by the router


def _schema_of(parameter: dict) -> dict:
    schema = parameter["schema"]
    while "anyOf" in schema:
        schema = next(option for option in schema["anyOf"] if option.get("type") != "null")
    return schema


def test_every_page_size_is_documented_as_1_to_100():
    lists = 0
    for path, method, operation in operations():
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "limit":
                lists += 1
                schema = _schema_of(parameter)
                assert (schema["minimum"], schema["maximum"]) == (1, 100), (method, path)
            if parameter["name"] == "cursor":
                assert _schema_of(parameter)["maxLength"] == 500, (method, path)
    assert lists >= 20


def test_constraints_enforced_in_code_are_documented():
    schemas = description()["components"]["schemas"]
    slug = schemas["CommunityIn"]["properties"]["slug"]
    assert slug["pattern"].startswith("^")
    name = schemas["CommunityIn"]["properties"]["name"]
    assert name["maxLength"] == 120
    stats = description()["paths"]["/api/communities/{slug}/moderation/stats"]["get"]
    days = next(p for p in stats["parameters"] if p["name"] == "days")
    assert (days["schema"]["minimum"], days["schema"]["maximum"]) == (1, 366)


@pytest.mark.parametrize(
    ("method", "path", "operation_id"),
    [
        ("get", "/api/communities/{slug}/members", "communa_communities_api_members"),
        ("get", "/api/me/communities", "communa_communities_api_my_communities"),
        ("put", "/api/communities/{slug}/team/{username}", "communa_communities_api_set_role"),
        ("get", "/api/feed", "communa_walls_api_feed"),
        ("post", "/api/posts/{post_id}/report", "communa_walls_api_report_post"),
        ("get", "/api/communities/{slug}/topics", "communa_walls_board_api_topics"),
        ("post", "/api/albums/{album_id}/photos", "communa_walls_board_api_add_photos"),
    ],
)
def test_operation_ids_outlive_the_split_of_the_api_modules(method, path, operation_id):
    assert description()["paths"][path][method]["operationId"] == operation_id


def test_operation_ids_are_unique():
    ids = [operation["operationId"] for _path, _method, operation in operations()]
    assert len(ids) == len(set(ids))
