"""Schemathesis walks the OpenAPI description: generated requests to every operation, as a visitor
and as a signed-in member with a token, find no server error and no status the description does
not list (issue 10). In-process through the WSGI application; a bounded number of examples."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from communa.accounts.actions import create_access_token
from communa.api.api import api as communa_api
from communa.wsgi import application
from tests.factories import add_member, make_community, person

# Health answers 503 by design when no worker ran: that is its documented answer, not a fault.
schema = schemathesis.openapi.from_dict(communa_api.get_openapi_schema()).exclude(
    path="/api/health"
)
schema.app = application

EXAMPLES = 5


@pytest.fixture
def identities(db):
    """A community with a member, an owner, and the member's personal access token.

    Requests go through the WSGI application as a server would run it; like Django's test client,
    it must not close the test's database connection at the end of each request.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    community = make_community(slug="club", name="Club")
    member = add_member(community, person("member"))
    _token, secret = create_access_token(actor=member, name="schemathesis", expires_in_days=None)
    yield {"visitor": {}, "member": {"Authorization": f"Bearer {secret}"}}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_answers_as_it_describes_itself(case, identities):
    answered = [_answer(case, headers) for headers in identities.values()]
    # Random slugs mostly meet a 404: ask the member's own community too, so the generated
    # parameters and bodies reach the actions.
    if case.path_parameters and "slug" in case.path_parameters:
        case.path_parameters["slug"] = "club"
        answered.append(_answer(case, identities["member"]))
    assert answered, case.formatted_path


def _answer(case, headers: dict[str, str]) -> int:
    """Call the operation; its status must be no server error and one the description lists."""
    response = case.call(headers=headers)
    documented = set(case.operation.definition.raw["responses"])
    where = f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
    assert response.status_code < 500, where
    if case.method.upper() != case.operation.method.upper():
        # Schemathesis also tries methods the path does not have: those are a 405.
        assert response.status_code == 405, where
    else:
        assert str(response.status_code) in documented, (where, sorted(documented))
    # Schemathesis' own checks as well (the body of a documented status, for one).
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance])
    return response.status_code
