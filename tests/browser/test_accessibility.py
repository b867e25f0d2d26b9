"""axe-core on the main pages, as a visitor, a member and an owner, at desktop and phone widths,
in light and dark mode: no serious or critical violation of WCAG 2.1 A and AA.

The pages show a community with content of every kind (tests/web/sample_community.py), and each
role also sends one form with a bad value, to check the page that explains the problem."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import BROWSER_TEST, DESKTOP, PHONE, log_in
from tests.web.sample_community import FAILED_FORMS, ROLES, USERNAMES, build_world, pages_for

pytestmark = BROWSER_TEST

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
MODES = [(DESKTOP, "light"), (DESKTOP, "dark"), (PHONE, "light"), (PHONE, "dark")]


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    results = page.evaluate(
        "(options) => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {violation['help']}"
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


def violations_in_every_mode(page: Any, label: str) -> list[str]:
    """Check the loaded page at both widths in both colour schemes, with one copy of axe."""
    from axe_playwright_python.base import AXE_SCRIPT

    # Parts loaded with the page (the community wall) are in before axe looks.
    page.wait_for_function("!document.querySelector('[hx-trigger=load]')")
    page.evaluate(AXE_SCRIPT)
    found = []
    for viewport, scheme in MODES:
        page.set_viewport_size(viewport)
        page.emulate_media(color_scheme=scheme)
        found += [f"{label} {viewport['width']}px {scheme}: {v}" for v in serious_violations(page)]
    page.set_viewport_size(DESKTOP)
    page.emulate_media(color_scheme="light")
    return found


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
def test_main_pages_have_no_serious_accessibility_violations(role, new_context, live_server):
    # given a community with content of every kind, and one browser page for this role
    world = build_world()
    page = new_context().new_page()
    if role in USERNAMES:
        log_in(page, live_server.url, USERNAMES[role])
    found: list[str] = []

    # when axe checks each page at both widths in both colour schemes
    for path in pages_for(role, world):
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status < 400 or path.startswith("/no/"), (path, response.status)
        found += violations_in_every_mode(page, path)

    # and a form sent with a bad value
    failed = FAILED_FORMS[role]
    page.goto(live_server.url + failed.path)
    for field_id, _name, value in failed.fields:
        page.locator(f"#{field_id}").fill(value)
    page.locator(f"#{failed.fields[-1][0]}").press("Enter")
    page.wait_for_load_state()
    assert page.locator("[data-error-summary]").count() == 1, failed.path
    found += violations_in_every_mode(page, f"{failed.path} (failed form)")

    # then none is serious or critical
    assert not found, "\n".join(found)
