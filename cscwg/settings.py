"""One settings file for every environment, driven by environment variables.

Embedded defaults need no external service: SQLite in ``var/`` and a Celery broker on the local
filesystem. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to PostgreSQL and Redis.
Every variable is listed in ``.env.example`` and README.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-when-debug-is-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, not a CDN
    "minutes",
    "ballots",
    "transcription",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cscwg.middleware.DatabaseUnavailableMiddleware",  # a lost database connection: 503 "try again", not a 500
]

ROOT_URLCONF = "cscwg.urls"
WSGI_APPLICATION = "cscwg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite file by default, anything dj-database-url understands via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests use a file (not :memory:) so that a real worker process can share the test database;
    # one per test process, so that two test runs on one checkout do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
    # WAL: the web server and the worker read while the other writes; synchronous=NORMAL is safe with
    # WAL (a crash loses at most the last commits, never the file) and spares an fsync per commit.
    # IMMEDIATE: a transaction takes the write lock when it begins, so two that write wait for each other
    # (up to `timeout` seconds) instead of one failing with "database is locked" as it upgrades its lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", transaction_mode="IMMEDIATE"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache of rendered page fragments (minutes/pagecache.py; every write invalidates it): files in VAR_DIR/cache by
# default, shared by all processes on this machine; CACHE_URL=redis://host:6379/1 for Redis (several machines
# can share it), file:///path for another folder, dummy:// to turn it off. No per-process (LocMem) option: a
# worker would go on serving what another process's write has made stale.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    # A Redis that is down or slow must not hold a page: give up after a second and render without the cache.
    _cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
elif CACHE_URL.startswith("dummy://"):
    _cache = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
elif CACHE_URL == "" or CACHE_URL.startswith("file://"):
    _cache = {
        "BACKEND": "minutes.pagecache.FileCache",  # Django's, culled without listing the folder on every write
        "LOCATION": CACHE_URL.removeprefix("file://") or str(VAR_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
else:
    raise ImproperlyConfigured(f"CACHE_URL {CACHE_URL!r}: use redis://host:port/db, file:///folder or dummy://.")
CACHES = {"default": {**_cache, "KEY_PREFIX": "cscwg"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "minutes:group_list"
LOGOUT_REDIRECT_URL = "minutes:group_list"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# Security switches that only make sense behind HTTPS; on whenever DEBUG is off.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Email: console by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "minutes@localhost")

# Celery: a filesystem broker by default (no server), Redis or RabbitMQ via CELERY_BROKER_URL.
# Tasks report their results to the rows they own, so no result backend is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_DIR = Path(os.environ.get("CELERY_BROKER_DIR", VAR_DIR / "broker"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A Redis that is down or stops answering must not hold an upload: publishing gives up after a few seconds
    # (redis-py waits forever by default) and the job stays queued for the periodic sweep.
    _broker_timeout = float(os.environ.get("CELERY_BROKER_TIMEOUT", "5"))
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": _broker_timeout, "socket_timeout": _broker_timeout}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic rules: the three-week auto-final rule and action-item reminders; ballot clocks.
CELERY_BEAT_SCHEDULE = {
    "minutes-tick": {"task": "minutes.tasks.minutes_tick", "schedule": 3600.0},
    "transcription-sweep": {"task": "transcription.tasks.jobs_sweep", "schedule": 120.0},
    "ballots-tick": {"task": "ballots.tasks.ballots_tick", "schedule": 900.0},
}

# Transcription (faster-whisper, CTranslate2). WHISPER_MODEL: "base" (default, shipped in PyPI packages and
# joined once into WHISPER_CACHE_DIR), "tiny.en" (fast, for tests), or the path of any CTranslate2 Whisper folder.
WHISPER_MODEL = os.environ.get("WHISPER_MODEL", "base")
WHISPER_DEVICE = os.environ.get("WHISPER_DEVICE", "cpu")  # cpu | cuda | auto
WHISPER_COMPUTE_TYPE = os.environ.get("WHISPER_COMPUTE_TYPE", "int8")
WHISPER_BEAM_SIZE = int(os.environ.get("WHISPER_BEAM_SIZE", "5"))
WHISPER_CPU_THREADS = int(os.environ.get("WHISPER_CPU_THREADS", "1"))  # one per worker process; scale with processes
WHISPER_HOTWORDS = os.environ.get("WHISPER_HOTWORDS", "auto")  # auto: on for base and larger, off for tiny models
WHISPER_WINDOW_SECONDS = float(os.environ.get("WHISPER_WINDOW_SECONDS", "600"))
WHISPER_LANGUAGE = os.environ.get("WHISPER_LANGUAGE", "en")
WHISPER_CACHE_DIR = Path(os.environ.get("WHISPER_CACHE_DIR", VAR_DIR / "whisper"))
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(1024**3)))
TRANSCRIPTION_TIME_LIMIT = int(os.environ.get("TRANSCRIPTION_TIME_LIMIT", str(6 * 3600)))
# A running job whose worker has not reported for this long is handed to another worker by the sweep, which
# resumes it after its last saved window. Must exceed the time one window takes.
TRANSCRIPTION_STALE_SECONDS = float(os.environ.get("TRANSCRIPTION_STALE_SECONDS", "600"))
# Uploads above this size go to a temporary file while they arrive, never into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Publishing final minutes: a local clone of the Forum's website repository (Hugo); posts are written to
# content/posts/YYYY/<slug>.md there and never pushed. Unset: posts are only offered for download.
PUBLISH_REPO_DIR = os.environ.get("PUBLISH_REPO_DIR") or None

# Absolute links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

REST_FRAMEWORK = {
    # Token first: an anonymous request is then answered 401 with a WWW-Authenticate header, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Working-group minutes desk API",
    "DESCRIPTION": "Groups, people, meetings and their minutes, action items and ballots. Session or token authentication.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" or "kind": name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "OrganizationStatusEnum": "minutes.models.Organization.Status",
        "AttendanceStatusEnum": "minutes.models.Attendance.Status",
        "MinutesStatusEnum": "minutes.models.Minutes.Status",
        "ActionItemStatusEnum": "minutes.models.ActionItem.Status",
        "ClosingStatusEnum": ["done", "dropped"],
        "MeetingKindEnum": "minutes.models.Meeting.Kind",
        "AntitrustKindEnum": "minutes.models.AntitrustReading.Kind",
        "BallotStatusEnum": "ballots.models.Ballot.Status",
        "BallotKindEnum": "ballots.models.Ballot.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # PDF rendering logs every font it touches at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
