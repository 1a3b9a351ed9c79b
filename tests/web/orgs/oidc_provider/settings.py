"""A tiny Django project that is a real OpenID Connect provider (django-oauth-toolkit).

Started by ``tests/web/orgs/test_sso.py`` in its own process on 127.0.0.1 (``serve.py``):
its database (SQLite), RSA signing key and port come from the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

PORT = os.environ["OIDC_TEST_PORT"]
SECRET_KEY = "oidc-test-provider-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
USE_TZ = True
ROOT_URLCONF = "tests.web.orgs.oidc_provider.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(Path(os.environ["OIDC_TEST_DIR"]) / "provider.sqlite3"),
    }
}
TEMPLATES = [
    {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True},
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/login/"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": Path(os.environ["OIDC_TEST_KEY"]).read_text(),
    "OIDC_ISS_ENDPOINT": f"http://127.0.0.1:{PORT}/o",
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    "OAUTH2_VALIDATOR_CLASS": "tests.web.orgs.oidc_provider.validator.Validator",
    "SCOPES": {"openid": "OpenID Connect", "email": "E-mail address", "profile": "Name"},
}
