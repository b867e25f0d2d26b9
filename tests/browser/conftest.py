"""Browser tests run the ORM inside Playwright's greenlets, where Django's context-local
connections are not the test's own: end them once the browser tests are over, so PostgreSQL
can drop the test database.

Session scope, not module scope: a connection terminated after one module stays cached in a
context the next module's test reuses, which then fails with AdminShutdown."""

import pytest
from django.db import connection, connections


@pytest.fixture(autouse=True, scope="session")
def _end_connections_opened_under_playwright(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        connections.close_all()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        connection.close()
