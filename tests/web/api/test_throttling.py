"""Rate limits: Ninja's throttles on the api object (per token) and on 401s (per address).

The real rates are checked as configured; the behaviour is tested with the shared throttle
objects' ``num_requests`` lowered (and their clock moved) through ``monkeypatch``, so no
test sends hundreds of requests or waits a minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.api.v1 import api as ninja_api
from clinwell.web.throttles import (
    ANON_THROTTLE,
    TOKEN_THROTTLE,
    TokenRateThrottle,
)
from tests.web.api.conftest import ApiClient
from tests.web.conftest import Cast


def assert_throttled(response: object) -> int:
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/json; charset=utf-8"  # type: ignore[index]
    detail = response.json()["detail"]  # type: ignore[attr-defined]
    assert detail.startswith("Too many requests: rate limit exceeded.")
    retry_after = int(response["Retry-After"])  # type: ignore[index]
    assert 1 <= retry_after <= 60
    assert f"Retry in {retry_after} seconds" in detail
    return retry_after


def test_the_configured_limits() -> None:
    assert ninja_api.throttle == [TOKEN_THROTTLE]
    assert isinstance(TOKEN_THROTTLE, TokenRateThrottle)
    assert (TOKEN_THROTTLE.num_requests, TOKEN_THROTTLE.duration) == (600, 60)
    assert (ANON_THROTTLE.num_requests, ANON_THROTTLE.duration) == (120, 60)
    # Counted in Django's default cache: the database, which every server process shares.
    assert TOKEN_THROTTLE.cache is cache
    assert ANON_THROTTLE.cache is cache
    assert isinstance(caches["default"], DatabaseCache)


def test_a_token_over_its_limit_gets_429(
    cast: Cast, token_for: Callable[[User], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TOKEN_THROTTLE, "num_requests", 3)
    first, second = ApiClient(token_for(cast.owner)), ApiClient(token_for(cast.owner))
    assert first.get("orgs").status_code == 200
    assert first.get("orgs/alpha").status_code == 200
    assert first.get("orgs/alpha/units").status_code == 200
    # One budget per token, across every endpoint.
    assert_throttled(first.get("orgs"))
    assert_throttled(first.get("orgs/alpha/waves"))
    # Another token (even of the same user) has its own budget.
    assert second.get("orgs").status_code == 200
    assert ApiClient(token_for(cast.analyst)).get("orgs").status_code == 200
    # Once the window has passed, the token is admitted again.
    later = time.time() + 61
    monkeypatch.setattr(TOKEN_THROTTLE, "timer", lambda: later)
    assert first.get("orgs").status_code == 200


def test_retry_after_is_the_time_until_the_oldest_request_expires(
    cast: Cast, token_for: Callable[[User], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TOKEN_THROTTLE, "num_requests", 1)
    now = [1_000_000.0]
    monkeypatch.setattr(TOKEN_THROTTLE, "timer", lambda: now[0])
    client = ApiClient(token_for(cast.executive))
    assert client.get("orgs").status_code == 200
    now[0] += 45
    assert assert_throttled(client.get("orgs")) == 15


def test_unauthenticated_requests_over_the_limit_get_429(
    cast: Cast, token_for: Callable[[User], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ANON_THROTTLE, "num_requests", 2)
    assert ApiClient(None).get("orgs").status_code == 401
    assert ApiClient("cw_not-a-token").get("orgs/alpha").status_code == 401
    assert_throttled(ApiClient(None).get("orgs"))
    assert_throttled(Client().get("/api/v1/orgs", headers={"Authorization": "Token x"}))
    # Another address has its own budget; valid tokens do not use this one.
    other = Client(REMOTE_ADDR="192.0.2.7").get("/api/v1/orgs")
    assert other.status_code == 401
    assert ApiClient(token_for(cast.owner)).get("orgs").status_code == 200


def test_the_schema_and_docs_are_not_throttled(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TOKEN_THROTTLE, "num_requests", 1)
    monkeypatch.setattr(ANON_THROTTLE, "num_requests", 1)
    for _ in range(3):
        assert client.get("/api/v1/openapi.json").status_code == 200
        assert client.get("/api/v1/docs").status_code == 200


def test_counts_are_kept_in_the_shared_table(cast: Cast, token_for: Callable[[User], str]) -> None:
    ApiClient(token_for(cast.owner)).get("orgs")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM clinwell_cache")
        (stored,) = cursor.fetchone()
    assert stored >= 1


def test_a_forged_forwarded_for_header_gets_no_fresh_budget(
    client: Client, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    """Without trusted proxies, X-Forwarded-For is ignored: a client cannot claim a new
    address per request. Behind one trusted proxy, the address it saw counts."""
    monkeypatch.setattr(ANON_THROTTLE, "num_requests", 2)
    for number in range(2):
        response = client.get("/api/v1/orgs", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
        assert response.status_code == 401
    assert_throttled(client.get("/api/v1/orgs", HTTP_X_FORWARDED_FOR="10.0.0.99"))
    settings.TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]
    cache.clear()
    for number in range(3):  # each as seen by our proxy: separate budgets
        response = client.get("/api/v1/orgs", HTTP_X_FORWARDED_FOR=f"10.0.1.{number}")
        assert response.status_code == 401
