"""Headers on every response (Content-Security-Policy, no-store) and NUL characters refused."""

from __future__ import annotations

import pytest
from django.test import Client

from clinwell.web.security import CONTENT_SECURITY_POLICY
from tests.web.conftest import Cast
from tests.web.surveys.conftest import make_wave, token_for

pytestmark = pytest.mark.django_db


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_every_kind_of_response_carries_the_policy(cast: Cast, client: Client) -> None:
    wave = make_wave(cast)
    client.force_login(cast.owner)
    pages = {
        "page": client.get("/o/alpha/"),
        "not found": client.get("/o/alpha/nowhere/"),
        "partial": client.get(f"/o/alpha/surveys/{wave.pk}/monitor/"),
        "api": client.get("/api/v1/orgs"),
        "survey": Client().get(f"/s/{token_for(wave, 'card1@alpha.example')}/"),
        "static": client.get("/static/clinwell/app.css"),
    }
    for what, response in pages.items():
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, what
    for what in ("page", "not found", "partial", "api", "survey"):
        assert pages[what]["Cache-Control"] == "no-store", what
    assert "no-store" not in pages["static"].get("Cache-Control", "")


def test_no_template_has_inline_script_or_style() -> None:
    from pathlib import Path

    import clinwell.web

    root = Path(clinwell.web.__file__).parent
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        assert " style=" not in text, template
        assert " on" + "click=" not in text, template
        for tag in text.split("<script")[1:]:
            head = tag.split(">", 1)[0]
            assert "src=" in head or 'type="application/json"' in head, template


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/o/alpha/roster/", {"q": "a\x00b"}),
        ("post", "/o/alpha/settings/", {"state": "M\x00A"}),
        ("get", "/api/v1/orgs/alpha/knowledge/resources", {"q": "\x00"}),
    ],
)
def test_a_nul_character_is_a_400_that_says_so(
    cast: Cast, client: Client, method: str, path: str, data: dict[str, str]
) -> None:
    client.force_login(cast.owner)
    before = cast.alpha.state
    response = getattr(client, method)(path, data)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    cast.alpha.refresh_from_db()
    assert cast.alpha.state == before


def test_a_nul_in_a_survey_comment_is_dropped_and_the_answers_kept(cast: Cast) -> None:
    from tests.web.sealed import opened

    wave = make_wave(cast)
    page = Client().post(
        f"/s/{token_for(wave, 'card1@alpha.example')}/",
        {"q:single_item_burnout.1": "3", "comment": "More\x00 staff\x1b"},
    )
    assert "your answers are recorded" in page.content.decode()
    (response,) = opened(wave)
    assert response.comment == "More staff"
    assert response.answers["single_item_burnout"]["single_item_burnout.1"] == 3
