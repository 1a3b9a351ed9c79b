"""Sessions end after inactivity and after a maximum length; Django's admin is for superusers."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from clinwell.web.accounts.middleware import SEEN, STARTED
from tests.web.conftest import Cast


def _shift(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_an_idle_session_ends(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.owner)
    assert client.get("/o/alpha/results/").status_code == 200
    _shift(client, SEEN, 29 * 60)
    assert client.get("/o/alpha/results/").status_code == 200
    _shift(client, SEEN, 31 * 60)
    response = client.get("/o/alpha/results/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/o/alpha/results/").status_code == 302  # signed out for good


def test_a_session_ends_after_the_maximum_whatever_the_activity(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.owner)
    client.get("/o/alpha/results/")
    _shift(client, STARTED, 12 * 3600 + 1)
    assert client.get("/o/alpha/results/").status_code == 302


def test_the_idle_limit_is_configurable(cast: Cast, settings: pytest.FixtureRequest) -> None:
    settings.SESSION_IDLE_MINUTES = 5  # type: ignore[attr-defined]
    client = Client()
    client.force_login(cast.owner)
    client.get("/o/alpha/results/")
    _shift(client, SEEN, 6 * 60)
    assert client.get("/o/alpha/results/").status_code == 302


def test_django_admin_is_for_superusers_only(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.owner)
    cast.owner.is_staff = True
    cast.owner.save()
    assert client.get("/admin/").status_code == 302  # staff, not superuser: to the admin login
    cast.owner.is_superuser = True
    cast.owner.save()
    assert client.get("/admin/").status_code == 200
