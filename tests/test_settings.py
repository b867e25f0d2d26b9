"""The production profiles are built from COMMUNA_* variables: uploads on S3, sessions in Redis,
tasks on RQ, persistent database connections. Each case imports the settings in a fresh process
with only the variables it names, as a server would start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

S3 = {
    "COMMUNA_STORAGE": "s3",
    "COMMUNA_S3_BUCKET": "communa-uploads",
    "COMMUNA_S3_ENDPOINT_URL": "https://s3.example.test",
    "COMMUNA_S3_REGION": "eu-central-1",
    "COMMUNA_S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "COMMUNA_S3_SECRET_ACCESS_KEY": "secret-example",
}


def settings_from(tmp_path: Path, env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """Run `code` after importing communa.settings as `s`, with only these COMMUNA_* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COMMUNA_", "AWS_"))}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", f"import json\nimport communa.settings as s\n{code}"],
        env={**clean, "COMMUNA_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def read(tmp_path: Path, env: dict[str, str], expression: str):
    done = settings_from(tmp_path, env, f"print(json.dumps({expression}, default=str))")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def refusal(tmp_path: Path, env: dict[str, str]) -> str:
    done = settings_from(tmp_path, env, "")
    assert done.returncode != 0
    return done.stderr


def test_uploads_stay_on_the_file_system_by_default(tmp_path):
    storages, serve_media = read(tmp_path, {}, '[s.STORAGES["default"], s.SERVE_MEDIA]')
    assert storages == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert serve_media is True


def test_s3_storage_is_built_from_the_environment(tmp_path):
    # given every S3 variable an operator may set
    env = {
        **S3,
        "COMMUNA_S3_CUSTOM_DOMAIN": "cdn.example.test",
        "COMMUNA_S3_QUERYSTRING_AUTH": "0",
        "COMMUNA_S3_PREFIX": "media",
        "COMMUNA_S3_ADDRESSING_STYLE": "path",
    }

    # when the settings are read
    storages, serve_media = read(tmp_path, env, '[s.STORAGES["default"], s.SERVE_MEDIA]')

    # then uploads go to that bucket through django-storages, and Django serves no /media/
    assert storages == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "communa-uploads",
            "endpoint_url": "https://s3.example.test",
            "region_name": "eu-central-1",
            "access_key": "AKIDEXAMPLE",
            "secret_key": "secret-example",
            "custom_domain": "cdn.example.test",
            "querystring_auth": False,
            "querystring_expire": 3600,
            "location": "media",
            "addressing_style": "path",
            "file_overwrite": False,
        },
    }
    assert serve_media is False


def test_django_storages_accepts_the_s3_settings_and_signs_urls_without_a_request(tmp_path):
    # given a private bucket (signed URLs, the default) and one behind a public custom domain
    signed = {**S3, "COMMUNA_S3_QUERYSTRING_EXPIRE": "600"}
    public = {**S3, "COMMUNA_S3_CUSTOM_DOMAIN": "cdn.example.test", "COMMUNA_S3_PREFIX": "up"}
    code = (
        "import django; django.setup()\n"
        "from django.core.files.storage import storages\n"
        "d = storages['default']\n"
        "print(json.dumps([type(d).__name__, d.url('a/b.png')]))"
    )

    # when default_storage makes the URL of an upload (botocore signs locally: no network)
    signed_run = settings_from(
        tmp_path, {**signed, "DJANGO_SETTINGS_MODULE": "communa.settings"}, code
    )
    public_run = settings_from(
        tmp_path, {**public, "DJANGO_SETTINGS_MODULE": "communa.settings"}, code
    )

    # then it is django-storages' S3 storage, with a signed or a public address
    assert signed_run.returncode == 0, signed_run.stderr
    assert public_run.returncode == 0, public_run.stderr
    name, url = json.loads(signed_run.stdout)
    assert name == "S3Storage"
    assert url.startswith("https://s3.example.test/communa-uploads/a/b.png?")
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=600" in url
    assert json.loads(public_run.stdout)[1] == "https://cdn.example.test/up/a/b.png"


def test_s3_without_a_bucket_is_refused_at_start(tmp_path):
    assert "COMMUNA_S3_BUCKET" in refusal(tmp_path, {"COMMUNA_STORAGE": "s3"})


def test_an_unknown_storage_is_refused_at_start(tmp_path):
    assert "COMMUNA_STORAGE must be filesystem or s3" in refusal(
        tmp_path, {"COMMUNA_STORAGE": "ftp"}
    )


def test_sessions_are_in_the_database_without_redis(tmp_path):
    assert read(tmp_path, {}, "s.SESSION_ENGINE") == "django.contrib.sessions.backends.db"


def test_sessions_are_cached_in_redis_and_kept_in_the_database_with_redis(tmp_path):
    env = {"COMMUNA_REDIS_URL": "redis://redis.internal:6379/0", "COMMUNA_CACHE_KEY_PREFIX": "a"}
    engine, cache = read(tmp_path, env, '[s.SESSION_ENGINE, s.CACHES["default"]]')
    assert engine == "django.contrib.sessions.backends.cached_db"
    assert cache == {
        "BACKEND": "communa.core.cache.KeptClientRedisCache",
        "LOCATION": "redis://redis.internal:6379/0",
        "KEY_PREFIX": "a",
    }


def test_sessions_only_in_redis_when_asked(tmp_path):
    env = {"COMMUNA_REDIS_URL": "redis://redis.internal:6379/0", "COMMUNA_SESSION_STORE": "cache"}
    assert read(tmp_path, env, "s.SESSION_ENGINE") == "django.contrib.sessions.backends.cache"


def test_sessions_in_a_cache_without_redis_are_refused_at_start(tmp_path):
    # The local-memory cache is per process: another app process would not know the session.
    assert "needs COMMUNA_REDIS_URL" in refusal(tmp_path, {"COMMUNA_SESSION_STORE": "cached_db"})


def test_tasks_stay_in_the_database_by_default(tmp_path):
    tasks, apps = read(tmp_path, {}, "[s.TASKS, s.INSTALLED_APPS]")
    assert tasks["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_rq" not in apps


@pytest.mark.parametrize(
    ("env", "queue_url"),
    [
        ({"COMMUNA_REDIS_URL": "redis://r:6379/0"}, "redis://r:6379/0"),
        (
            {
                "COMMUNA_REDIS_URL": "redis://r:6379/0",
                "COMMUNA_TASKS_REDIS_URL": "redis://q:6379/1",
            },
            "redis://q:6379/1",
        ),
        ({"COMMUNA_TASKS_REDIS_URL": "redis://q:6379/1"}, "redis://q:6379/1"),
    ],
)
def test_tasks_on_rq_use_the_queue_redis(tmp_path, env, queue_url):
    tasks, queues, apps = read(
        tmp_path, {**env, "COMMUNA_TASKS_BACKEND": "rq"}, "[s.TASKS, s.RQ_QUEUES, s.INSTALLED_APPS]"
    )
    assert tasks == {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    assert queues == {"default": {"URL": queue_url, "DEFAULT_TIMEOUT": 600}}
    assert {"django_rq", "django_tasks_rq"} <= set(apps)


def test_more_task_queues_can_be_named_and_default_is_always_one(tmp_path):
    env = {
        "COMMUNA_TASKS_BACKEND": "rq",
        "COMMUNA_REDIS_URL": "redis://r:6379/0",
        "COMMUNA_TASKS_QUEUES": "mail, reports,default",
    }
    tasks, queues = read(tmp_path, env, "[s.TASKS, s.RQ_QUEUES]")
    assert tasks["default"]["QUEUES"] == ["default", "mail", "reports"]
    assert list(queues) == ["default", "mail", "reports"]


def test_tasks_on_rq_without_redis_are_refused_at_start(tmp_path):
    assert "COMMUNA_TASKS_BACKEND=rq needs" in refusal(tmp_path, {"COMMUNA_TASKS_BACKEND": "rq"})


def test_postgresql_connections_persist_and_are_checked_before_reuse(tmp_path):
    env = {"COMMUNA_DATABASE_URL": "postgres://communa:secret@db.internal:5432/communa"}
    database = read(tmp_path, env, 's.DATABASES["default"]')
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_sites_sharing_one_redis_keep_their_impression_buffers_apart(tmp_path):
    prefix = 's.COMMUNA["IMPRESSIONS_REDIS_PREFIX"]'
    assert read(tmp_path, {}, prefix) == "communa:imp:"
    assert read(tmp_path, {"COMMUNA_CACHE_KEY_PREFIX": "shop"}, prefix) == "shop:communa:imp:"
    chosen = {"COMMUNA_CACHE_KEY_PREFIX": "shop", "COMMUNA_IMPRESSIONS_REDIS_PREFIX": "views:"}
    assert read(tmp_path, chosen, prefix) == "views:"
