"""Reading a wave's scores for the gate: every value, missing keys and stray text as NaN."""

from __future__ import annotations

import numpy as np
import pytest

from clinwell.web.results.services.loading import load_wave
from tests.web.conftest import Cast
from tests.web.results.conftest import closed_wave
from tests.web.sealed import payload, store

pytestmark = pytest.mark.django_db


def test_load_wave_reads_numbers_booleans_and_gaps(cast: Cast) -> None:
    wave = closed_wave(cast.alpha, "Loader", 10)
    peds = cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics")
    surgery = cast.unit(cast.alpha, "Alpha Health/Site A/Surgery")
    stored = [
        (peds, {"a": 2.5, "b": True}),
        (surgery, {"a": None, "b": False}),
        (peds, {"b": True}),  # "a" absent: a module this response did not get
        (surgery, {"a": 4, "b": None}),
    ]
    store(
        wave,
        [
            payload(unit, tenure_band="1to5", scores=scores, comment="More staff" if i == 0 else "")
            for i, (unit, scores) in enumerate(stored)
        ],
    )
    data = load_wave(wave, ["a", "b"])
    got = sorted(
        zip(
            data.unit_ids.tolist(),
            data.values["a"].tolist(),
            data.values["b"].tolist(),
            strict=True,
        ),
        key=repr,
    )
    want = sorted(
        [
            (peds.pk, 2.5, 1.0),
            (surgery.pk, float("nan"), 0.0),
            (peds.pk, float("nan"), 1.0),
            (surgery.pk, 4.0, float("nan")),
        ],
        key=repr,
    )
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g[0] == w[0]
        for x, y in zip(g[1:], w[1:], strict=True):
            assert (np.isnan(x) and np.isnan(y)) or x == y
    commented = [(u, c) for u, c in zip(data.unit_ids.tolist(), data.comments, strict=True) if c]
    assert commented == [(peds.pk, "More staff")]


def test_a_stray_text_value_reads_as_missing(cast: Cast) -> None:
    wave = closed_wave(cast.alpha, "Loader text", 10)
    peds = cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics")
    store(wave, [payload(peds, scores=s) for s in ({"a": "prefer not to answer"}, {"a": 3.0})])
    values = sorted(load_wave(wave, ["a"]).values["a"].tolist(), key=repr)
    assert values[0] == 3.0
    assert np.isnan(values[1])
