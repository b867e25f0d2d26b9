"""Every API failure has one shape and a 4xx code; bad input never causes a 500."""

import pytest

from tests.support import error_of

pytestmark = pytest.mark.django_db


def test_bad_json_is_a_400_in_the_error_shape(api):
    response = api.post("/auth/login", "{not json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed_json"


def test_json_that_is_not_an_object_is_a_400(api):
    response = api.post("/auth/login", "[1, 2, 3]")
    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed_body"


def test_missing_field_is_named(api):
    response = api.post("/auth/login", {"username": "alice"})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert error["fields"] == {"password": ["This field is required."]}


def test_wrong_type_is_named(api, logged_in):
    response = api.patch("/me", {"birth_year": [1990], "city": 12})
    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert fields["birth_year"] == ["Expected a whole number."]
    assert fields["city"] == ["Expected text."]


def test_unknown_field_is_refused(api, logged_in):
    response = api.patch("/me", {"is_staff": True})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"is_staff": ["Unknown field."]}


def test_unknown_api_path_is_a_json_404(api):
    response = api.get("/no-such-thing")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_wrong_method_is_a_405(api):
    response = api.call("put", "/health")
    assert response.status_code == 405


def test_unauthenticated_write_is_a_401_not_a_csrf_failure(api):
    response = api.patch("/me", {"city": "x"})
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Bearer"


def test_session_write_without_csrf_token_is_refused(csrf_client, user, password):
    from tests.support import Api

    csrf_client.login(username="alice", password=password)
    api = Api(csrf_client)
    response = api.patch("/me", {"city": "Odesa"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf_failed"
    token = csrf_client.get("/accounts/profile/").context["csrf_token"]
    response = api.patch("/me", {"city": "Odesa"}, headers={"X-CSRFToken": str(token)})
    assert response.status_code == 200


def test_web_forms_require_csrf(csrf_client, user, password):
    response = csrf_client.post("/accounts/login/", {"username": "alice", "password": password})
    assert response.status_code == 403


def test_errors_come_in_the_requested_language(api):
    response = api.post("/auth/login", {"username": "alice"}, HTTP_ACCEPT_LANGUAGE="uk")
    error = error_of(response)
    assert error["message"] != "Some fields are not valid."
    assert error["fields"]["password"] != ["This field is required."]


def test_openapi_description_lists_the_endpoints(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ["/api/health", "/api/auth/signup", "/api/auth/login", "/api/me", "/api/me/tokens"]:
        assert path in paths
    schemes = response.json()["components"]["securitySchemes"]
    assert {"TokenAuth", "SessionAuth"} <= set(schemes)


def test_interactive_docs_use_bundled_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html
    assert "unpkg" not in html


@pytest.mark.parametrize("escaped", ["Lviv\\u0000", "\\ud800"])
def test_text_no_database_can_store_is_a_400_naming_the_field(api, logged_in, user, escaped):
    response = api.patch("/me", '{"city": "' + escaped + '"}')
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_text"
    assert "city" in error["fields"]
    user.refresh_from_db()
    assert user.city == ""


def test_web_forms_refuse_nul_characters(logged_in, user):
    response = logged_in.post("/accounts/profile/", {"city": "Lviv\x00"})
    assert response.status_code == 400
    assert "city" in response.context["profile_form"].errors
