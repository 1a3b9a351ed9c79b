"""Schemathesis over the OpenAPI schema, with a valid token, against the Django WSGI app.

Each operation is driven by hypothesis through ``operation.as_strategy()`` (the pytest
plugin's lazy-fixture loader does not run under pytest 9: it touches ``Node._nodeid``).
Two runs per operation: generated path and query values (mostly unknown organizations and
waves, so 404s and 422s), and the same with the path pinned to Alpha and its closed wave so
the 200 bodies are exercised. ``call_and_validate`` runs schemathesis' checks: no server
error, documented status code and content type, body conforming to the schema, and
authentication enforced (a request without the token must be refused).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from clinwell.web.accounts.models import User
from clinwell.web.api.v1 import api
from tests.web.conftest import Cast
from tests.web.results.conftest import Waves

FAST = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
OPERATIONS = [
    (path, method.upper())
    for path, item in api.get_openapi_schema()["paths"].items()
    for method in item
]


@pytest.fixture
def api_schema(db: None) -> Iterator[schemathesis.BaseSchema]:
    # Django's own WSGI handler with settings.MIDDLEWARE (what serves /api/ in production).
    # As Django's test client does, keep the handler from closing the test's database
    # connection at the end of each request (on PostgreSQL that would end the test's
    # transaction; SQLite's in-memory test database ignores the close).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_is_covered(api_schema: schemathesis.BaseSchema) -> None:
    loaded = {(op.ok().path, op.ok().method.upper()) for op in api_schema.get_all_operations()}
    assert loaded == set(OPERATIONS)
    assert len(OPERATIONS) == 10


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
@pytest.mark.parametrize("pinned", [False, True], ids=["generated", "alpha"])
def test_operation_conforms_to_the_schema(
    api_schema: schemathesis.BaseSchema,
    cast: Cast,
    waves: Waves,
    token_for: Callable[[User], str],
    path: str,
    method: str,
    pinned: bool,
) -> None:
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {token_for(cast.owner)}"}
    statuses: set[int] = set()

    @FAST
    @given(case=operation.as_strategy())
    def run(case: schemathesis.Case) -> None:
        if pinned and case.path_parameters:
            case.path_parameters["org_slug"] = "alpha"
            if "wave_id" in case.path_parameters:
                case.path_parameters["wave_id"] = waves.second.pk
        response = case.call_and_validate(headers=headers)
        statuses.add(response.status_code)

    run()
    assert statuses
    assert max(statuses) < 500
    # The real rate limits hold: one run sends at most max_examples requests with its (new)
    # token and two unauthenticated probes per 200 (ignored_auth), below 600/m and 120/m.
    assert 429 not in statuses
    if pinned:
        assert 200 in statuses, statuses
