"""API fixtures: tokens for the cast, a bearer-authenticated client, and an open wave.

The closed waves come from the results fixtures (tests/web/results/conftest.py), imported
here so that pytest sees them in this directory too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from clinwell.web.accounts.models import User
from clinwell.web.api.tokens import create_token
from clinwell.web.surveys.models import Invitation, Wave
from clinwell.web.surveys.services.sealing import Channel
from tests.web.conftest import Cast
from tests.web.results.conftest import clean_wave, comment_waves, waves
from tests.web.sealed import payload, store

__all__ = ["ApiClient", "api", "clean_wave", "comment_waves", "open_wave", "token_for", "waves"]

ROLES = ["owner", "leader", "analyst", "executive"]


@pytest.fixture
def token_for(cast: Cast) -> Callable[[User], str]:
    def _token(user: User) -> str:
        return create_token(user, "tests")[1]

    return _token


class ApiClient:
    """GETs ``/api/v1/<path>`` with a bearer token (or none)."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.token = token

    def get(self, path: str, **query: Any) -> Any:
        headers = {} if self.token is None else {"Authorization": f"Bearer {self.token}"}
        return self.client.get(f"/api/v1/{path.lstrip('/')}", query, headers=headers)

    def items(self, path: str, **query: Any) -> list[Any]:
        """The ``items`` of one page of a paginated list (default page unless ``query``
        says otherwise), after checking the paginated body's shape."""
        response = self.get(path, **query)
        assert response.status_code == 200, (path, response.content)
        body = response.json()
        assert set(body) == {"items", "count"}, body
        assert isinstance(body["count"], int)
        items: list[Any] = body["items"]
        return items


@pytest.fixture(autouse=True)
def fresh_rate_limits(db: None) -> None:
    """Start every test with empty rate-limit counters.

    Ninja's throttles count in Django's default cache (a table in the database, shared by
    every process); the anonymous (401) limit is keyed by client address, the same
    127.0.0.1 for every test client, so without this the 401s of an earlier transactional
    test would count against later ones.
    """
    cache.clear()


@pytest.fixture
def api(token_for: Callable[[User], str]) -> Callable[[User], ApiClient]:
    def _api(user: User) -> ApiClient:
        return ApiClient(token_for(user))

    return _api


@pytest.fixture
def open_wave(cast: Cast) -> Wave:
    """An open wave in Alpha: 3 invitations (2 answered) and 2 responses so far."""
    now = timezone.now()
    wave = Wave.objects.create(
        organization=cast.alpha,
        name="Open wave",
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=12),
        status=Wave.Status.OPEN,
        launched_on=(now - timedelta(days=2)).date(),
    )
    for i, email in enumerate(
        ["card1@alpha.example", "card2@alpha.example", "peds1@alpha.example"]
    ):
        person = cast.person(email)
        Invitation.objects.create(
            wave=wave,
            person=person,
            token_hash=f"{i:064d}",
            unit=person.unit,
            role=person.role,
            status=Invitation.Status.RESPONDED if i < 2 else Invitation.Status.SENT,
        )
        if i < 2:
            store(wave, [payload(person.unit, role=person.role, channel=Channel.INVITED)])
    return wave
