"""The OpenAPI schema and the interactive docs are served locally (no CDN, no token)."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from django.test import Client

REMOTE = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


def test_the_schema_is_public_and_versioned(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["version"] == "1"
    assert schema["components"]["securitySchemes"] == {
        "BearerToken": {"type": "http", "scheme": "bearer"}
    }
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    for path, item in schema["paths"].items():
        for operation in item.values():
            assert operation["security"] == [{"BearerToken": []}], path
            assert {"200", "401", "404", "429"} <= set(operation["responses"]), path


def test_the_docs_page_loads_only_local_assets(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not REMOTE.search(html)
    assets = re.findall(r"""(?:src|href)="(/static/[^"]+)\"""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
        assert client.get(asset).status_code == 200, asset
    assert '"validatorUrl": null' in html  # no badge fetched from validator.swagger.io
