"""The `communa` command: every verb has --help; createadmin and check do their jobs."""

import os
import subprocess
import sys

import pytest

from communa.accounts.models import User
from communa.cli import build_parser, main

VERBS = ["demo", "serve", "worker", "migrate", "createadmin", "check", "manage"]


def test_top_level_help_lists_every_verb(capsys):
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for verb in VERBS:
        assert verb in out


@pytest.mark.parametrize("verb", VERBS)
def test_each_verb_has_help(capsys, verb):
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([verb, "--help"])
    assert done.value.code == 0
    assert f"usage: communa {verb}" in capsys.readouterr().out


@pytest.mark.django_db
def test_createadmin_creates_a_superuser(capsys):
    with pytest.raises(SystemExit) as done:
        main(
            [
                "createadmin",
                "--username",
                "ops",
                "--email",
                "ops@example.org",
                "--password",
                "a-strong-operator-pass",
            ]
        )
    assert done.value.code == 0
    user = User.objects.get(username="ops")
    assert user.is_superuser
    assert user.is_staff
    assert user.password.startswith("argon2")


@pytest.mark.django_db
def test_createadmin_reports_bad_input(capsys):
    with pytest.raises(SystemExit) as done:
        main(["createadmin", "--username", "x", "--email", "bad", "--password", "1"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "username:" in err
    assert "email:" in err
    assert "password:" in err
    assert not User.objects.exists()


@pytest.mark.django_db
def test_check_passes_on_a_migrated_database(capsys):
    with pytest.raises(SystemExit) as done:
        main(["check"])
    assert done.value.code == 0
    assert "pending migrations: 0" in capsys.readouterr().out


def test_check_fails_when_the_database_does_not_answer(tmp_path):
    env = {
        **os.environ,
        "COMMUNA_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "COMMUNA_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "communa", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "NOT reachable" in done.stderr


@pytest.mark.django_db
def test_check_reports_the_task_queue_and_upload_storage(capsys):
    with pytest.raises(SystemExit) as done:
        main(["check"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "Task queue: database, reachable; waiting: 0" in out
    assert "Upload storage: filesystem, writable" in out


def test_check_fails_when_the_configured_redis_does_not_answer(tmp_path):
    env = {
        **os.environ,
        "COMMUNA_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "COMMUNA_REDIS_URL": "redis://127.0.0.1:1/0",
        "COMMUNA_VAR_DIR": str(tmp_path),
    }
    subprocess.run(
        [sys.executable, "-m", "communa", "migrate", "--verbosity", "0"], env=env, check=True
    )
    done = subprocess.run(
        [sys.executable, "-m", "communa", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "Redis: NOT reachable (ConnectionError)" in done.stdout


def test_bad_setting_value_gives_a_clear_message(tmp_path):
    env = {**os.environ, "COMMUNA_LOGIN_ATTEMPTS_PER_IP": "many", "COMMUNA_VAR_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "communa", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "COMMUNA_LOGIN_ATTEMPTS_PER_IP must be a whole number" in done.stderr


def test_secret_key_is_generated_once_into_the_var_directory(tmp_path):
    env = {**os.environ, "COMMUNA_VAR_DIR": str(tmp_path)}
    env.pop("COMMUNA_SECRET_KEY", None)
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='communa.settings';django.setup();"
        "from django.conf import settings;print(settings.SECRET_KEY)"
    )
    first = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    second = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert first.stdout == second.stdout
    assert (tmp_path / "secret_key").read_text().strip() == first.stdout.strip()
    assert len(first.stdout.strip()) >= 50


@pytest.mark.slow
def test_serve_runs_the_production_server_with_static_files(tmp_path):
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "COMMUNA_VAR_DIR": str(tmp_path),
        "COMMUNA_DATABASE_URL": "",
        "COMMUNA_DEBUG": "",
        "COMMUNA_SECRET_KEY": "test-" + "k" * 50,
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "communa",
            "serve",
            "--migrate",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--quiet",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                with urllib.request.urlopen(base + "/api/health", timeout=2) as response:
                    health = response.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "communa serve did not answer"
                time.sleep(0.3)
        assert '"database": {"ok": true' in health
        with urllib.request.urlopen(base + "/", timeout=5) as response:
            home = response.read().decode()
        css = next(
            part.split('"')[0] for part in home.split('href="') if ".css" in part.split('"')[0]
        )
        assert css.startswith("/static/web/communa.")  # hashed-free name, compressed by WhiteNoise
        with urllib.request.urlopen(base + css, timeout=5) as response:
            assert response.status == 200
            assert "--accent" in response.read().decode()
        with urllib.request.urlopen(base + "/api/docs", timeout=5) as response:
            assert "/static/ninja/swagger-ui" in response.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)
