"""Shared test configuration.

Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
from a thread with a running loop unless told that this is deliberate.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Browser fixtures (browser, page, phone_page) for every test package.
pytest_plugins = ["tests.web.browser"]


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    """Argon2 is deliberately slow; tests that need it ask for it explicitly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
