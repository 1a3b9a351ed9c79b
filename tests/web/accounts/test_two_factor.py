"""The second sign-in factor: set-up, sign-in with a code, reuse, recovery codes, lockout."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.test import Client

from clinwell.web.accounts.models import RecoveryCode, TOTPDevice, User
from clinwell.web.accounts.services import two_factor
from clinwell.web.accounts.services.two_factor import _open
from tests.web.conftest import PASSWORD, Cast


def _secret(user: User) -> str:
    return _open(TOTPDevice.objects.get(user=user).sealed_secret)


def _enroll(user: User) -> list[str]:
    two_factor.start_enrollment(user)
    codes = two_factor.confirm_enrollment(user, pyotp.TOTP(_secret(user)).now())
    assert codes is not None
    return codes


def _password_step(client: Client, user: User) -> object:
    return client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})


@pytest.fixture
def enforced(settings: pytest.FixtureRequest) -> None:
    settings.TWO_FACTOR_ENFORCED = True  # type: ignore[attr-defined]


def test_an_administrator_must_set_up_codes_before_anything_else(
    cast: Cast, enforced: None
) -> None:
    client = Client()
    _password_step(client, cast.owner)
    response = client.get("/o/alpha/results/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/"
    assert "Set up sign-in codes" in client.get("/accounts/two-factor/").content.decode()
    assert not TOTPDevice.objects.filter(user=cast.owner).exists()  # a GET makes no key
    page = client.post("/accounts/two-factor/", {"restart": "1"}).content.decode()
    assert "<svg" in page
    assert "style=" not in page
    code = pyotp.TOTP(_secret(cast.owner)).now()
    done = client.post("/accounts/two-factor/", {"code": code})
    assert done["Location"] == "/accounts/two-factor/recovery-codes/"
    codes_page = client.get(done["Location"]).content.decode()
    assert len(re.findall(r"<code>[0-9a-f]{8}-[0-9a-f]{8}</code>", codes_page)) == 10
    assert client.get("/o/alpha/results/").status_code == 200
    # recovery codes are stored as keyed hashes only
    stored = set(RecoveryCode.objects.filter(user=cast.owner).values_list("code_hash", flat=True))
    shown = set(re.findall(r"[0-9a-f]{8}-[0-9a-f]{8}", codes_page))
    assert not stored & shown


def test_leaders_need_codes_only_where_the_organization_asks(cast: Cast, enforced: None) -> None:
    assert not two_factor.two_factor_required(cast.leader)
    assert not two_factor.two_factor_required(cast.executive)
    assert two_factor.two_factor_required(cast.analyst)
    cast.alpha.require_two_factor = True
    cast.alpha.save()
    assert two_factor.two_factor_required(cast.leader)
    assert two_factor.two_factor_required(cast.executive)


def test_nothing_is_required_when_enforcement_is_off(cast: Cast) -> None:
    client = Client()
    _password_step(client, cast.owner)
    assert client.get("/o/alpha/results/").status_code == 200


def test_signing_in_asks_for_a_code_and_refuses_its_reuse(cast: Cast) -> None:
    _enroll(cast.owner)
    client = Client()
    step = _password_step(client, cast.owner)
    assert step["Location"] == "/accounts/login/code/"
    assert client.get("/o/alpha/results/").status_code == 302  # not signed in yet
    device = TOTPDevice.objects.get(user=cast.owner)
    code = pyotp.TOTP(_secret(cast.owner)).at((device.last_step + 1) * 30)
    # the step after the enrolment's (or the current one): accepted once
    ok = client.post("/accounts/login/code/", {"code": code})
    if ok.status_code == 200:  # the next step is not current yet: use the current code
        code = pyotp.TOTP(_secret(cast.owner)).now()
        ok = client.post("/accounts/login/code/", {"code": code})
    assert ok.status_code == 302
    assert client.get("/o/alpha/results/").status_code == 200
    again = Client()
    _password_step(again, cast.owner)
    refused = again.post("/accounts/login/code/", {"code": code})
    assert "not valid" in refused.content.decode()


def test_a_code_is_never_accepted_twice(cast: Cast) -> None:
    _enroll(cast.owner)
    later = time.time() + 120
    code = pyotp.TOTP(_secret(cast.owner)).at(later)
    assert two_factor.verify(cast.owner, code, now=later)
    assert not two_factor.verify(cast.owner, code, now=later)


def test_a_recovery_code_works_once(cast: Cast) -> None:
    codes = _enroll(cast.owner)
    assert two_factor.verify(cast.owner, codes[3].upper())
    assert not two_factor.verify(cast.owner, codes[3])
    assert two_factor.remaining_recovery_codes(cast.owner) == 9


def test_wrong_codes_lock_the_account_like_wrong_passwords(
    cast: Cast, settings: pytest.FixtureRequest
) -> None:
    settings.AXES_FAILURE_LIMIT = 3  # type: ignore[attr-defined]
    _enroll(cast.owner)
    client = Client()
    _password_step(client, cast.owner)
    statuses = [client.post("/accounts/login/code/", {"code": "000000"}).status_code for _ in "abc"]
    assert statuses[-1] == 429
    code = pyotp.TOTP(_secret(cast.owner)).now()
    assert client.post("/accounts/login/code/", {"code": code}).status_code == 429
    assert client.get("/o/alpha/results/").status_code == 302


def test_the_secret_is_sealed(cast: Cast) -> None:
    _enroll(cast.owner)
    secret = _secret(cast.owner)
    assert secret.encode() not in bytes(TOTPDevice.objects.get(user=cast.owner).sealed_secret)
