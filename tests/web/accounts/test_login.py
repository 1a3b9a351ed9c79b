"""Log in with e-mail, argon2 hashes, and throttling after repeated failures."""

from __future__ import annotations

from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse

from tests.web.conftest import PASSWORD, Cast


def test_login_with_email_reaches_the_organization(cast: Cast, client: Client) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "OWNER@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 302
    assert home["Location"] == reverse("dashboard:overview", kwargs={"org_slug": "alpha"})


def test_passwords_are_hashed_with_argon2(cast: Cast, settings) -> None:
    from clinwell.web import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    cast.owner.set_password(PASSWORD)
    cast.owner.save()
    assert identify_hasher(cast.owner.password).algorithm == "argon2"
    assert cast.owner.check_password(PASSWORD)


def test_wrong_password_shows_an_error(cast: Cast, client: Client) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "owner@example.org", "password": "nope"}
    )
    assert response.status_code == 200
    assert "correct e-mail address and password" in response.content.decode()


def test_repeated_failures_lock_the_login(cast: Cast, client: Client) -> None:
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": "owner@example.org", "password": "wrong"})
    locked = client.post(url, {"username": "owner@example.org", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    # another account from the same address is not locked out
    other = client.post(url, {"username": "analyst@example.org", "password": PASSWORD})
    assert other.status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(
    cast: Cast, client: Client
) -> None:
    """Lockouts count per account and connection address; X-Forwarded-For is ignored unless
    TRUSTED_PROXY_COUNT names proxies of our own (and the counts live in the database,
    shared by every server process)."""
    url = reverse("accounts:login")
    for number in range(5):
        client.post(
            url,
            {"username": "owner@example.org", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
    locked = client.post(
        url,
        {"username": "owner@example.org", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert locked.status_code == 429
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(username="owner@example.org").count() == 1
