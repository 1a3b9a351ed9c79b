"""The knowledge catalog through the API agrees with clinwell.knowledge and the web rules."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from clinwell.knowledge import burnout_levels, find_interventions, find_resources
from clinwell.web.accounts.models import User
from tests.web.api.conftest import ROLES, ApiClient
from tests.web.conftest import Cast

Api = Callable[[User], ApiClient]


@pytest.mark.parametrize("role", ROLES)
def test_every_member_lists_interventions(cast: Cast, api: Api, role: str) -> None:
    body = api(getattr(cast, role)).items("orgs/alpha/knowledge/interventions")
    assert [i["id"] for i in body] == [i.id for i in find_interventions()]
    first = body[0]
    assert first["sources"]
    assert {"level", "primary_drivers", "evidence", "effort", "cost"} <= set(first)


def test_interventions_filter_by_level(cast: Cast, api: Api) -> None:
    level = find_interventions()[0].level
    body = api(cast.owner).items("orgs/alpha/knowledge/interventions", level=level)
    assert body
    assert [i["id"] for i in body] == [i.id for i in find_interventions(level=level)]
    assert {i["level"] for i in body} == {level}


def test_an_unknown_filter_is_a_422_naming_it(cast: Cast, api: Api) -> None:
    response = api(cast.owner).get("orgs/alpha/knowledge/interventions", level="nonsense")
    assert response.status_code == 422
    assert "unknown level 'nonsense'" in str(response.json()["detail"])
    response = api(cast.owner).get("orgs/alpha/knowledge/resources", state="ZZ")
    assert response.status_code == 422
    assert "unknown state 'ZZ'" in str(response.json()["detail"])


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("interventions", "level"),
        ("interventions", "driver"),
        ("interventions", "domain"),
        ("interventions", "measure"),
        ("resources", "kind"),
        ("resources", "state"),
    ],
)
def test_an_empty_filter_is_a_422_not_every_item(
    cast: Cast, api: Api, path: str, parameter: str
) -> None:
    response = api(cast.owner).get(f"orgs/alpha/knowledge/{path}", **{parameter: ""})
    assert response.status_code == 422
    assert f"empty {parameter}" in str(response.json()["detail"])


def test_filter_keys_are_listed_in_the_schema(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    params = schema["paths"]["/api/v1/orgs/{org_slug}/knowledge/interventions"]["get"]
    level = next(p for p in params["parameters"] if p["name"] == "level")
    assert level["schema"]["enum"] == sorted(burnout_levels().ids)
    assert {i.level for i in find_interventions()} <= set(level["schema"]["enum"])


def test_resources_default_to_the_organizations_state(cast: Cast, api: Api) -> None:
    alpha = api(cast.analyst).items("orgs/alpha/knowledge/resources")
    assert [r["id"] for r in alpha] == [r.id for r in find_resources(state="MA")]
    assert {r["scope"] for r in alpha} <= {"national", "MA"}
    beta = api(cast.outsider).items("orgs/beta/knowledge/resources")
    assert {r["scope"] for r in beta} <= {"national", "MN"}
    assert "MN" in {r["scope"] for r in beta}


def test_resources_by_state_and_kind(cast: Cast, api: Api) -> None:
    body = api(cast.leader).items(
        "orgs/alpha/knowledge/resources", state="tx", kind="physician_health_program"
    )
    assert [r["scope"] for r in body] == ["TX"]
    assert body[0]["kind"] == "physician_health_program"


def test_a_filter_matching_exactly_two_interventions(cast: Cast, api: Api) -> None:
    # Regression: ninja reads a returned 2-tuple as (status, body); found by schemathesis.
    vocab_keys = {i_driver for i in find_interventions() for i_driver in i.drivers}
    driver = next(d for d in sorted(vocab_keys) if len(find_interventions(driver=d)) == 2)
    response = api(cast.owner).get("orgs/alpha/knowledge/interventions", driver=driver)
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == [
        i.id for i in find_interventions(driver=driver)
    ]
