"""Limit/offset pagination of the list endpoints (Django Ninja's LimitOffsetPagination).

Pages are slices of the same tenant-scoped, ordered list the endpoint computed before it
was paginated: paging never shows another tenant's or another subtree's items, and walking
every page gives back the whole list in its order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from clinwell.knowledge import find_resources
from clinwell.web.accounts.models import User
from clinwell.web.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from clinwell.web.surveys.models import Wave
from tests.web.api.conftest import ApiClient
from tests.web.conftest import Cast
from tests.web.results.conftest import Waves

Api = Callable[[User], ApiClient]

PAGINATED = {
    "/api/v1/orgs",
    "/api/v1/orgs/{org_slug}/units",
    "/api/v1/orgs/{org_slug}/waves",
    "/api/v1/orgs/{org_slug}/waves/{wave_id}/comments",
    "/api/v1/orgs/{org_slug}/knowledge/interventions",
    "/api/v1/orgs/{org_slug}/knowledge/resources",
}


def page(client: ApiClient, path: str, **query: Any) -> dict[str, Any]:
    response = client.get(path, **query)
    assert response.status_code == 200, (path, response.content)
    body: dict[str, Any] = response.json()
    assert set(body) == {"items", "count"}
    return body


def walk(client: ApiClient, path: str, limit: int, **query: Any) -> tuple[list[Any], set[int]]:
    """Every item, page by page, and the counts the pages reported."""
    items: list[Any] = []
    counts: set[int] = set()
    offset = 0
    while True:
        body = page(client, path, limit=limit, offset=offset, **query)
        counts.add(body["count"])
        assert len(body["items"]) <= limit
        items += body["items"]
        if len(body["items"]) < limit:
            return items, counts
        offset += limit


def test_list_operations_take_limit_and_offset(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        operation = item["get"]
        query = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
        if path in PAGINATED:
            assert query["limit"]["schema"]["default"] == DEFAULT_LIMIT, path
            assert query["limit"]["schema"]["minimum"] == 1, path
            assert query["offset"]["schema"] == {
                "default": 0,
                "description": "Number of items to skip (default 0).",
                "minimum": 0,
                "title": "Offset",
                "type": "integer",
            }
            name = ok["$ref"].rsplit("/", 1)[1]
            assert name.startswith("Paged"), path
            paged = schema["components"]["schemas"][name]
            assert paged["required"] == ["items", "count"]
        else:
            assert "limit" not in query, path
            assert "offset" not in query, path
    assert set(schema["paths"]) > PAGINATED


def test_the_default_page_holds_the_whole_short_list(cast: Cast, api: Api) -> None:
    body = page(api(cast.owner), "orgs/alpha/units")
    names = sorted(cast.alpha.units.values_list("full_name", flat=True))  # type: ignore[attr-defined]
    assert [u["full_name"] for u in body["items"]] == names
    assert body["count"] == len(names)
    assert len(names) < DEFAULT_LIMIT


def test_limit_and_offset_slice_the_same_list(cast: Cast, api: Api) -> None:
    client = api(cast.owner)
    whole = page(client, "orgs/alpha/units")
    body = page(client, "orgs/alpha/units", limit=2, offset=1)
    assert body["items"] == whole["items"][1:3]
    assert body["count"] == whole["count"]
    items, counts = walk(client, "orgs/alpha/units", limit=2)
    assert items == whole["items"]
    assert counts == {whole["count"]}
    past_the_end = page(client, "orgs/alpha/units", offset=whole["count"] + 5)
    assert past_the_end == {"items": [], "count": whole["count"]}


def test_a_limit_above_the_maximum_is_clamped(cast: Cast, api: Api) -> None:
    start = timezone.now() + timedelta(days=30)
    Wave.objects.bulk_create(
        Wave(
            organization=cast.alpha,
            name=f"Draft {i:04d}",
            opens_at=start + timedelta(hours=i),
            closes_at=start + timedelta(days=60),
        )
        for i in range(MAX_LIMIT + 1)
    )
    client = api(cast.owner)
    body = page(client, "orgs/alpha/waves", limit=MAX_LIMIT * 5)
    assert len(body["items"]) == MAX_LIMIT
    assert body["count"] == MAX_LIMIT + 1
    assert body["items"][0]["name"] == f"Draft {MAX_LIMIT:04d}"  # newest first
    rest = page(client, "orgs/alpha/waves", limit=MAX_LIMIT, offset=MAX_LIMIT)
    assert [w["name"] for w in rest["items"]] == ["Draft 0000"]
    default = page(client, "orgs/alpha/waves")
    assert default["items"] == body["items"][:DEFAULT_LIMIT]


@pytest.mark.parametrize(
    ("query", "field"),
    [({"limit": 0}, "limit"), ({"limit": -5}, "limit"), ({"offset": -1}, "offset")],
)
def test_a_limit_below_one_or_a_negative_offset_is_422(
    cast: Cast, api: Api, query: dict[str, int], field: str
) -> None:
    response = api(cast.owner).get("orgs/alpha/units", **query)
    assert response.status_code == 422
    assert field in str(response.json()["detail"])


def test_a_leader_pages_through_their_subtree_only(
    cast: Cast, waves: Waves, open_wave: Wave, api: Api
) -> None:
    client = api(cast.leader)
    first = page(client, "orgs/alpha/units", limit=1)
    second = page(client, "orgs/alpha/units", limit=1, offset=1)
    assert page(client, "orgs/alpha/units", limit=1, offset=2) == {"items": [], "count": 2}
    assert first["count"] == second["count"] == 2
    [medicine], [cardiology] = first["items"], second["items"]
    assert medicine["full_name"] == "Alpha Health/Site A/Medicine"
    assert medicine["parent_id"] is None  # Site A is outside the leader's subtree
    assert cardiology["full_name"] == "Alpha Health/Site A/Medicine/Cardiology"
    assert cardiology["parent_id"] == medicine["id"]  # parent on another page
    listed, counts = walk(client, "orgs/alpha/waves", limit=1)
    assert [w["name"] for w in listed] == ["Spring 2026", "Autumn 2025"]  # closed only
    assert counts == {2}


def test_organizations_page_by_name(cast: Cast, api: Api) -> None:
    from clinwell.web.orgs.services.organizations import grant_membership

    grant_membership(cast.analyst, cast.beta, "executive")
    client = api(cast.analyst)
    assert page(client, "orgs", limit=1)["items"][0]["slug"] == "alpha"
    assert page(client, "orgs", limit=1, offset=1) == {
        "items": [client.items("orgs")[1]],
        "count": 2,
    }
    assert [o["slug"] for o in walk(client, "orgs", limit=1)[0]] == ["alpha", "beta"]


def test_comments_page_by_cell(cast: Cast, waves: Waves, api: Api) -> None:
    client = api(cast.owner)
    path = f"orgs/alpha/waves/{waves.second.pk}/comments"
    whole = page(client, path)
    assert whole["count"] == len(whole["items"]) > 2
    items, counts = walk(client, path, limit=2)
    assert items == whole["items"]
    assert counts == {whole["count"]}


def test_knowledge_pages_keep_the_filters(cast: Cast, api: Api) -> None:
    client = api(cast.analyst)
    expected = [r.id for r in find_resources(state="MA")]
    body = page(client, "orgs/alpha/knowledge/resources", limit=3, offset=3)
    assert [r["id"] for r in body["items"]] == expected[3:6]
    assert body["count"] == len(expected)
    tx = page(client, "orgs/alpha/knowledge/resources", state="TX", limit=1)
    assert tx["count"] == len(find_resources(state="TX"))
    items, _ = walk(client, "orgs/alpha/knowledge/interventions", limit=7)
    whole = client.items("orgs/alpha/knowledge/interventions")
    assert items == whole


def test_results_are_one_body_not_paginated(cast: Cast, waves: Waves, api: Api) -> None:
    client = api(cast.analyst)
    path = f"orgs/alpha/waves/{waves.second.pk}/results"
    whole = client.get(path).json()
    assert set(whole) == {"wave", "measures", "cells"}
    assert len(whole["cells"]) > 1
    assert client.get(path, limit=1).json() == whole  # unknown query parameters are ignored
