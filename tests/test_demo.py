"""`make demo` from the clone starts, answers as production does, prints logins, stops cleanly,
and starts again."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, deadline: float) -> int:
    while time.monotonic() < deadline:
        assert process.poll() is None, "make demo exited early"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer in time")


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def check_it_runs_as_production_does(base: str) -> None:
    """Debug off: static files collected and served by WhiteNoise, a favicon, our own 404."""
    status, _headers, body = fetch(base + "/")
    home = body.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', home)
    assert any(a.endswith("communa.css") for a in assets), assets
    assert any("htmx" in a for a in assets), assets
    for asset in assets:
        status, headers, body = fetch(base + asset)
        assert status == 200, asset
        assert body, asset
        assert "max-age" in headers.get("Cache-Control", ""), (asset, headers)
    status, headers, body = fetch(base + "/favicon.ico")
    assert status == 200
    assert headers["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    status, _headers, body = fetch(base + "/no/such/page/")
    assert status == 404
    page = body.decode()
    assert "There is nothing at this address" in page
    assert "DEBUG = True" not in page
    assert "/static/web/communa.css" in page


def run_demo_once(
    var_dir: Path, log: Path, while_running: Callable[[str], None] | None = None
) -> str:
    port = free_port()
    env = {
        **os.environ,
        "COMMUNA_VAR_DIR": str(var_dir),
        "COMMUNA_DATABASE_URL": "",
        "PORT": str(port),
        "HOST": "127.0.0.1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "demo"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 600  # the first run loads the demo
        assert wait_for(f"http://127.0.0.1:{port}/", process, deadline) == 200
        assert wait_for(f"http://127.0.0.1:{port}/api/health", process, deadline) == 200
        while "Press Ctrl-C to stop." not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        if while_running is not None:
            while_running(f"http://127.0.0.1:{port}")
    except AssertionError as error:
        error.add_note("make demo printed:\n" + log.read_text()[-4000:])
        raise
    finally:
        # Ctrl-C in a terminal signals the whole foreground process group (gone if it exited).
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=60)
    output = log.read_text()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the server is still listening"
    return output


@pytest.mark.slow
def test_make_demo_starts_runs_as_production_does_prints_logins_and_stops_cleanly(tmp_path):
    first = run_demo_once(tmp_path, tmp_path / "first.log", check_it_runs_as_production_does)
    assert "Demo logins:" in first
    assert "admin" in first
    assert "password:" in first
    assert "Stopping the demo" in first
    assert (tmp_path / "communa.sqlite3").exists()
    # Run twice: it reuses the existing data and still starts.
    second = run_demo_once(tmp_path, tmp_path / "second.log")
    assert "Demo logins:" in second
    assert second.count("admin ") == first.count("admin ")
