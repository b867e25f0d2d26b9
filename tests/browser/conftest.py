"""Chromium for the browser tests (Debian's, driven by Playwright): the browser and its contexts.

Browser tests run the ORM inside Playwright's greenlets, where Django's context-local
connections are not the test's own: end them once the browser tests are over, so PostgreSQL
can drop the test database.

Session scope, not module scope: a connection terminated after one module stays cached in a
context the next module's test reuses, which then fails with AdminShutdown."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, DESKTOP

# Playwright's sync API runs an event loop in this thread; the ORM calls in tests are sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per module; each test opens its own contexts in it.

    Not for the whole session: while Playwright runs, its event loop counts as running in this
    thread, which would break later tests that start one of their own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser) -> Iterator[Any]:
    """Open browser contexts (separate cookie jars) that are closed after the test."""
    opened: list[Any] = []

    def open_context(**options: Any) -> Any:
        options = {"locale": "en-US", "viewport": DESKTOP, **options}
        context = browser.new_context(**options)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def page(new_context) -> Any:
    return new_context().new_page()
