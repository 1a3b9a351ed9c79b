"""Every scale and flag a wave collects is reported: WHO-5 on the overview, the heatmap's
measure picker, the trends, the CSV export and the API, with the released numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import numpy as np
import pytest
from django.test import Client

from clinwell.stats import mean_interval, wilson_interval
from clinwell.synth.scores import synthetic_scores
from clinwell.web.accounts.models import User
from clinwell.web.api.tokens import create_token
from clinwell.web.results.services.cache import results_for
from clinwell.web.surveys.models import Wave, WaveModule
from tests.web.conftest import Cast
from tests.web.results.conftest import closed_wave
from tests.web.sealed import payload, store

SIZES = {"Alpha Health/Site A/Surgery": 40, "Alpha Health/Site B/Pediatrics": 60}


def _who5_wave(cast: Cast, name: str, days_ago: int, seed: int) -> tuple[Wave, np.ndarray]:
    wave = closed_wave(cast.alpha, name, days_ago)
    WaveModule.objects.create(wave=wave, instrument_id="who5", position=10)
    rng = np.random.default_rng(seed)
    raws = []
    for path, n in SIZES.items():
        unit = cast.unit(cast.alpha, path)
        raw = rng.integers(0, 26, n)
        raws.append(raw)
        rows = []
        for scores, r in zip(synthetic_scores(rng, n, missing=0.0), raw, strict=True):
            percent = 4.0 * float(r)
            scores = {
                **scores,
                "who5.raw": float(r),
                "who5.percent": percent,
                "who5.poor_wellbeing": percent < 50,
                "who5.depression_screen": percent <= 28,
            }
            rows.append(payload(unit, scores=scores))
        store(wave, rows)
    return wave, 4.0 * np.concatenate(raws).astype(float)


@pytest.fixture
def who5(cast: Cast) -> tuple[Wave, np.ndarray]:
    _who5_wave(cast, "Earlier WHO-5 wave", 200, 11)
    return _who5_wave(cast, "WHO-5 wave", 10, 12)


def test_who5_is_a_released_measure_of_the_wave(cast: Cast, who5: tuple[Wave, np.ndarray]) -> None:
    wave, percent = who5
    res = results_for(wave)
    columns = [m.column for m in res.measures]
    for column in ("who5.raw", "who5.percent", "who5.poor_wellbeing", "who5.depression_screen"):
        assert column in columns
    # headlines still come first, and untagged scales of other instruments are there too
    assert [m.headline is not None for m in res.measures][:3] == [True, True, True]
    assert "org_wellbeing.job_stress" in columns
    got = res.cell(None).estimates["who5.percent"]
    expected = mean_interval(percent)
    assert np.isclose(got["estimate"], expected.estimate)
    assert np.isclose(got["lower"], expected.lower)
    poor = wilson_interval(int((percent < 50).sum()), percent.size)
    assert np.isclose(res.cell(None).estimates["who5.poor_wellbeing"]["estimate"], poor.estimate)


def test_who5_on_the_overview_heatmap_and_trends(
    cast: Cast, who5: tuple[Wave, np.ndarray], login: Callable[[User], Client]
) -> None:
    wave, percent = who5
    client = login(cast.owner)
    shown = f"{percent.mean():.0f}"
    overview = client.get(f"/o/alpha/results/?wave={wave.pk}").content.decode()
    assert "WHO-5 percentage score" in overview
    assert f'<td class="num">{shown}</td>' in overview

    headline = client.get(f"/o/alpha/results/heatmap/?wave={wave.pk}").content.decode()
    assert "WHO-5 percentage score" not in headline.split("<table")[1]
    assert '<option value="who5">All of WHO-5 Well-Being Index</option>' in headline
    picked = client.get(f"/o/alpha/results/heatmap/?wave={wave.pk}&measures=who5")
    body = picked.content.decode()
    table = body.split("<table")[1]
    assert "WHO-5 percentage score" in table
    assert "Poor well-being" in table
    assert f'<span class="heat-cell__value">{shown}</span>' in table
    assert '<option value="who5" selected>' in body

    trends = client.get("/o/alpha/results/trends/").content.decode()
    row = trends.split("WHO-5 percentage score")[1].split("</tr>")[0]
    assert row.count('<td class="num">') == 2  # one value per closed wave
    assert shown in row


def test_who5_in_the_csv_and_the_api_equal_the_release(
    cast: Cast, who5: tuple[Wave, np.ndarray], login: Callable[[User], Client]
) -> None:
    wave, _ = who5
    org = results_for(wave).cell(None).estimates["who5.percent"]
    response = login(cast.owner).get(f"/o/alpha/results/export.csv?wave={wave.pk}")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    org_row = next(r for r in rows if r["unit_id"] == "")
    assert float(org_row["who5.percent_estimate"]) == org["estimate"]
    assert float(org_row["who5.percent_upper"]) == org["upper"]
    assert "who5.depression_screen_estimate" in org_row

    token = create_token(cast.owner, "tests")[1]
    api = Client().get(
        f"/api/v1/orgs/alpha/waves/{wave.pk}/results",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 200, api.content
    body = api.json()
    assert "who5.percent" in [m["column"] for m in body["measures"]]
    cell = next(c for c in body["cells"] if c["unit_id"] is None)
    assert cell["estimates"]["who5.percent"]["estimate"] == org["estimate"]
