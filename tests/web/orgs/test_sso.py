"""Single sign-on against a real OpenID Connect provider started on 127.0.0.1.

The provider is django-oauth-toolkit in a tiny Django project of its own
(``tests/web/orgs/oidc_provider``), in its own process with its own SQLite database and a
fresh RSA signing key. The happy paths go through it end to end: clinwell's page sends the
browser to the provider (the redirect is followed with ``requests``, signed in at the
provider), the provider sends it back with a code, and clinwell exchanges the code and
checks the ID token over real HTTP. Tokens the provider never issues (expired, tampered,
signed by another key) are made from a real one and given to the same check.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import RSAKey

from clinwell.web.accounts.models import User
from clinwell.web.audit.models import AuditEntry
from clinwell.web.orgs.models import AccessInvitation, Membership, SingleSignOn
from clinwell.web.orgs.services import sso
from clinwell.web.orgs.services.people import invite
from tests.web.conftest import PASSWORD, Cast

ROOT = Path(__file__).resolve().parents[3]
CALLBACK = "http://testserver/accounts/sso/callback/"
SECRET = "clinwell-test-client-secret"
DOMAIN = "alpha-health.example"
PEOPLE = [
    {"username": "nora", "email": f"nora@{DOMAIN}", "password": "nora-pass", "name": "Nora"},
    {"username": "ivan", "email": f"ivan@{DOMAIN}", "password": "ivan-pass", "name": "Ivan"},
    {"username": "eve", "email": "eve@elsewhere.example", "password": "eve-pass", "name": "Eve"},
]


@dataclass
class Provider:
    issuer: str
    base: str
    private_key: rsa.RSAPrivateKey


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    workdir = tmp_path_factory.mktemp("oidc-provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = workdir / "signing.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    port = _free_port()
    clients = [
        {"client_id": "clinwell", "secret": SECRET, "redirect_uris": [CALLBACK]},
        {
            "client_id": "another-app",
            "secret": "other",
            "redirect_uris": ["http://other.example/cb"],
        },
    ]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.web.orgs.oidc_provider.settings",
        "PYTHONPATH": str(ROOT),
        "OIDC_TEST_PORT": str(port),
        "OIDC_TEST_DIR": str(workdir),
        "OIDC_TEST_KEY": str(key_file),
        "OIDC_TEST_PEOPLE": json.dumps(PEOPLE),
        "OIDC_TEST_CLIENTS": json.dumps(clients),
    }
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/web/orgs/oidc_provider/serve.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if line.strip() != "ready":
            process.kill()
            raise RuntimeError(f"the test provider did not start: {process.stderr.read()}")  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}"
        yield Provider(issuer=f"{base}/o", base=base, private_key=key)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def configured(cast: Cast, provider: Provider, monkeypatch: pytest.MonkeyPatch) -> SingleSignOn:
    cache.clear()
    monkeypatch.setenv("CLINWELL_TEST_SSO_SECRET", SECRET)
    call_command(
        "configure_sso",
        "alpha",
        "--issuer",
        provider.issuer,
        "--client-id",
        "clinwell",
        "--secret-env",
        "CLINWELL_TEST_SSO_SECRET",
        "--domain",
        DOMAIN,
        "--check",
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    return SingleSignOn.objects.get(organization=cast.alpha)


def _at_provider(provider: Provider, username: str, password: str) -> requests.Session:
    """A browser signed in at the identity provider."""
    browser = requests.Session()
    answer = browser.post(
        f"{provider.base}/login/", data={"username": username, "password": password}, timeout=10
    )
    assert answer.status_code == 200
    return browser


def _to_provider_and_back(client: Client, browser: requests.Session, email: str) -> str:
    """Start at clinwell, follow the redirects through the provider: the callback URL."""
    start = client.post("/accounts/sso/", {"email": email})
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith("http://127.0.0.1:")
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"]
    assert query["nonce"]
    assert query["code_challenge"]
    answer = browser.get(authorize, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    back = answer.headers["Location"]
    assert back.startswith(CALLBACK)
    return back.removeprefix("http://testserver")


def _sign_in(client: Client, provider: Provider, person: dict[str, str], email: str = "") -> Any:
    browser = _at_provider(provider, person["username"], person["password"])
    return client.get(_to_provider_and_back(client, browser, email or person["email"]))


def _signed_in_as(client: Client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return None if user_id is None else User.objects.get(pk=user_id).email


def test_a_first_sign_in_creates_an_account_without_access(
    configured: SingleSignOn, provider: Provider
) -> None:
    client = Client()
    answer = _sign_in(client, provider, PEOPLE[0])
    assert answer.status_code == 302
    assert _signed_in_as(client) == f"nora@{DOMAIN}"
    user = User.objects.get(email=f"nora@{DOMAIN}")
    assert user.full_name == "Nora"
    assert not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()
    page = client.get(answer["Location"])
    assert "no access yet" in page.content.decode()
    assert client.get("/o/alpha/").status_code == 404  # not a member: nothing revealed
    # recorded like a password sign-in
    assert AuditEntry.objects.filter(action="sign-in", actor_email=user.email).exists()
    # a second sign-in finds the same account
    again = Client()
    assert _sign_in(again, provider, PEOPLE[0]).status_code == 302
    assert User.objects.filter(email=f"nora@{DOMAIN}").count() == 1


def test_an_open_invitation_is_accepted_at_the_first_sign_in(
    configured: SingleSignOn, provider: Provider, cast: Cast
) -> None:
    invite(cast.alpha, email=f"ivan@{DOMAIN}", role="analyst", by=cast.owner)
    client = Client()
    answer = _sign_in(client, provider, PEOPLE[1], email=f"ivan@{DOMAIN}")
    assert answer.status_code == 302
    user = User.objects.get(email=f"ivan@{DOMAIN}")
    assert Membership.objects.get(user=user, organization=cast.alpha).role == "analyst"
    assert AccessInvitation.objects.get(email=f"ivan@{DOMAIN}").accepted_at is not None
    assert client.get("/o/alpha/results/").status_code == 200


def test_no_second_factor_is_asked_after_a_single_sign_on(
    configured: SingleSignOn, provider: Provider, cast: Cast, settings: Any
) -> None:
    settings.TWO_FACTOR_ENFORCED = True  # an analyst must have a code with a password
    invite(cast.alpha, email=f"ivan@{DOMAIN}", role="analyst", by=cast.owner)
    client = Client()
    assert _sign_in(client, provider, PEOPLE[1]).status_code == 302
    assert client.get("/o/alpha/results/").status_code == 200  # not sent to the code set-up
    # the same rule still holds for a password sign-in
    password_analyst = Client()
    password_analyst.post(
        "/accounts/login/", {"username": cast.analyst.email, "password": PASSWORD}
    )
    answer = password_analyst.get("/o/alpha/results/")
    assert answer.status_code == 302
    assert answer["Location"] == "/accounts/two-factor/"


def test_the_secret_can_come_from_a_file_and_its_absence_is_clear(
    configured: SingleSignOn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET + "\n")
    configured.client_secret_env = ""
    configured.client_secret_file = str(secret_file)
    configured.save()
    assert sso.client_secret(configured) == SECRET
    secret_file.unlink()
    answer = Client().post("/accounts/sso/", {"email": f"nora@{DOMAIN}"})
    assert answer.status_code == 400
    assert "client secret file cannot be read" in answer.content.decode()


def test_an_address_outside_the_providers_domains_is_refused(
    configured: SingleSignOn, provider: Provider
) -> None:
    client = Client()
    # The sign-in starts with an address of the domain, but the provider signs in Eve,
    # whose address is elsewhere: the provider is not trusted for it.
    answer = _sign_in(client, provider, PEOPLE[2], email=f"someone@{DOMAIN}")
    assert answer.status_code == 403
    assert "not one of the organization" in answer.content.decode()
    assert _signed_in_as(client) is None
    assert not User.objects.filter(email="eve@elsewhere.example").exists()
    assert AuditEntry.objects.filter(action="sign-in-failed").exists()


def test_a_callback_in_another_browser_is_refused(
    configured: SingleSignOn, provider: Provider
) -> None:
    started_here = Client()
    browser = _at_provider(provider, "nora", "nora-pass")
    back = _to_provider_and_back(started_here, browser, f"nora@{DOMAIN}")
    elsewhere = Client()  # an attacker's browser handed the victim's callback, or vice versa
    answer = elsewhere.get(back)
    assert answer.status_code == 403
    assert "not started in this browser" in answer.content.decode()
    assert _signed_in_as(elsewhere) is None
    # a forged state in the right browser is refused too
    forged = back.replace("state=", "state=x")
    assert started_here.get(forged).status_code == 403
    assert started_here.get("/accounts/sso/callback/?state=%C3%A9&code=x").status_code == 403
    assert _signed_in_as(started_here) is None


def test_password_sign_in_is_refused_for_an_sso_domain(
    configured: SingleSignOn, cast: Cast
) -> None:
    User.objects.create_user(f"old@{DOMAIN}", PASSWORD)
    answer = Client().post("/accounts/login/", {"username": f"old@{DOMAIN}", "password": PASSWORD})
    assert answer.status_code == 200
    assert "identity provider, not with a password" in answer.content.decode()
    # other domains still sign in with a password
    ok = Client().post("/accounts/login/", {"username": cast.owner.email, "password": PASSWORD})
    assert ok.status_code == 302


def test_an_address_without_sso_gets_a_clear_answer(configured: SingleSignOn) -> None:
    answer = Client().post("/accounts/sso/", {"email": "someone@nowhere.example"})
    assert answer.status_code == 400
    assert "no single sign-on here" in answer.content.decode()


# --- the ID-token check, given real and altered tokens ------------------------------------


def _real_token(provider: Provider, client_id: str, secret: str, redirect: str, nonce: str) -> str:
    """An ID token the provider issues to ``client_id`` for Nora (code flow with PKCE)."""
    browser = _at_provider(provider, "nora", "nora-pass")
    oauth = OAuth2Session(
        client_id,
        secret,
        scope="openid email profile",
        redirect_uri=redirect,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post",
    )
    verifier = "v" * 64
    url, _ = oauth.create_authorization_url(
        f"{provider.issuer}/authorize/", nonce=nonce, code_verifier=verifier
    )
    answer = browser.get(url, allow_redirects=False, timeout=10)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    token = oauth.fetch_token(
        f"{provider.issuer}/token/", code=code, code_verifier=verifier, timeout=10
    )
    return str(token["id_token"])


@pytest.fixture
def issue(provider: Provider) -> Callable[..., str]:
    def _issue(nonce: str = "n-123", client_id: str = "clinwell") -> str:
        if client_id == "clinwell":
            return _real_token(provider, "clinwell", SECRET, CALLBACK, nonce)
        return _real_token(provider, client_id, "other", "http://other.example/cb", nonce)

    return _issue


def _resign(token: str, key: rsa.RSAPrivateKey, **changes: Any) -> str:
    header, claims = _parts(token)
    claims.update(changes)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return jwt.encode(header, claims, RSAKey.import_key(pem))


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    from joserfc.util import urlsafe_b64decode

    head, body, _ = token.split(".")
    pad = lambda s: (s + "=" * (-len(s) % 4)).encode()  # noqa: E731
    return json.loads(urlsafe_b64decode(pad(head))), json.loads(urlsafe_b64decode(pad(body)))


def test_a_real_token_passes_the_check(configured: SingleSignOn, issue: Callable[..., str]) -> None:
    claims = sso.check_id_token(configured, issue(), nonce="n-123")
    assert claims["email"] == f"nora@{DOMAIN}"
    assert sso.trusted_email(configured, claims) == f"nora@{DOMAIN}"


def test_a_token_resigned_with_the_providers_key_passes(
    configured: SingleSignOn, issue: Callable[..., str], provider: Provider
) -> None:
    # the control for the altered tokens below: re-signing itself breaks nothing
    token = _resign(issue(), provider.private_key)
    assert sso.check_id_token(configured, token, nonce="n-123")["sub"]


def test_an_expired_token_is_refused(
    configured: SingleSignOn, issue: Callable[..., str], provider: Provider
) -> None:
    an_hour_ago = int((timezone.now() - timedelta(hours=1)).timestamp())
    token = _resign(issue(), provider.private_key, exp=an_hour_ago, iat=an_hour_ago - 300)
    with pytest.raises(sso.SingleSignOnError):
        sso.check_id_token(configured, token, nonce="n-123")


def test_a_token_for_another_client_is_refused(
    configured: SingleSignOn, issue: Callable[..., str]
) -> None:
    token = issue(client_id="another-app")  # real, signed by the provider, aud another-app
    assert _parts(token)[1]["aud"] == "another-app"
    with pytest.raises(sso.SingleSignOnError):
        sso.check_id_token(configured, token, nonce="n-123")


def test_a_tampered_signature_is_refused(
    configured: SingleSignOn, issue: Callable[..., str]
) -> None:
    token = issue()
    head, body, signature = token.split(".")
    _, claims = _parts(token)
    claims["email"] = f"ceo@{DOMAIN}"
    from joserfc.util import urlsafe_b64encode

    forged_body = urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    with pytest.raises(sso.SingleSignOnError):
        sso.check_id_token(configured, f"{head}.{forged_body}.{signature}", nonce="n-123")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    with pytest.raises(sso.SingleSignOnError):
        sso.check_id_token(configured, f"{head}.{body}.{flipped}", nonce="n-123")


def test_a_token_signed_by_another_key_is_refused(
    configured: SingleSignOn, issue: Callable[..., str]
) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = _resign(issue(), stranger)  # same key id in the header, another key
    with pytest.raises(sso.SingleSignOnError):
        sso.check_id_token(configured, token, nonce="n-123")


def test_a_wrong_nonce_is_refused(configured: SingleSignOn, issue: Callable[..., str]) -> None:
    token = issue(nonce="from-another-sign-in")
    with pytest.raises(sso.SingleSignOnError):
        sso.check_id_token(configured, token, nonce="n-123")


def test_configure_sso_refuses_a_domain_of_another_organization(
    configured: SingleSignOn, cast: Cast, provider: Provider
) -> None:
    with pytest.raises(CommandError, match="one provider per domain"):
        call_command(
            "configure_sso",
            "beta",
            "--issuer",
            provider.issuer,
            "--client-id",
            "x",
            "--secret-file",
            "/nonexistent",
            "--domain",
            DOMAIN,
        )
    assert SingleSignOn.objects.filter(organization=cast.beta).count() == 0


def test_the_secret_is_never_stored(configured: SingleSignOn) -> None:
    row = SingleSignOn.objects.filter(pk=configured.pk).values().get()
    assert SECRET not in json.dumps(row, default=str)


def test_a_site_superuser_is_never_signed_in_by_an_organizations_provider(
    configured: SingleSignOn, provider: Provider
) -> None:
    User.objects.create_superuser(f"nora@{DOMAIN}", PASSWORD)
    client = Client()
    answer = _sign_in(client, provider, PEOPLE[0])
    assert answer.status_code == 403
    assert _signed_in_as(client) is None
    # ... and keeps signing in with the password
    ok = Client().post("/accounts/login/", {"username": f"nora@{DOMAIN}", "password": PASSWORD})
    assert ok.status_code == 302
