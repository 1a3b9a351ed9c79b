"""Importance next to performance on the drivers page, checked against the raw responses.

A unit too small for its own analysis (Cardiology, 30 respondents) gets the organization's
importance with its own released scores, labelled so; the organization is placed on its
items' own scales (percent of maximum possible).
"""

from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np
import pytest
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.orgs.models import Membership
from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.scope import scope_for
from clinwell.web.results.services.trends import drivers_data
from clinwell.web.surveys.models import Wave
from tests.web.conftest import Cast
from tests.web.results.conftest import add_responses, closed_wave
from tests.web.sealed import opened

DOC = "org_wellbeing.documentation_time"
SIZES = {"Site A/Medicine/Cardiology": 30, "Site A/Surgery": 12, "Site B/Pediatrics": 520}


@pytest.fixture
def wave(cast: Cast) -> Wave:
    wave = closed_wave(cast.alpha, "Drivers wave", 5)
    for i, (path, n) in enumerate(SIZES.items()):
        add_responses(wave, cast.unit(cast.alpha, f"Alpha Health/{path}"), n, 500 + i)
    return wave


def _values(wave: Wave, column: str, unit_id: int | None = None) -> np.ndarray:
    rows = [p.scores for p in opened(wave) if unit_id is None or p.unit_id == unit_id]
    return np.array([np.nan if r.get(column) is None else float(r[column]) for r in rows])


def _row(body: str, label: str) -> str:
    return body.split(f'<th scope="row">{label}</th>')[1].split("</tr>")[0]


def test_a_small_unit_gets_the_organizations_importance_with_its_own_scores(
    cast: Cast, wave: Wave, login: Callable[[User], Client]
) -> None:
    cardio = cast.unit(cast.alpha, "Alpha Health/Site A/Medicine/Cardiology")
    res = results_for(wave)
    assert "unavailable" in res.cell(cardio.pk).drivers  # too small for its own analysis
    org_drivers = res.cell(None).drivers["drivers"]
    doc_share = next(d["share"] for d in org_drivers if d["column"] == DOC)

    body = html.unescape(
        login(cast.leader)
        .get(f"/o/alpha/results/drivers/?wave={wave.pk}&unit={cardio.pk}")
        .content.decode()
    )
    assert "Importance from the organization's analysis" in body
    assert "Importance (organization's)" in body
    assert "the scores are <strong>Cardiology's own</strong>" in body
    row = _row(body, "Time for documentation")
    assert f"{100 * doc_share:.0f}%" in row  # the organization's share

    # Cardiology's own mean, and Glass's delta against the organization, from raw answers.
    own = _values(wave, DOC, cardio.pk)
    org = _values(wave, DOC)
    own, org = own[~np.isnan(own)], org[~np.isnan(org)]
    delta = (own.mean() - org.mean()) / org.std(ddof=1)
    assert f"{own.mean():.1f}" in row
    assert f"{org.mean():.1f}" in row
    assert f"{abs(delta):.2f} SD {'better' if delta > 0 else 'worse'}" in row
    important = doc_share >= 1 / len(org_drivers)
    expected = (
        ("Keep up the good work" if delta >= 0 else "Concentrate here")
        if important
        else ("Possible overkill" if delta >= 0 else "Low priority")
    )
    assert expected in row
    assert 'data-chart="chart-quadrant"' in body


def test_the_organization_is_placed_on_its_items_own_scales(
    cast: Cast, wave: Wave, login: Callable[[User], Client]
) -> None:
    body = html.unescape(
        login(cast.owner).get(f"/o/alpha/results/drivers/?wave={wave.pk}").content.decode()
    )
    assert "Importance from the organization's analysis" not in body
    doc = _values(wave, DOC)
    pomp = 100 * (np.nanmean(doc) - 1) / 4
    assert f"{pomp:.0f}% of maximum" in _row(body, "Time for documentation")
    # counts (prior authorizations a week) have no percent of maximum: listed, not placed
    hours = _row(body, "Prior authorizations per week")
    assert "% of maximum" not in hours
    assert "not drawn; the table lists them" in body
    # a national figure exists (feeling valued) but this group mixes roles: not compared
    assert "a mixed group is never compared with a physician-only figure" in body


def test_a_physician_group_is_compared_with_the_national_figure(cast: Cast, wave: Wave) -> None:
    membership = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    scope = scope_for(membership, None)
    mixed = drivers_data(membership, wave, scope)
    assert mixed["quadrant"]["national_withheld"]
    assert all(r["national"] is None for r in mixed["quadrant"]["rows"])
    physicians = drivers_data(membership, wave, scope, physicians_only=True)
    valued = next(
        r for r in physicians["quadrant"]["rows"] if r["column"].endswith("feeling_valued")
    )
    # AMA Organizational Biopsy 2024: 54.5% of physicians feel valued (knowledge/benchmarks)
    assert valued["national"]["value"] == 0.545
    assert valued["national"]["year"] == 2024
    share = np.nanmean(_values(wave, "org_wellbeing.feels_valued"))
    assert valued["national"]["difference"] == pytest.approx(share - 0.545, abs=1e-9)
    assert not physicians["quadrant"]["national_withheld"]


def test_a_unit_holding_the_whole_organization_is_placed_on_its_own_scales(
    cast: Cast, wave: Wave, login: Callable[[User], Client]
) -> None:
    root = cast.unit(cast.alpha, "Alpha Health")
    assert results_for(wave).cell(root.pk).n == results_for(wave).cell(None).n
    body = html.unescape(
        login(cast.owner)
        .get(f"/o/alpha/results/drivers/?wave={wave.pk}&unit={root.pk}")
        .content.decode()
    )
    assert "Importance from the organization's analysis" not in body
    doc = _values(wave, DOC)
    # a comparison with itself would put every driver at 0 SD: POMP instead
    assert f"{100 * (np.nanmean(doc) - 1) / 4:.0f}% of maximum" in _row(
        body, "Time for documentation"
    )
    assert " SD" not in _row(body, "Time for documentation")
