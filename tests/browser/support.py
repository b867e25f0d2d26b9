"""What the browser tests share besides fixtures: where Chromium is, sizes and logging in."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

BROWSER_TEST = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium is not installed (.ci/run installs it)"
    ),
]


def log_in(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the form and wait until the log-in page is left."""
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
