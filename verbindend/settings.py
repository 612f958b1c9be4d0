"""Verbindend's one settings module, read from the environment.

With no variables set it runs in development mode on the demo's SQLite database. Production mode
(`VERBINDEND_ENV=production`) refuses to start without a secret key and allowed hosts.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(env(name, str(default)))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


PRODUCTION = env("VERBINDEND_ENV", "development") == "production"
DEBUG = envbool("DEBUG", default=not PRODUCTION)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Production mode needs SECRET_KEY in the environment.")
    SECRET_KEY = "development-only-not-secret"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production mode needs ALLOWED_HOSTS (comma-separated).")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# Addresses or networks (CIDR) of the reverse proxies in front of the app. Only a connection from
# one of them may tell the client's address in X-Forwarded-For; empty: the peer is the client.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "servestatic",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks_db",
    "crontask",
    "verbindend.core",
    "verbindend.accounts",
    "verbindend.notices",
    "verbindend.networks",
    "verbindend.studies",
    "verbindend.privacy",
    "verbindend.method",
    "verbindend.live",
    "verbindend.historyline",
    "verbindend.scan",
    "verbindend.learninglog",
    "verbindend.analysis",
    "verbindend.research",
    "verbindend.reports",  # last of ours: its personal data goes after every other app's
    # Django's form templates, after ours so core/templates can replace a widget's template
    "django.forms",
]
# Our apps' catalogues, consulted before those of every installed app (Django's admin and auth
# come first in INSTALLED_APPS), so where a text is in both ("Save", "Filter", "Email") our Dutch
# is shown. core/tests/test_catalogues.py checks that each of our texts reads as its catalogue says.
LOCALE_PATHS = [
    BASE_DIR.joinpath(*app.split("."), "locale")
    for app in INSTALLED_APPS
    if app.startswith("verbindend.")
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "verbindend.core.middleware.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "verbindend.accounts.middleware.UserLanguageMiddleware",
    "verbindend.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # after the user is known, so an unreadable form gets a clear page in the reader's language
    "verbindend.core.middleware.CleanFormInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "verbindend.core.middleware.DomainErrorMiddleware",
    # last, as django-axes asks: turns a locked-out login into the lock-out page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "verbindend.urls"
ASGI_APPLICATION = "verbindend.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "verbindend.core.context_processors.site",
                "verbindend.notices.context_processors.unread",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    },
]

# Database: SQLite (WAL) by default, PostgreSQL through DATABASE_URL.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'demo.sqlite3'}")
# Connections are kept between requests: each page thread is long-lived (see live/asgi.py), and
# opening a connection is most of the cost of a small write. A kept connection is checked before
# it is used again, so a database restart costs one reconnect, not an error.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")


def _instance_name(database: Mapping[str, object]) -> str:
    """A short, stable name for this instance's data: the database's name and a hash of where."""
    where = "|".join(str(database.get(part) or "") for part in ("HOST", "PORT", "NAME"))
    readable = re.sub(r"[^A-Za-z0-9]+", "-", Path(str(database.get("NAME") or "db")).stem)
    return f"verbindend-{readable[:40]}-{hashlib.sha256(where.encode()).hexdigest()[:8]}"


# Every Redis key and pub/sub channel starts with this, so several instances can share one Redis
# server (pub/sub ignores database numbers). Default: derived from the database.
REDIS_PREFIX = env("REDIS_PREFIX") or _instance_name(DATABASES["default"])
CACHES = {
    "default": (
        {
            "BACKEND": "verbindend.core.cache.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
            # a Redis that hangs costs a page two seconds at most, not forever
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Background work: Django's tasks API, stored in the database, run by `manage.py worker`;
# periodic jobs by `manage.py crontask`.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
CRONTASK = {"REDIS_URL": REDIS_URL or None}
# `manage.py worker` beats every WORKER_HEARTBEAT_SECONDS; a worker silent for
# WORKER_STALE_SECONDS is taken for dead and its running task is queued again, at most
# TASK_MAX_ATTEMPTS times in all.
WORKER_HEARTBEAT_SECONDS = float(env("WORKER_HEARTBEAT_SECONDS", "5"))
WORKER_STALE_SECONDS = float(env("WORKER_STALE_SECONDS", "30"))
# Background tasks (reports, imports, suggestions) run this much nicer than the web processes, so
# a report never takes the CPU from a live session's acknowledgements (0: the same priority).
WORKER_NICE = envint("WORKER_NICE", 10)
# On Linux, tasks also run in the idle scheduling class: they get only the CPU no web process
# wants; the worker's heartbeat keeps its nice priority (see verbindend.core.workers.yield_cpu).
WORKER_IDLE = envbool("WORKER_IDLE", True)
# With live processes of their own (`serve --live-workers M`), the page processes run this much
# nicer, so the live acknowledgements get the CPU first in a burst (0: the same priority).
WEB_PAGE_NICE = envint("WEB_PAGE_NICE", 5)
# Background tasks step aside while a live process writes more than LIVE_BUSY_RATE submissions a
# second (a room of a few hundred answering at once): the worker's heartbeat pauses the task,
# for at most WORKER_PAUSE_MAX_SECONDS at a time, then lets it run WORKER_RESUME_SECONDS. The
# signal travels through the cache, so it needs Redis (REDIS_URL) when live and worker are
# separate processes; 0 turns stepping aside off.
LIVE_BUSY_RATE = envint("LIVE_BUSY_RATE", 20)
WORKER_PAUSE_MAX_SECONDS = float(env("WORKER_PAUSE_MAX_SECONDS", "30"))
WORKER_RESUME_SECONDS = float(env("WORKER_RESUME_SECONDS", "3"))
TASK_MAX_ATTEMPTS = envint("TASK_MAX_ATTEMPTS", 3)
# /metrics (Prometheus): with a token set, scrapers send `Authorization: Bearer <token>`;
# without one, keep /metrics to the inside at the proxy (deploy/nginx/verbindend.conf does).
METRICS_TOKEN = env("METRICS_TOKEN")

AUTH_USER_MODEL = "accounts.User"
# Password guessing: django-axes counts failed logins per address and account name and locks that
# pair out for a while. The address is the real client's (TRUSTED_PROXIES, see core/throttle.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURES_ALLOWED", 5)
AXES_COOLOFF_TIME = envint("LOGIN_LOCKOUT_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_CLIENT_IP_CALLABLE = "verbindend.core.throttle.client_ip"
AXES_USERNAME_CALLABLE = "verbindend.core.throttle.login_username"
AXES_LOCKOUT_CALLABLE = "verbindend.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "token"]
# Password-reset mails: at most this many requests per address (and per email) per hour.
PASSWORD_RESETS_PER_HOUR = envint("PASSWORD_RESETS_PER_HOUR", 5)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
# Roles for which the site requires two-factor login (comma-separated: coordinator, researcher).
REQUIRE_2FA_FOR = envlist("REQUIRE_2FA_FOR")
OTP_TOTP_ISSUER = "Verbindend"
INVITATION_DAYS = envint("INVITATION_DAYS", 14)

LANGUAGE_CODE = "nl"
# Each app keeps its own catalogue in <app>/locale; language names are written in themselves.
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
TIME_ZONE = env("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "servestatic.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
SERVESTATIC_USE_FINDERS = not PRODUCTION
SERVESTATIC_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# Refused at the ASGI layer before a byte of the body is read: uploads (multipart) and the rest.
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
REQUEST_MAX_BYTES = envint("REQUEST_MAX_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# `manage.py backup` writes time-stamped archives here and removes those older than the retention.
BACKUP_DIR = Path(env("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
BACKUP_KEEP_DAYS = envint("BACKUP_KEEP_DAYS", 30)
# A crontab line (e.g. "30 2 * * *") for backups by the scheduler; empty: none scheduled.
BACKUP_SCHEDULE = env("BACKUP_SCHEDULE")
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 2 * 1024 * 1024)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 2000)
# suggested codes: add word embeddings to the lemmas when the `embeddings` extra is installed
SUGGEST_EMBEDDINGS = envbool("SUGGEST_EMBEDDINGS", default=True)

_EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": (
            {
                "host": env("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", 25),
                "username": env("EMAIL_HOST_USER"),
                "password": env("EMAIL_HOST_PASSWORD"),
                "use_tls": envbool("EMAIL_USE_TLS"),
            }
            if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Verbindend <noreply@localhost>")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# Security: CSP on everywhere; no inline scripts, no third-party hosts.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
# With Redis, a page reads the session from the cache; writes go to both, the database stays the
# record (a cache restart logs nobody out, and pages go on while it is away).
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if REDIS_URL else "db")
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Probes and scrapers may ask the processes directly, over plain HTTP on the inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "apscheduler": {"level": "WARNING"},
    },
}

FORM_RENDERER = "verbindend.core.forms.FormRenderer"
