"""Drivers inside a cut: a published group large enough gets its own analysis, on exactly its
own respondents; a published group too small (or below the levels where groups are analysed,
``GROUP_DEPTH``) gets its unit's (or the organization's) importance with its own scores,
labelled so; a hidden group never gets an analysis."""

from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np
import pytest
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.catalog import MeasureInfo
from clinwell.web.results.services.drivers import GROUP_DEPTH, MIN_ANSWERED, analyse
from clinwell.web.surveys.models import Wave
from tests.web.conftest import Cast
from tests.web.results.conftest import add_responses, closed_wave
from tests.web.sealed import opened

SITE_B = "Alpha Health/Site B"  # depth 2: its only unit is Pediatrics
PEDS = "Alpha Health/Site B/Pediatrics"  # depth 3: below GROUP_DEPTH
CARDIO = "Alpha Health/Site A/Medicine/Cardiology"
# Physicians and nurses per unit: Site B's (Pediatrics') physicians are large enough for their
# own analysis, its 30 nurses are published but too small, Cardiology's 3 nurses are hidden.
SIZES = {
    "Alpha Health/Site A/Medicine": (10, 6),
    CARDIO: (25, 3),
    "Alpha Health/Site A/Surgery": (12, 7),
    PEDS: (420, 30),
}


@pytest.fixture
def wave(cast: Cast) -> Wave:
    wave = closed_wave(cast.alpha, "Cut drivers wave", 4)
    for i, (path, (physicians, nurses)) in enumerate(SIZES.items()):
        unit = cast.unit(cast.alpha, path)
        add_responses(wave, unit, physicians, 300 + i, role="physician")
        add_responses(wave, unit, nurses, 350 + i, role="nurse", shift=0.4)
    return wave


def _body(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _raw_analysis(wave: Wave, unit_ids: set[int], role: str) -> dict[str, object]:
    """The analysis recomputed from the sealed responses of exactly the group."""
    res = results_for(wave)
    outcome = next(m for m in res.measures if m.kpi == "burnout" and m.headline == "kpi")
    payloads = opened(wave)

    def column(name: str, rows: list[object]) -> np.ndarray:
        return np.array(
            [np.nan if p.scores.get(name) is None else float(p.scores[name]) for p in rows]  # type: ignore[attr-defined]
        )

    drivers: list[MeasureInfo] = [
        m
        for m in res.measures
        if m.driver and np.mean(~np.isnan(column(m.column, payloads))) >= MIN_ANSWERED
    ]
    rows = [p for p in payloads if p.unit_id in unit_ids and p.role == role]
    x = np.column_stack([column(d.column, rows) for d in drivers])
    return analyse(x, column(outcome.column, rows), drivers)


def test_a_large_group_gets_its_own_analysis_on_exactly_its_respondents(
    cast: Cast, wave: Wave, login: Callable[[User], Client]
) -> None:
    site_b, peds = cast.unit(cast.alpha, SITE_B), cast.unit(cast.alpha, PEDS)
    res = results_for(wave)
    own = res.cell(site_b.pk, "role=physician").drivers
    assert own is not None
    assert "drivers" in own
    expected = _raw_analysis(wave, {site_b.pk, peds.pk}, "physician")
    assert [d["column"] for d in own["drivers"]] == [d["column"] for d in expected["drivers"]]  # type: ignore[index]
    assert [d["share"] for d in own["drivers"]] == [d["share"] for d in expected["drivers"]]  # type: ignore[index]
    everyone = res.cell(site_b.pk).drivers
    assert [d["share"] for d in own["drivers"]] != [d["share"] for d in everyone["drivers"]]
    organization = res.cell(None, "role=physician").drivers
    assert organization is not None
    assert "drivers" in organization

    body = _body(
        login(cast.owner),
        f"/o/alpha/results/drivers/?wave={wave.pk}&unit={site_b.pk}&role=physician",
    )
    assert "This is the driver analysis of <strong>Physician in Site B</strong> alone" in body
    assert "Importance from" not in body
    top = own["drivers"][0]
    row = body.split(f'<th scope="row">{top["label"]}</th>')[1].split("</tr>")[0]
    assert f"{100 * top['share']:.0f}%" in row
    assert "Showing <strong>Physician</strong> in Site B" in body
    # a physicians-only group is compared with the national physician figures
    assert "a mixed group is never compared" not in body


def test_a_small_group_gets_its_units_importance_with_its_own_scores(
    cast: Cast, wave: Wave, login: Callable[[User], Client]
) -> None:
    site_b = cast.unit(cast.alpha, SITE_B)
    res = results_for(wave)
    nurses = res.cell(site_b.pk, "role=nurse")
    assert not nurses.suppressed
    assert "unavailable" in nurses.drivers  # published, but too small for its own analysis
    unit_share = res.cell(site_b.pk).drivers["drivers"][0]

    client = login(cast.owner)
    body = _body(client, f"/o/alpha/results/drivers/?wave={wave.pk}&unit={site_b.pk}&role=nurse")
    assert "Importance from the analysis of everyone in Site B" in body
    assert "Nurse in Site B is too small for a driver analysis of its own" in body
    assert "the scores are <strong>Nurse in Site B's own</strong>" in body
    assert "Importance (everyone in Site B)" in body
    row = body.split(f'<th scope="row">{unit_share["label"]}</th>')[1].split("</tr>")[0]
    assert f"{100 * unit_share['share']:.0f}%" in row
    # the nurses' own released score of that driver, not everyone's
    est = nurses.estimates[unit_share["column"]]
    assert f"{est['estimate']:.1f}" in row or f"{100 * est['estimate']:.0f}%" in row

    # at the organization, the nurses (46) fall back on the organization's analysis
    org_body = _body(client, f"/o/alpha/results/drivers/?wave={wave.pk}&role=nurse")
    assert "Importance from the organization's analysis" in org_body
    assert "Importance (organization's)" in org_body


def test_groups_below_the_analysed_levels_borrow_their_units_importance(
    cast: Cast, wave: Wave, login: Callable[[User], Client]
) -> None:
    assert GROUP_DEPTH == 2
    peds = cast.unit(cast.alpha, PEDS)  # depth 3
    res = results_for(wave)
    physicians = res.cell(peds.pk, "role=physician")
    assert not physicians.suppressed
    assert physicians.drivers["capped"]
    assert "drivers" not in physicians.drivers
    body = _body(
        login(cast.owner), f"/o/alpha/results/drivers/?wave={wave.pk}&unit={peds.pk}&role=physician"
    )
    assert "Importance from the analysis of everyone in Pediatrics" in body
    assert "Physician in Pediatrics has no driver analysis of its own (groups get" in body


def test_a_hidden_group_never_gets_an_analysis(
    cast: Cast, wave: Wave, login: Callable[[User], Client]
) -> None:
    cardio = cast.unit(cast.alpha, CARDIO)
    res = results_for(wave)
    hidden = [c for c in res.cells(None, None) if c.group and c.suppressed]
    assert hidden
    assert all(c.drivers is None for c in hidden)
    assert res.cell(cardio.pk, "role=nurse").suppressed  # 3 nurses

    body = _body(
        login(cast.owner), f"/o/alpha/results/drivers/?wave={wave.pk}&unit={cardio.pk}&role=nurse"
    )
    assert "Key drivers of burnout" not in body
    assert "Importance from" not in body
    assert 'data-chart="chart-quadrant"' not in body
