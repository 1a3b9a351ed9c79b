"""Django settings, read from environment variables.

Every setting has a safe default for the embedded demo (SQLite and a generated secret
key under ``var/``). Production sets ``CLINWELL_ENV=production`` plus ``DATABASE_URL``,
``SECRET_KEY`` and ``ALLOWED_HOSTS``; ``manage.py check --deploy`` is clean there.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("CLINWELL_VAR_DIR", Path.cwd() / "var")).resolve()


def env_str(name: str, default: str) -> str:
    """A string setting; ``NAME_FILE`` (a path) wins over ``NAME`` for Docker secrets."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """A boolean setting: only the literal strings ``true``/``false`` (any case) are accepted."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"true", "1", "yes"}:
        return True
    if raw.lower() in {"false", "0", "no"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    """An integer setting; a non-integer value fails loudly."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list setting."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def _demo_secret_key() -> str:
    """A random key generated once and kept under var/, so demo sessions survive restarts."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


PRODUCTION = os.environ.get("CLINWELL_ENV", "demo") == "production"
DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required in production")
    SECRET_KEY = _demo_secret_key()

# Previous keys, still accepted for sessions and for opening sealed responses while
# `clinwell manage reseal_responses` re-encrypts them (docs/operations.md, "Keys").
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "clinwell.web.audit",
    "clinwell.web.accounts",
    "clinwell.web.orgs",
    "clinwell.web.surveys",
    "clinwell.web.results",
    "clinwell.web.actions",
    "clinwell.web.ehrburden",
    "clinwell.web.knowledgebase",
    "clinwell.web.consortium",
    "clinwell.web.dashboard",
    "clinwell.web.api",
    "clinwell.web.governance",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "clinwell.web.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clinwell.web.security.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "clinwell.web.accounts.middleware.SessionLimitsMiddleware",
    "clinwell.web.accounts.middleware.TwoFactorMiddleware",
    # Records page views, exports and form posts in the audit trail (clinwell/web/audit/routes.py).
    "clinwell.web.audit.middleware.AuditMiddleware",
]

ROOT_URLCONF = "clinwell.web.urls"
WSGI_APPLICATION = "clinwell.web.wsgi.application"

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
                "clinwell.web.orgs.context.organization_nav",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'clinwell.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers continue while a submission is written; busy timeout absorbs bursts.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        # secure_delete: deleted rows (a closed wave's invitations, re-sealed responses) are
        # overwritten with zeros rather than left in free pages of the file.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
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
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: five failures for one e-mail from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
# The client address of rate limits and lockouts: the connection's peer, or — behind this
# many reverse proxies of your own — the address the outermost one saw in X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "clinwell.web.security.client_address"

# Rate-limit counters (API throttles) live in the database, so every server process and
# worker shares them; the table is created by a migration (api 0002).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "clinwell_cache",
    }
}

# Background work (EHR runs, survey e-mail) goes through the database queue of django-tasks-db,
# processed by a worker that `clinwell serve` and `clinwell demo` start and supervise (or
# `clinwell manage db_worker` run separately, with `serve --no-worker`). Under pytest (which
# sets PYTEST_VERSION) tasks run immediately, inside the request, unless TASKS_BACKEND says
# otherwise. See docs/operations.md, "Background worker".
DATABASE_TASKS_BACKEND = "django_tasks_db.DatabaseBackend"
IMMEDIATE_TASKS_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"
TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            IMMEDIATE_TASKS_BACKEND if "PYTEST_VERSION" in os.environ else DATABASE_TASKS_BACKEND,
        )
    }
}

# Time-driven work, enqueued by `clinwell manage run_schedule` (supervised by `clinwell serve`):
# (interval in seconds, task). See clinwell/web/schedule.py.
CLINWELL_SCHEDULE = [
    (60, "clinwell.web.surveys.tasks.close_due_waves"),
    (300, "clinwell.web.surveys.tasks.send_due_reminders"),
    (86400, "clinwell.web.governance.tasks.apply_retention"),
]

# The key of the audit trail's hash chain (docs/security.md, "Audit trail"). By default it is
# derived from SECRET_KEY; set it separately so that SECRET_KEY can be rotated without the
# chain failing verification, and keep it out of the database's reach.
AUDIT_HMAC_KEY = env_str("AUDIT_HMAC_KEY", "")

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Production serves collected, hashed files; the demo serves straight from the apps.
STATIC_ROOT = env_str("STATIC_ROOT", str(VAR_DIR / "static")) if PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Source maps are only for debugging; brotli at its highest level on the API docs' 2–3 MB maps
# was most of collectstatic's time. Unhashed copies are never referenced (every page links
# through {% static %}), so only the hashed files are kept and compressed.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
MEDIA_ROOT = VAR_DIR / "media"

# E-mail: SMTP in production, files under var/ in the demo.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "clinwell <wellbeing@localhost>")
# Invitations go out in throttled batches (mail servers rate-limit bulk senders).
MAIL_BATCH_SIZE = env_int("MAIL_BATCH_SIZE", 100)
MAIL_BATCH_PAUSE_SECONDS = float(env_str("MAIL_BATCH_PAUSE_SECONDS", "1.0" if PRODUCTION else "0"))
# Invitations to join an organization (people and roles) expire after this many days.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
# The public address of the site, used in e-mailed survey links.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after
# sign-in (clinwell/web/accounts/middleware.py); the cookie itself lives no longer.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
# Second sign-in factor (TOTP) required of superusers, administrators and analysts (and of
# leaders and executives where their organization asks). On by default in production only,
# so the demo signs in with a password alone.
TWO_FACTOR_ENFORCED = env_bool("TWO_FACTOR_ENFORCED", default=PRODUCTION)
# Django's own admin (superusers only) is off in production unless switched on.
ADMIN_ENABLED = env_bool("ADMIN_ENABLED", default=not PRODUCTION)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
