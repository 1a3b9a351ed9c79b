"""Published results through the API are the web's gate release, cell for cell.

The reference is the web's CSV export of the same wave for the same user: the same cells,
the same suppressed cells, the same numbers; and a suppressed cell carries no number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.results.services.cache import results_for
from clinwell.web.surveys.models import Wave
from tests.web.api.conftest import ROLES, ApiClient
from tests.web.conftest import Cast
from tests.web.results.conftest import Waves

Api = Callable[[User], ApiClient]


def web_csv(login: Callable[[User], Client], user: User, wave: Wave) -> list[dict[str, str]]:
    response = login(user).get(f"/o/{wave.organization.slug}/results/export.csv?wave={wave.pk}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def api_results(api: Api, user: User, wave: Wave) -> dict[str, Any]:
    response = api(user).get(f"orgs/{wave.organization.slug}/waves/{wave.pk}/results")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def key(unit_id: int | None) -> str:
    return "" if unit_id is None else str(unit_id)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["first", "second"])
def test_suppressed_cells_equal_the_csv_export(
    cast: Cast, waves: Waves, api: Api, login: Callable[[User], Client], role: str, which: str
) -> None:
    user, wave = getattr(cast, role), getattr(waves, which)
    rows = web_csv(login, user, wave)
    body = api_results(api, user, wave)
    assert [key(c["unit_id"]) for c in body["cells"]] == [r["unit_id"] for r in rows]
    web_suppressed = {r["unit_id"] for r in rows if r["suppressed"] == "true"}
    api_suppressed = {key(c["unit_id"]) for c in body["cells"] if c["suppressed"]}
    assert api_suppressed == web_suppressed
    assert web_suppressed  # Surgery (3 respondents) and its complement are hidden


@pytest.mark.parametrize("role", ROLES)
def test_published_numbers_equal_the_csv_export(
    cast: Cast, waves: Waves, api: Api, login: Callable[[User], Client], role: str
) -> None:
    user = getattr(cast, role)
    rows = {r["unit_id"]: r for r in web_csv(login, user, waves.second)}
    body = api_results(api, user, waves.second)
    columns = [m["column"] for m in body["measures"]]
    compared = 0
    for cell in body["cells"]:
        row = rows[key(cell["unit_id"])]
        assert row["n"] == ("" if cell["n"] is None else str(cell["n"]))
        assert row["unit"] == cell["unit"]
        for column in columns:
            est = cell["estimates"].get(column)
            for part in ("estimate", "lower", "upper"):
                value = None if not est else est[part]
                expected = row[f"{column}_{part}"]
                assert ("" if value is None else repr(float(value))) == expected
                compared += value is not None
    assert compared > 0


@pytest.mark.parametrize("role", ROLES)
def test_suppressed_cells_carry_no_numbers(cast: Cast, waves: Waves, api: Api, role: str) -> None:
    for wave in (waves.first, waves.second):
        for cell in api_results(api, getattr(cast, role), wave)["cells"]:
            if cell["suppressed"]:
                assert cell["n"] is None
                assert cell["estimates"] == {}
            else:
                assert isinstance(cell["n"], int)
                assert cell["n"] >= wave.min_n_scores


def test_the_small_unit_is_suppressed(cast: Cast, waves: Waves, api: Api) -> None:
    surgery = cast.unit(cast.alpha, "Alpha Health/Site A/Surgery")
    cells = {c["unit_id"]: c for c in api_results(api, cast.owner, waves.second)["cells"]}
    assert cells[surgery.pk]["suppressed"] is True
    assert cells[None]["unit"] == "Alpha Health"
    assert cells[None]["n"] == 8 + 30 + 3 + 520


def test_a_leader_gets_their_subtree_only(cast: Cast, waves: Waves, api: Api) -> None:
    cells = api_results(api, cast.leader, waves.second)["cells"]
    assert [c["unit"] for c in cells] == [
        "Alpha Health/Site A/Medicine",
        "Alpha Health/Site A/Medicine/Cardiology",
    ]
    assert all(c["unit_id"] is not None for c in cells)  # no organization row


def test_org_wide_roles_get_every_cell(cast: Cast, waves: Waves, api: Api) -> None:
    units = set(cast.alpha.units.values_list("pk", flat=True))  # type: ignore[attr-defined]
    cells = api_results(api, cast.analyst, waves.second)["cells"]
    assert {c["unit_id"] for c in cells} == units | {None}


def test_measures_describe_every_estimate(cast: Cast, waves: Waves, api: Api) -> None:
    body = api_results(api, cast.executive, waves.second)
    columns = {m["column"] for m in body["measures"]}
    assert any(m["kpi"] == "burnout" for m in body["measures"])
    for cell in body["cells"]:
        assert set(cell["estimates"]) <= columns
    assert body["wave"]["id"] == waves.second.pk
    assert body["wave"]["status"] == "closed"


def test_comments_are_the_gates_release(cast: Cast, clean_wave: Wave, api: Api) -> None:
    response = api(cast.owner).get(f"orgs/alpha/waves/{clean_wave.pk}/comments")
    assert response.status_code == 200
    cells = {c["unit_id"]: c for c in response.json()["items"]}
    released = {c.unit_id: c for c in results_for(clean_wave).cells(None)}
    assert set(cells) == set(released)
    for unit_id, cell in cells.items():
        gate = released[unit_id]
        expected = {} if gate.suppressed or not gate.comments else gate.comments
        assert {g["question"]: g["texts"] for g in cell["groups"]} == expected
    peds = cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics")
    surgery = cast.unit(cast.alpha, "Alpha Health/Site A/Surgery")
    peds_texts = {t for g in cells[peds.pk]["groups"] for t in g["texts"] or []}
    assert peds_texts == {f"Pediatrics note {i}" for i in range(12)}
    # Surgery's scores are published (7 >= 5) but its comments are not (7 < 10).
    assert cells[surgery.pk]["suppressed"] is False
    assert all(g["texts"] is None for g in cells[surgery.pk]["groups"])


def test_web_comments_page_agrees(
    cast: Cast, waves: Waves, api: Api, login: Callable[[User], Client]
) -> None:
    peds = cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics")
    page = login(cast.owner).get(
        f"/o/alpha/results/comments/?wave={waves.second.pk}&unit={peds.pk}"
    )
    body = api(cast.owner).items(f"orgs/alpha/waves/{waves.second.pk}/comments")
    texts = [t for c in body if c["unit_id"] == peds.pk for g in c["groups"] for t in g["texts"]]
    html = page.content.decode()
    assert texts
    assert all(t in html for t in texts)


@pytest.mark.parametrize(
    "cut", ["role=nurse", "role=physician", "tenure=1to5", "role=nurse&tenure=1to5"]
)
@pytest.mark.parametrize("role", ["owner", "leader"])
def test_a_cut_through_the_api_equals_the_csv_export(
    cast: Cast, api: Api, login: Callable[[User], Client], role: str, cut: str
) -> None:
    from tests.web.results.conftest import build_role_wave

    user, wave = getattr(cast, role), build_role_wave(cast)
    response = login(user).get(f"/o/alpha/results/export.csv?wave={wave.pk}&{cut}")
    rows = {r["unit_id"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    reply = api(user).get(f"orgs/alpha/waves/{wave.pk}/results?{cut}")
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert [key(c["unit_id"]) for c in body["cells"]] == list(rows)
    wanted = dict(part.split("=") for part in cut.split("&"))
    compared = 0
    for cell in body["cells"]:
        row = rows[key(cell["unit_id"])]
        assert cell["group"] == wanted
        assert (row["suppressed"] == "true") == cell["suppressed"]
        assert row["hidden_reason"] == (cell["hidden_reason"] or "")
        assert row["n"] == ("" if cell["n"] is None else str(cell["n"]))
        for column, est in cell["estimates"].items():
            value = None if not est else est["estimate"]
            assert ("" if value is None else repr(float(value))) == row[f"{column}_estimate"]
            compared += value is not None
    # Inside the leader's Medicine every cut is hidden: Cardiology's 2 nurses, Medicine's
    # nurses (they would give away Surgery's 3), and with them each unit's physicians.
    assert compared > 0 or role == "leader"


def test_two_attributes_or_an_unknown_value_are_404(cast: Cast, api: Api) -> None:
    from tests.web.results.conftest import build_role_wave

    wave = build_role_wave(cast)
    for query in ("role=wizard", "tenure=forever"):
        reply = api(cast.owner).get(f"orgs/alpha/waves/{wave.pk}/results?{query}")
        assert reply.status_code == 404, query
