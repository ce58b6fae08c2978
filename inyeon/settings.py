"""Inyeon settings, read from environment variables (see docs/configuration.md).

With no variable set Inyeon runs embedded: SQLite in WAL mode under `var/`, the database task backend,
e-mail to the console. `INYEON_ENV=production` requires `INYEON_SECRET_KEY` and `INYEON_ALLOWED_HOSTS`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from inyeon.envconfig import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("INYEON_VAR_DIR", str(BASE_DIR / "var")))

INYEON_ENV = env_choice("INYEON_ENV", "development", ("development", "test", "production"))
PRODUCTION = INYEON_ENV == "production"

DEBUG = env_bool("INYEON_DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("INYEON_DEBUG must be off when INYEON_ENV=production")

_DEV_SECRET = "inyeon-development-only-secret-key-never-use-in-production-0123456789"
SECRET_KEY = env_str("INYEON_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "INYEON_SECRET_KEY must be set to a random string of at least 50 characters "
        "when INYEON_ENV=production"
    )

ALLOWED_HOSTS = env_list("INYEON_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "INYEON_ALLOWED_HOSTS must list the host names Inyeon is served under "
        "(comma-separated) when INYEON_ENV=production"
    )
if not PRODUCTION:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver", "[::1]"]
CSRF_TRUSTED_ORIGINS = env_list("INYEON_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "inyeon.core",
    "inyeon.customers",
    "inyeon.analytics",
    "inyeon.dataio",
    "inyeon.sales",
    "inyeon.forecasts",
    "inyeon.leads",
    "inyeon.quotes",
    "inyeon.web",
    "inyeon.activities",
    "inyeon.documents",
    "inyeon.catalog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "inyeon.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "inyeon.urls"
WSGI_APPLICATION = "inyeon.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

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
                "inyeon.web.context.ui",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = env_str("DATABASE_URL", "")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'inyeon.sqlite3'}"
    if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(
            "DATABASE_URL must start with postgres://, postgresql:// or sqlite:///; "
            f"got {url.split(':', 1)[0]!r}"
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server and the task worker read while the other writes.
        config["OPTIONS"] = {
            "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"),
            "transaction_mode": "IMMEDIATE",
        }
        config["TEST"] = {"NAME": None}
    else:
        config["CONN_MAX_AGE"] = env_int("INYEON_DB_CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
        if env_bool("INYEON_DB_PREPARED_STATEMENTS", True):
            # Statements bound on the server (only the reads that ask for it, see core.prepared)
            # are kept prepared once run five times on a connection: planned once, not per request.
            config["OPTIONS"] = {"prepare_threshold": 5}
        # Named after the database so that test runs against different databases never collide.
        config["TEST"] = {
            "NAME": env_str("INYEON_TEST_DATABASE_NAME", f"test_inyeon_{config.get('NAME') or 'db'}")
        }
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": env_str("INYEON_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling: lock a username+IP pair after repeated failures, then let it try again after
# a cool-off, so an attacker can slow a user down but never lock them out for good.
AXES_FAILURE_LIMIT = env_int("INYEON_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("INYEON_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "inyeon" / "locale"]
TIME_ZONE = env_str("INYEON_TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True
INYEON_DEFAULT_CURRENCY = env_str("INYEON_DEFAULT_CURRENCY", "KRW")
INYEON_DEFAULT_PHONE_REGION = env_str("INYEON_DEFAULT_PHONE_REGION", "KR")
# Processes that clean the rows of a large import (phone parsing is the bulk of the work).
INYEON_IMPORT_WORKERS = env_int("INYEON_IMPORT_WORKERS", 2, minimum=1)
# How long one server process remembers an API token it has checked (0: look it up every time).
INYEON_API_TOKEN_CACHE_SECONDS = env_int("INYEON_API_TOKEN_CACHE_SECONDS", 10, minimum=0)

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"
# Documents attached to customer records (docs/documents.md): the largest upload in megabytes and
# the allowed types (checked against the file's content, not only its name).
INYEON_DOCUMENT_MAX_BYTES = env_int("INYEON_DOCUMENT_MAX_MB", 20, minimum=1) * 1024 * 1024
INYEON_DOCUMENT_TYPES = env_list(
    "INYEON_DOCUMENT_TYPES",
    ["pdf", "png", "jpg", "gif", "webp", "heic", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "csv"],
)
INYEON_DOCUMENT_ROOT = Path(env_str("INYEON_DOCUMENT_ROOT", str(MEDIA_ROOT / "documents")))

EMAIL_BACKEND = env_str(
    "INYEON_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = env_str("INYEON_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("INYEON_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("INYEON_DEFAULT_FROM_EMAIL", "inyeon@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("INYEON_SESSION_AGE_SECONDS", 60 * 60 * 12, minimum=60)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("INYEON_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("INYEON_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("INYEON_LOG_LEVEL", "WARNING")},
}

# Leads: submissions per IP address and window on the public lead forms ("count/seconds"), and the
# won + lost outcomes needed before the learned lead score is used.
INYEON_LEAD_FORM_RATE = env_str("INYEON_LEAD_FORM_RATE", "10/600")
INYEON_LEAD_MIN_OUTCOMES = env_int("INYEON_LEAD_MIN_OUTCOMES", 50)
# Quotes and contracts (docs/quotes.md): the company printed on quote PDFs, an optional TrueType
# Korean font to embed, and how many days before the notice deadline renewal reminders fall due.
INYEON_COMPANY = {
    "name": env_str("INYEON_COMPANY_NAME", "인연 CRM (Inyeon)"),
    "address": env_str("INYEON_COMPANY_ADDRESS", ""),
    "phone": env_str("INYEON_COMPANY_PHONE", ""),
    "email": env_str("INYEON_COMPANY_EMAIL", DEFAULT_FROM_EMAIL),
}
INYEON_PDF_FONT = env_str("INYEON_PDF_FONT", "")
INYEON_RENEWAL_REMINDER_DAYS = env_int("INYEON_RENEWAL_REMINDER_DAYS", 14)
