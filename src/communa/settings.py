"""Django settings for Communa, read from COMMUNA_* environment variables (docs/operations.md)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    """Return the COMMUNA_<name> environment variable, or the default when unset or empty."""
    return os.environ.get(f"COMMUNA_{name}") or default


def env_bool(name: str, *, default: bool = False) -> bool:
    """Read a boolean variable; 1/true/yes/on mean true."""
    value = env(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read an integer variable, refusing garbage with a clear message."""
    value = env(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise SystemExit(f"COMMUNA_{name} must be a whole number, not {value!r}") from exc


VAR_DIR = Path(env("VAR_DIR", str(Path.cwd() / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)


def _secret_key() -> str:
    # Generated once and kept in var/ so sessions survive restarts without any set-up.
    if key := env("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "communa.core",
    "communa.accounts",
    "communa.communities",
    "communa.moderation",
    "communa.planner",
    "communa.engagement",
    "communa.walls",
    "communa.analytics",
    "communa.api",
    "communa.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "communa.accounts.middleware.UserPreferencesMiddleware",
    # Unknown /api/ paths, wrong methods and unreadable bodies answer in the API's error shape.
    "communa.api.middleware.ApiErrorMiddleware",
    "communa.core.events.VisitorCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "communa.core.web.RefusalMiddleware",
]

ROOT_URLCONF = "communa.urls"
WSGI_APPLICATION = "communa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "communa.web.context_processors.site",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    try:
        return dict(
            dj_database_url.parse(
                url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
            )
        )
    except (ValueError, dj_database_url.UnknownSchemeError) as exc:
        raise SystemExit(
            f"COMMUNA_DATABASE_URL is not a database URL we can use ({exc}); "
            "use sqlite:///path/to/file.sqlite3 or postgres://user:password@host:5432/name"
        ) from exc


DATABASES: dict[str, Any] = {
    "default": _database(env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'communa.sqlite3'}"))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes;
    # IMMEDIATE transactions take the write lock up front instead of failing mid-transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The test database is a file so that worker and demo processes started by tests share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, with psycopg's compiled loader for dates and times
        # (communa/core/postgresql/base.py).
        DATABASES["default"]["ENGINE"] = "communa.core.postgresql"
    if not env_bool("DATABASE_JIT"):
        # Communa's statements are short: PostgreSQL's JIT compiles the larger ones (a year of
        # a community's posts in the statistics) in more time than it saves (14 of 28 ms
        # measured, docs/performance.md), so its connections switch it off unless
        # COMMUNA_DATABASE_JIT=1.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache with its clients kept (core/cache.py).
            "BACKEND": "communa.core.cache.KeptClientRedisCache",
            "LOCATION": REDIS_URL,
            # Several sites (or test runs) can share one Redis without reading each other's keys.
            "KEY_PREFIX": env("CACHE_KEY_PREFIX"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions (docs/operations.md, "Running on several machines"). With Redis, `cached_db`: every
# app process reads a session from Redis and writes it through to the database, so a session
# made on one machine works on all, and a Redis restart or eviction logs nobody out.
SESSION_STORES = {
    "database": "django.contrib.sessions.backends.db",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "cache": "django.contrib.sessions.backends.cache",
}
_session_store = env("SESSION_STORE", "cached_db" if REDIS_URL else "database")
if _session_store not in SESSION_STORES:
    raise SystemExit(
        f"COMMUNA_SESSION_STORE must be one of {', '.join(SESSION_STORES)}, not {_session_store!r}"
    )
if _session_store != "database" and not REDIS_URL:
    # The local-memory cache is per process: sessions kept there vanish between processes.
    raise SystemExit(f"COMMUNA_SESSION_STORE={_session_store} needs COMMUNA_REDIS_URL")
SESSION_ENGINE = SESSION_STORES[_session_store]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["communa.accounts.backends.CaseInsensitiveModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "communities:start"
LOGOUT_REDIRECT_URL = "web:home"

LANGUAGE_CODE = env("LANGUAGE_CODE", "en")
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("vi", _("Vietnamese")),
    ("ms", _("Malay")),
]
LOCALE_PATHS = [PACKAGE_DIR / "web" / "locale"]
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "communa_language"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"


def _s3_storage() -> dict[str, Any]:
    """Uploads in an S3-compatible bucket through django-storages, configured by COMMUNA_S3_*."""
    bucket = env("S3_BUCKET")
    if not bucket:
        raise SystemExit("COMMUNA_STORAGE=s3 needs COMMUNA_S3_BUCKET")
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Keys are random already; never let one upload replace another of the same name.
        "file_overwrite": False,
        "querystring_auth": env_bool("S3_QUERYSTRING_AUTH", default=True),
        "querystring_expire": env_int("S3_QUERYSTRING_EXPIRE", 3600),
    }
    optional = {
        "endpoint_url": "S3_ENDPOINT_URL",
        "region_name": "S3_REGION",
        "access_key": "S3_ACCESS_KEY_ID",
        "secret_key": "S3_SECRET_ACCESS_KEY",
        "custom_domain": "S3_CUSTOM_DOMAIN",
        "location": "S3_PREFIX",
        "addressing_style": "S3_ADDRESSING_STYLE",
        "default_acl": "S3_DEFAULT_ACL",
    }
    # Unset ones are left to django-storages and boto3 (AWS_* variables, an instance role...).
    options.update({option: env(name) for option, name in optional.items() if env(name)})
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def _upload_storage(kind: str) -> dict[str, Any]:
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind == "s3":
        return _s3_storage()
    raise SystemExit(f"COMMUNA_STORAGE must be filesystem or s3, not {kind!r}")


UPLOAD_STORAGE = env("STORAGE", "filesystem")
# With S3 the bucket (or its custom domain) serves uploads; /media/ only serves the file system.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=UPLOAD_STORAGE == "filesystem")
STORAGES = {
    "default": _upload_storage(UPLOAD_STORAGE),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise as static files.
WHITENOISE_ROOT = PACKAGE_DIR / "web" / "public"

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "communa@localhost")
if email_url := env("EMAIL_URL"):
    # smtp://user:password@host:port ; the console backend is the default for demos.
    from urllib.parse import unquote, urlparse

    _mail = urlparse(email_url)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or 25
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"

# The task queue: the database by default, RQ (Redis) so that workers can run on other machines.
# COMMUNA_TASKS_BACKEND is `database`, `rq` or the dotted path of another django-tasks backend.
TASKS_BACKENDS = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
_tasks_backend = env("TASKS_BACKEND", "database")
TASKS_BACKEND = TASKS_BACKENDS.get(_tasks_backend, _tasks_backend)
# The queue may live on its own Redis: a cache evicts keys under memory pressure, a queue must not.
TASKS_REDIS_URL = env("TASKS_REDIS_URL", REDIS_URL)
# Queue names, comma-separated: `default` is always one; workers choose theirs with --queue.
TASKS_QUEUES = list(
    dict.fromkeys(["default", *(q.strip() for q in env("TASKS_QUEUES").split(",") if q.strip())])
)
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": TASKS_QUEUES}}
if TASKS_REDIS_URL:
    RQ_QUEUES = {
        name: {
            "URL": TASKS_REDIS_URL,
            # A task running longer is stopped by its RQ worker.
            "DEFAULT_TIMEOUT": env_int("TASK_TIMEOUT_SECONDS", 600),
        }
        for name in TASKS_QUEUES
    }
if TASKS_BACKENDS["rq"] == TASKS_BACKEND:
    if not TASKS_REDIS_URL:
        raise SystemExit(
            "COMMUNA_TASKS_BACKEND=rq needs COMMUNA_REDIS_URL or COMMUNA_TASKS_REDIS_URL"
        )
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Limits an operator can tune; each is documented in docs/operations.md.
COMMUNA: dict[str, Any] = {
    # Impressions and reach (walls, feed): off only to measure what recording them costs.
    "RECORD_IMPRESSIONS": env_bool("RECORD_IMPRESSIONS", default=True),
    "LOGIN_ATTEMPTS_PER_ACCOUNT": env_int("LOGIN_ATTEMPTS_PER_ACCOUNT", 5),
    "LOGIN_ATTEMPTS_PER_IP": env_int("LOGIN_ATTEMPTS_PER_IP", 20),
    "LOGIN_WINDOW_SECONDS": env_int("LOGIN_WINDOW_SECONDS", 900),
    "SIGNUPS_PER_IP": env_int("SIGNUPS_PER_IP", 10),
    "SIGNUP_WINDOW_SECONDS": env_int("SIGNUP_WINDOW_SECONDS", 3600),
    "PASSWORD_RESETS_PER_IP": env_int("PASSWORD_RESETS_PER_IP", 10),
    "AVATAR_MAX_BYTES": env_int("AVATAR_MAX_BYTES", 5 * 1024 * 1024),
    "AVATAR_MAX_PIXELS": env_int("AVATAR_MAX_PIXELS", 4096),
    "TOKENS_PER_USER": env_int("TOKENS_PER_USER", 50),
    "WORKER_SEEN_SECONDS": env_int("WORKER_SEEN_SECONDS", 60),
    "WORKER_HEARTBEAT_SECONDS": env_int("WORKER_HEARTBEAT_SECONDS", 10),
    "INVITATIONS_PER_DAY": env_int("INVITATIONS_PER_DAY", 40),
    "OWNERSHIP_TRANSFER_DAYS": env_int("OWNERSHIP_TRANSFER_DAYS", 14),
    "KIND_CHANGE_DAYS": env_int("KIND_CHANGE_DAYS", 30),
    "COMMUNITY_IMAGE_MAX_BYTES": env_int("COMMUNITY_IMAGE_MAX_BYTES", 8 * 1024 * 1024),
    "COMMUNITIES_PER_USER": env_int("COMMUNITIES_PER_USER", 50),
    "PAGE_SIZE": env_int("PAGE_SIZE", 30),
    # How long a rendered post card stays in the cache (walls/cards.py); 0 renders every time.
    "CARD_CACHE_SECONDS": env_int("CARD_CACHE_SECONDS", 86400),
    # Kept pages many readers share (a wall's, a visitor's) a process holds in front of the
    # shared cache (core/near.py); 0 takes each from the shared cache.
    "KEPT_IN_PROCESS": env_int("KEPT_IN_PROCESS", 256),
    # PostgreSQL keeps the plans of the statements written once (core.rows) on each connection;
    # off behind a pooler that cannot hold prepared statements (PgBouncer in transaction mode
    # before 1.21, or without max_prepared_statements).
    "DATABASE_PREPARED_STATEMENTS": env_bool("DATABASE_PREPARED_STATEMENTS", default=True),
    "MAX_PAGE_SIZE": env_int("MAX_PAGE_SIZE", 100),
    "LIFECYCLE_SECONDS": env_int("LIFECYCLE_SECONDS", 30),
    # Scheduled publishing (R8.3): how often the worker looks for due posts, how many it claims
    # at once, when a claim of a worker that died is taken over, and from how late a post is
    # "late" (then held for review where the community asks for it).
    "PUBLISH_SECONDS": env_int("PUBLISH_SECONDS", 2),
    # How far ahead a post may be scheduled (two years: a yearly campaign planned a year early).
    "PLAN_HORIZON_DAYS": env_int("PLAN_HORIZON_DAYS", 730),
    "PUBLISH_BATCH": env_int("PUBLISH_BATCH", 100),
    # Statistics (R9): the longest custom period a dashboard reads (two years and a day, so a
    # year can be compared with the one before), and how many latest posts the post table shows.
    "STATS_MAX_DAYS": env_int("STATS_MAX_DAYS", 731),
    "STATS_LATEST_POSTS": env_int("STATS_LATEST_POSTS", 150),
    # How long the audience breakdown (six counts over every membership) is kept.
    "STATS_AUDIENCE_SECONDS": env_int("STATS_AUDIENCE_SECONDS", 300),
    # Imports of other communities' numbers and of reaction events (R9.10, R8.5): the most rows
    # one file may bring (a larger file is refused whole) and the largest upload read.
    "IMPORT_MAX_ROWS": env_int("IMPORT_MAX_ROWS", 100000),
    "IMPORT_MAX_BYTES": env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024),
    "PUBLISH_LEASE_SECONDS": env_int("PUBLISH_LEASE_SECONDS", 15),
    "PUBLISH_LATE_SECONDS": env_int("PUBLISH_LATE_SECONDS", 300),
    "PUBLISH_MAX_ATTEMPTS": env_int("PUBLISH_MAX_ATTEMPTS", 5),
    "POST_MAX_CHARS": env_int("POST_MAX_CHARS", 16000),
    "POST_MAX_IMAGES": env_int("POST_MAX_IMAGES", 10),
    "POST_IMAGE_MAX_BYTES": env_int("POST_IMAGE_MAX_BYTES", 10 * 1024 * 1024),
    "POST_IMAGE_MAX_PIXELS": env_int("POST_IMAGE_MAX_PIXELS", 7000),
    "DOCUMENT_MAX_BYTES": env_int("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024),
    "LONGREAD_MAX_BLOCKS": env_int("LONGREAD_MAX_BLOCKS", 100),
    "COMMENT_MAX_CHARS": env_int("COMMENT_MAX_CHARS", 4000),
    "THUMBNAIL_PIXELS": env_int("THUMBNAIL_PIXELS", 510),
    # The utm_source of a post's tracked links unless its team chose another (R8.8).
    "UTM_SOURCE": env("UTM_SOURCE", "communa"),
    "RATE_LIMIT_STORE": env("RATE_LIMIT_STORE", "redis" if REDIS_URL else "database"),
    # Write limits per hour (R5.5, core/limits.py): per member, per member in the first
    # NEW_ACCOUNT_HOURS, and per address for new accounts' writes; 0 switches one off.
    "NEW_ACCOUNT_HOURS": env_int("NEW_ACCOUNT_HOURS", 24),
    "RATE_POST_PER_HOUR": env_int("RATE_POST_PER_HOUR", 20),
    "RATE_POST_NEW_PER_HOUR": env_int("RATE_POST_NEW_PER_HOUR", 3),
    "RATE_POST_NEW_PER_IP_PER_HOUR": env_int("RATE_POST_NEW_PER_IP_PER_HOUR", 10),
    "RATE_COMMENT_PER_HOUR": env_int("RATE_COMMENT_PER_HOUR", 60),
    "RATE_COMMENT_NEW_PER_HOUR": env_int("RATE_COMMENT_NEW_PER_HOUR", 10),
    "RATE_COMMENT_NEW_PER_IP_PER_HOUR": env_int("RATE_COMMENT_NEW_PER_IP_PER_HOUR", 30),
    "RATE_LIKE_PER_HOUR": env_int("RATE_LIKE_PER_HOUR", 120),
    "RATE_LIKE_NEW_PER_HOUR": env_int("RATE_LIKE_NEW_PER_HOUR", 30),
    "RATE_LIKE_NEW_PER_IP_PER_HOUR": env_int("RATE_LIKE_NEW_PER_IP_PER_HOUR", 100),
    # Taking part (R6): votes, photo entries, form answers and guide steps together.
    "RATE_TAKE_PART_PER_HOUR": env_int("RATE_TAKE_PART_PER_HOUR", 300),
    "RATE_TAKE_PART_NEW_PER_HOUR": env_int("RATE_TAKE_PART_NEW_PER_HOUR", 60),
    "RATE_TAKE_PART_NEW_PER_IP_PER_HOUR": env_int("RATE_TAKE_PART_NEW_PER_IP_PER_HOUR", 200),
    "RATE_REPORT_PER_HOUR": env_int("RATE_REPORT_PER_HOUR", 20),
    "RATE_REPORT_NEW_PER_HOUR": env_int("RATE_REPORT_NEW_PER_HOUR", 5),
    "RATE_REPORT_NEW_PER_IP_PER_HOUR": env_int("RATE_REPORT_NEW_PER_IP_PER_HOUR", 15),
    "RATE_INVITE_PER_HOUR": env_int("RATE_INVITE_PER_HOUR", 40),
    "RATE_INVITE_NEW_PER_HOUR": env_int("RATE_INVITE_NEW_PER_HOUR", 10),
    "RATE_INVITE_NEW_PER_IP_PER_HOUR": env_int("RATE_INVITE_NEW_PER_IP_PER_HOUR", 30),
    # The planner's drafts (R8.3): a team plans a month of 1–12 posts a day in a sitting.
    "RATE_DRAFT_PER_HOUR": env_int("RATE_DRAFT_PER_HOUR", 300),
    "RATE_DRAFT_NEW_PER_HOUR": env_int("RATE_DRAFT_NEW_PER_HOUR", 60),
    "RATE_DRAFT_NEW_PER_IP_PER_HOUR": env_int("RATE_DRAFT_NEW_PER_IP_PER_HOUR", 120),
    "RATE_JOIN_PER_HOUR": env_int("RATE_JOIN_PER_HOUR", 30),
    "RATE_JOIN_NEW_PER_HOUR": env_int("RATE_JOIN_NEW_PER_HOUR", 10),
    "RATE_JOIN_NEW_PER_IP_PER_HOUR": env_int("RATE_JOIN_NEW_PER_IP_PER_HOUR", 30),
    # Automatic checks on texts (R5.1, moderation/screening.py).
    "FILTER_LIST_MAX": env_int("FILTER_LIST_MAX", 500),
    "FILTER_REPEAT_HOURS": env_int("FILTER_REPEAT_HOURS", 24),
    "FILTER_BURST_MINUTES": env_int("FILTER_BURST_MINUTES", 10),
    "FILTER_BURST_TEXTS": env_int("FILTER_BURST_TEXTS", 5),
    "FILTER_BURST_ACCOUNT_HOURS": env_int("FILTER_BURST_ACCOUNT_HOURS", 72),
    "FILTER_DETECT_LANGUAGE": env_int("FILTER_DETECT_LANGUAGE", 1),
    # Forms and guides (R6.4): the most fields a form, options a choice field, characters a text
    # answer; the most modules a guide and steps a module.
    "FORM_MAX_FIELDS": env_int("FORM_MAX_FIELDS", 100),
    "FORM_MAX_CHOICES": env_int("FORM_MAX_CHOICES", 50),
    "FORM_TEXT_MAX": env_int("FORM_TEXT_MAX", 5000),
    "GUIDE_MAX_MODULES": env_int("GUIDE_MAX_MODULES", 50),
    "GUIDE_MAX_STEPS": env_int("GUIDE_MAX_STEPS", 100),
    # Polls (R6.1): the most options a poll may offer.
    "POLL_MAX_OPTIONS": env_int("POLL_MAX_OPTIONS", 20),
    # Recognition (R6.3, engagement/actions/recognition.py): the score's weights, how many
    # members a month's board keeps, how many communities a worker run computes, the badges
    # shown beside a name, the window of the 1 % core and the badge rules a community may have.
    "RECOGNITION_WEIGHT_POST": env_int("RECOGNITION_WEIGHT_POST", 3),
    "RECOGNITION_WEIGHT_COMMENT": env_int("RECOGNITION_WEIGHT_COMMENT", 1),
    "RECOGNITION_WEIGHT_LIKE_RECEIVED": env_int("RECOGNITION_WEIGHT_LIKE_RECEIVED", 1),
    "RECOGNITION_WEIGHT_ACCEPTED_SUGGESTION": env_int("RECOGNITION_WEIGHT_ACCEPTED_SUGGESTION", 5),
    "RECOGNITION_WEIGHT_DISCUSSION_REPLY": env_int("RECOGNITION_WEIGHT_DISCUSSION_REPLY", 2),
    "RECOGNITION_BOARD_SIZE": env_int("RECOGNITION_BOARD_SIZE", 20),
    "RECOGNITION_MONTHS_PER_RUN": env_int("RECOGNITION_MONTHS_PER_RUN", 50),
    "RECOGNITION_BADGES_SHOWN": env_int("RECOGNITION_BADGES_SHOWN", 3),
    "RECOGNITION_CORE_DAYS": env_int("RECOGNITION_CORE_DAYS", 30),
    "RECOGNITION_RULES_PER_COMMUNITY": env_int("RECOGNITION_RULES_PER_COMMUNITY", 30),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

NINJA_PAGINATION_PER_PAGE = 50

# Impressions off the request path (analytics/impressions.py, docs/adr/0008): `direct` writes a
# page's impressions while answering it (tests, tiny installs); `buffered` appends one record per
# page view that the worker flushes in batches (`communa serve` and `communa demo` choose it).
COMMUNA.update(
    {
        "IMPRESSIONS_MODE": env("IMPRESSIONS_MODE", "direct"),
        "IMPRESSIONS_BUFFER": env("IMPRESSIONS_BUFFER", "redis" if REDIS_URL else "database"),
        "IMPRESSIONS_FLUSH_SECONDS": env_int("IMPRESSIONS_FLUSH_SECONDS", 2),
        "IMPRESSIONS_FLUSH_BATCH": env_int("IMPRESSIONS_FLUSH_BATCH", 500),
        "IMPRESSIONS_CLAIM_STALE_SECONDS": env_int("IMPRESSIONS_CLAIM_STALE_SECONDS", 60),
        # Rollups (analytics/rollups.py, docs/adr/0015): how often the worker rolls new events
        # up, how many it reads per transaction, and how long it lets ids settle (an event is
        # rolled up once every transaction that allocated a lower id has had this long to end).
        "ROLLUP_SECONDS": env_int("ROLLUP_SECONDS", 30),
        "ROLLUP_BATCH": env_int("ROLLUP_BATCH", 20000),
        "ROLLUP_SETTLE_SECONDS": env_int("ROLLUP_SETTLE_SECONDS", 10),
        # Each rollup fixes the members at publication of the posts published since the last
        # one; this often it looks at every published post (one stored with an earlier moment).
        "POST_FACTS_SWEEP_SECONDS": env_int("POST_FACTS_SWEEP_SECONDS", 86400),
        # Sites that share one Redis keep apart by their cache key prefix: their buffers too.
        "IMPRESSIONS_REDIS_PREFIX": env(
            "IMPRESSIONS_REDIS_PREFIX",
            ":".join([*filter(None, [env("CACHE_KEY_PREFIX")]), "communa:imp:"]),
        ),
    }
)
if COMMUNA["IMPRESSIONS_MODE"] not in {"direct", "buffered"}:
    raise SystemExit("COMMUNA_IMPRESSIONS_MODE must be direct or buffered")
if COMMUNA["IMPRESSIONS_BUFFER"] not in {"database", "redis"}:
    raise SystemExit("COMMUNA_IMPRESSIONS_BUFFER must be database or redis")

# Best time to post (R8.5, analytics/best_times.py, docs/metrics.md): the weeks of members'
# activity read, how much activity a suggestion needs, how many cells are suggested, and how
# long a community's answer is reused (0 computes it on every request).
COMMUNA.update(
    {
        "BEST_TIME_WEEKS": env_int("BEST_TIME_WEEKS", 8),
        "BEST_TIME_MIN_MEMBERS": env_int("BEST_TIME_MIN_MEMBERS", 10),
        "BEST_TIME_MIN_EVENTS": env_int("BEST_TIME_MIN_EVENTS", 100),
        "BEST_TIME_TOP": env_int("BEST_TIME_TOP", 5),
        "BEST_TIME_CACHE_SECONDS": env_int("BEST_TIME_CACHE_SECONDS", 3600),
    }
)
if COMMUNA["BEST_TIME_WEEKS"] < 1 or COMMUNA["BEST_TIME_TOP"] < 1:
    raise SystemExit("COMMUNA_BEST_TIME_WEEKS and COMMUNA_BEST_TIME_TOP must be at least 1")

# Audience health (R9.7, analytics/metrics/health.py, docs/metrics.md): a burst is at least
# FAKE_BURST_JOINS joins from one join source and UTM campaign within FAKE_BURST_MINUTES; a member
# with no activity FAKE_QUIET_DAYS after joining is quiet; FAKE_MIN_SIGNALS of the three signals
# (no profile data, quiet, joined in a burst) make a suspected fake. The dead-community signal:
# at least DEAD_MIN_MEMBERS members and a median of at most DEAD_MAX_MEDIAN engagements over the
# last DEAD_POSTS posts.
COMMUNA.update(
    {
        "FAKE_BURST_JOINS": env_int("FAKE_BURST_JOINS", 20),
        "FAKE_BURST_MINUTES": env_int("FAKE_BURST_MINUTES", 10),
        "FAKE_QUIET_DAYS": env_int("FAKE_QUIET_DAYS", 7),
        "FAKE_MIN_SIGNALS": env_int("FAKE_MIN_SIGNALS", 2),
        "DEAD_MIN_MEMBERS": env_int("DEAD_MIN_MEMBERS", 1000),
        "DEAD_MAX_MEDIAN": env_int("DEAD_MAX_MEDIAN", 10),
        "DEAD_POSTS": env_int("DEAD_POSTS", 30),
    }
)
if COMMUNA["FAKE_BURST_JOINS"] < 2 or not 1 <= COMMUNA["FAKE_MIN_SIGNALS"] <= 3:
    raise SystemExit("COMMUNA_FAKE_BURST_JOINS must be at least 2, FAKE_MIN_SIGNALS 1 to 3")

# Contests (R6.2, engagement/actions/contests.py, docs/contest-draws.md): the most winners a
# contest may have, the most photos one member may enter in a photo contest, and the "suspected
# fake" rule of draws: an account younger than CONTEST_FAKE_ACCOUNT_DAYS at the close, with no
# avatar and no profile fields, that has written no post and at most one comment.
COMMUNA.update(
    {
        "CONTEST_MAX_WINNERS": env_int("CONTEST_MAX_WINNERS", 100),
        "CONTEST_MAX_ENTRIES_PER_MEMBER": env_int("CONTEST_MAX_ENTRIES_PER_MEMBER", 3),
        "CONTEST_FAKE_ACCOUNT_DAYS": env_int("CONTEST_FAKE_ACCOUNT_DAYS", 7),
        "CONTEST_CAPTION_MAX_CHARS": env_int("CONTEST_CAPTION_MAX_CHARS", 200),
        "CONTEST_LIFECYCLE_BATCH": env_int("CONTEST_LIFECYCLE_BATCH", 50),
    }
)
