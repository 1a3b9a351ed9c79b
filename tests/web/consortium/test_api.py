"""The member REST API: member tokens, field-named refusals, one's own position only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from clinwell.web.api.tokens import create_token
from clinwell.web.consortium.api import api
from clinwell.web.consortium.services.releases import release_period
from clinwell.web.consortium.tokens import revoke_member_tokens
from tests.web.consortium.conftest import PERIOD, Collaborative, synthetic

BASE = "/api/consortium/v1"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db: None) -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _call(client: Client, method: str, path: str, token: str | None, body: Any = None) -> Any:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    if method == "post":
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        return client.post(BASE + path, data, content_type="application/json", headers=headers)
    return client.get(BASE + path, headers=headers)


def test_send_a_contribution(client: Client, collaborative: Collaborative) -> None:
    member = collaborative.members[0]
    token = collaborative.tokens[member.slug]
    body = synthetic().contributions[0].dumps()
    response = _call(client, "post", "/contributions", token, body)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["member"], answer["period"]) == (member.slug, PERIOD)
    again = _call(client, "post", "/contributions", token, body)
    assert again.status_code == 422
    assert any("already contributed for 2026-H1" in d for d in again.json()["detail"])
    mine = _call(client, "get", "/contributions", token).json()
    assert [c["period"] for c in mine] == [PERIOD]


def test_refusals_name_the_field_and_store_nothing(
    client: Client, collaborative: Collaborative
) -> None:
    token = collaborative.tokens[collaborative.members[0].slug]
    document = synthetic().contributions[0].to_json()
    document["cells"][3]["sd"] = -1
    document["impacts"] = [{"id": "p"}]
    response = _call(client, "post", "/contributions", token, document)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "cells[3].sd: -1 must be at least 0" in detail
    assert any(d.startswith("impacts[0].interventions") for d in detail)
    assert _call(client, "post", "/contributions", token, b"{oops").status_code == 422
    assert collaborative.contributions().count() == 0


def test_an_oversized_body_is_refused(
    client: Client, collaborative: Collaborative, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    token = collaborative.tokens[collaborative.members[0].slug]
    response = _call(client, "post", "/contributions", token, synthetic().contributions[0].dumps())
    assert response.status_code == 413
    assert collaborative.contributions().count() == 0


def test_tokens_are_checked(client: Client, collaborative: Collaborative) -> None:
    member = collaborative.members[0]
    body = synthetic().contributions[0].dumps()
    assert _call(client, "post", "/contributions", None, body).status_code == 401
    assert _call(client, "post", "/contributions", "cwm_guess", body).status_code == 401
    personal = create_token(collaborative.staff, "tests")[1]  # a person's token opens nothing
    assert _call(client, "post", "/contributions", personal, body).status_code == 401
    revoke_member_tokens(member)
    assert (
        _call(client, "post", "/contributions", collaborative.tokens[member.slug], body).status_code
        == 401
    )


def test_the_position_holds_only_the_callers_own_values(
    client: Client, contributed: Collaborative
) -> None:
    a, b = contributed.members[0], contributed.members[1]
    cells = _call(client, "get", f"/position/{PERIOD}", contributed.tokens[a.slug]).json()
    assert cells
    own = {(x.measure, x.role, x.specialty): x.estimate for x in synthetic().contributions[0].cells}
    for cell in cells:
        assert cell["value"] == own[(cell["measure"], cell["role"], cell["specialty"])]
        assert set(cell) >= {"percentile_rank", "pooled", "percentiles"}
    other = _call(client, "get", f"/position/{PERIOD}", contributed.tokens[b.slug]).json()
    assert [c["value"] for c in other] != [c["value"] for c in cells]
    assert _call(client, "get", "/position/1999", contributed.tokens[a.slug]).status_code == 404


def test_evidence_and_public_report(client: Client, contributed: Collaborative) -> None:
    token = contributed.tokens[contributed.members[0].slug]
    evidence = _call(client, "get", "/evidence", token).json()
    assert evidence["schema"] == "clinwell.consortium.evidence"
    release = release_period(contributed.consortium, PERIOD)
    report = _call(client, "get", f"/consortia/test-collab/reports/{release.number}", None)
    assert report.status_code == 200
    assert report.json()["epsilon"] == pytest.approx(1.0)
    assert _call(client, "get", "/consortia/test-collab/reports/9", None).status_code == 404


FAST = settings(
    max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None
)
OPERATIONS = [
    (path, method.upper())
    for path, item in api.get_openapi_schema()["paths"].items()
    for method in item
]


@pytest.fixture
def api_schema(db: None) -> Iterator[schemathesis.BaseSchema]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(f"{BASE}/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_operation_conforms_to_the_schema(
    api_schema: schemathesis.BaseSchema, contributed: Collaborative, path: str, method: str
) -> None:
    """Schemathesis: no server error, documented statuses, bodies match the schema.

    The contribution's JSON Schema is structural only (measure ranges, whole counts, known
    measures and interventions are checked by the validator), so a schema-valid body may be
    refused with 422: the "positive data accepted" check does not apply to it.
    """
    operation = api_schema[path][method]
    token = contributed.tokens[contributed.members[0].slug]
    statuses: set[int] = set()

    @FAST
    @given(case=operation.as_strategy())
    def run(case: schemathesis.Case) -> None:
        if "period" in case.path_parameters:
            case.path_parameters["period"] = PERIOD
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            excluded_checks=[positive_data_acceptance],
        )
        statuses.add(response.status_code)

    run()
    assert statuses
    assert max(statuses) < 500
