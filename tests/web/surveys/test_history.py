"""Importing a past wave's responses: validated by row and column, all or nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from clinwell.web.orgs.services.tabular import ImportValidationError
from clinwell.web.surveys.models import Response, Wave
from clinwell.web.surveys.services.history import import_responses
from clinwell.web.surveys.services.lifecycle import close_wave
from tests.web.conftest import Cast
from tests.web.sealed import opened
from tests.web.surveys.conftest import make_wave

CARDIOLOGY = "Alpha Health/Site A/Medicine/Cardiology"


@pytest.fixture
def closed_wave(cast: Cast) -> Wave:
    wave = make_wave(cast)
    close_wave(wave)
    return wave


def test_a_good_file_is_scored_and_stored(closed_wave: Wave) -> None:
    frame = pd.DataFrame(
        {
            "unit": [CARDIOLOGY, CARDIOLOGY],
            "role": ["physician", "nurse"],
            "single_item_burnout.1": [4, 1],
            "who5.1": [5, None],
            "comment": ["Too many clicks.", None],
        }
    )
    report = import_responses(closed_wave, frame)
    assert (report.responses, report.comments) == (2, 1)
    flags = sorted(r.scores["single_item_burnout.burnout"] for r in opened(closed_wave))
    assert flags == [False, True]


def test_a_bad_file_names_rows_and_columns_and_stores_nothing(closed_wave: Wave) -> None:
    frame = pd.DataFrame(
        {
            "unit": [CARDIOLOGY, "Alpha Health/Nowhere", CARDIOLOGY],
            "role": ["physician", "physician", "astronaut"],
            "single_item_burnout.1": [3, 2, 9],
        }
    )
    with pytest.raises(ImportValidationError) as caught:
        import_responses(closed_wave, frame, filename="past.csv")
    problems = {(e.row, e.column) for e in caught.value.errors}
    assert (3, "unit") in problems
    assert (4, "role") in problems
    assert any(e.column == "single_item_burnout.1" for e in caught.value.errors)
    assert Response.objects.count() == 0


def test_only_a_closed_wave_takes_past_responses(cast: Cast) -> None:
    wave = make_wave(cast)
    with pytest.raises(ImportValidationError, match="must be closed"):
        import_responses(wave, pd.DataFrame({"unit": [CARDIOLOGY], "role": ["physician"]}))


def test_respondent_attributes_the_wave_asks_are_imported_sealed(cast: Cast) -> None:
    wave = make_wave(cast, attributes=["gender", "career_stage"])
    close_wave(wave)
    frame = pd.DataFrame(
        {
            "unit": [CARDIOLOGY] * 3,
            "role": ["physician", "nurse", "resident"],
            "single_item_burnout.1": [4, 1, 3],
            "gender": ["woman", None, "man"],
            "age_band": ["40_49", "40_49", "40_49"],  # not asked by the wave: ignored
        }
    )
    import_responses(wave, frame)
    stored = sorted(tuple(sorted(r.attributes.items())) for r in opened(wave))
    assert stored == sorted(
        [
            (("career_stage", "not_stated"), ("gender", "woman")),
            (("career_stage", "not_stated"), ("gender", "not_stated")),
            (("career_stage", "not_stated"), ("gender", "man")),
        ]
    )


def test_an_unknown_attribute_code_is_named_by_row_and_column(cast: Cast) -> None:
    wave = make_wave(cast, attributes=["gender"])
    close_wave(wave)
    frame = pd.DataFrame(
        {"unit": [CARDIOLOGY] * 2, "role": ["physician"] * 2, "gender": ["man", "male"]}
    )
    with pytest.raises(ImportValidationError) as caught:
        import_responses(wave, frame, filename="past.csv")
    (error,) = caught.value.errors
    assert (error.row, error.column) == (3, "gender")
    assert "'male' is not one of the options" in error.message
    assert Response.objects.filter(wave=wave).count() == 0
