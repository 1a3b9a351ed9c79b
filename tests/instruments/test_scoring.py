"""Hand-computed scores for every shipped instrument (reverse items, missing answers, cut-offs)."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from clinwell.instruments import ScoringError, get_instrument, score_answers, score_frame


def score(instrument_id: str, answers: dict[str, int | float | None]) -> dict[str, object]:
    return score_answers(get_instrument(instrument_id), answers)


def items(prefix: str, numbers: range | list[int], code: int) -> dict[str, int | float | None]:
    return {f"{prefix}.{n}": code for n in numbers}


@pytest.mark.parametrize(
    ("code", "burnout"), [(1, False), (2, False), (3, True), (4, True), (5, True)]
)
def test_single_item_burnout_threshold_is_level_3(code: int, burnout: bool) -> None:
    out = score("single_item_burnout", {"single_item_burnout.1": code})
    assert out == {"single_item_burnout.score": code, "single_item_burnout.burnout": burnout}


def test_single_item_unanswered_is_empty() -> None:
    out = score("single_item_burnout", {"single_item_burnout.1": None})
    assert out == {"single_item_burnout.score": None, "single_item_burnout.burnout": None}


def test_cbi_personal_mean_of_answered_items_and_minimum_three() -> None:
    # codes 1, 2, 5 -> 100, 75, 0; mean = 175 / 3
    out = score("cbi", {"cbi.1": 1, "cbi.2": 2, "cbi.3": 5})
    assert out["cbi.personal"] == pytest.approx(175 / 3)
    assert out["cbi.personal_high"] is True
    two = score("cbi", {"cbi.1": 1, "cbi.2": 2})
    assert two["cbi.personal"] is None
    assert two["cbi.personal_high"] is None


def test_cbi_work_item_10_is_reverse_scored() -> None:
    # cbi.7..13 all "Often" (75) but cbi.10 reversed -> 25: (6*75 + 25) / 7
    out = score("cbi", items("cbi", range(7, 14), 2))
    assert out["cbi.work"] == pytest.approx(475 / 7)
    assert score("cbi", {"cbi.10": 1, "cbi.7": 5, "cbi.8": 5, "cbi.9": 5})["cbi.work"] == 0
    assert score("cbi", {"cbi.10": 5, "cbi.7": 1, "cbi.8": 1, "cbi.9": 1})["cbi.work"] == 100


def test_cbi_work_needs_four_answers() -> None:
    assert score("cbi", {"cbi.7": 1, "cbi.8": 1, "cbi.9": 1})["cbi.work"] is None
    assert score("cbi", {"cbi.7": 1, "cbi.8": 1, "cbi.9": 1, "cbi.11": 3})["cbi.work"] == 87.5


def test_cbi_patient_cutoff_boundary_at_50() -> None:
    at = score("cbi", {"cbi.14": 3, "cbi.15": 3, "cbi.16": 3})
    assert at["cbi.patient"] == 50
    assert at["cbi.patient_high"] is True
    below = score("cbi", {"cbi.14": 3, "cbi.15": 3, "cbi.16": 4})
    assert below["cbi.patient"] == pytest.approx(125 / 3)
    assert below["cbi.patient_high"] is False


@pytest.mark.parametrize(
    ("codes", "raw", "poor", "depression"),
    [
        ([3, 3, 2, 2, 2], 12, True, False),  # 48 < 50
        ([3, 3, 3, 2, 2], 13, False, False),  # 52
        ([2, 2, 1, 1, 1], 7, True, True),  # exactly 28 -> <= 28
        ([2, 2, 2, 1, 1], 8, True, False),  # 32
        ([5, 5, 5, 5, 5], 25, False, False),
        ([0, 0, 0, 0, 0], 0, True, True),
    ],
)
def test_who5_raw_percent_and_cutoffs(
    codes: list[int], raw: int, poor: bool, depression: bool
) -> None:
    out = score("who5", {f"who5.{i}": c for i, c in enumerate(codes, start=1)})
    assert out["who5.raw"] == raw
    assert out["who5.percent"] == raw * 4
    assert out["who5.poor_wellbeing"] is poor
    assert out["who5.depression_screen"] is depression


def test_who5_needs_every_item() -> None:
    out = score("who5", {"who5.1": 5, "who5.2": 5, "who5.3": 5, "who5.4": 5})
    assert set(out.values()) == {None}


def test_mini_z2_total_subscales_and_burnout() -> None:
    out = score("mini_z2", items("mini_z2", range(1, 11), 4))
    assert out["mini_z2.total"] == 40
    assert out["mini_z2.joyful_workplace"] is True
    assert out["mini_z2.supportive_work_environment"] == 20
    assert out["mini_z2.supportive_work_environment_favourable"] is True
    assert out["mini_z2.burnout"] is False  # item 3 = 4 > 3
    answers = items("mini_z2", range(1, 11), 4) | {"mini_z2.3": 3, "mini_z2.2": None}
    partial = score("mini_z2", answers)
    assert partial["mini_z2.total"] is None
    assert partial["mini_z2.work_pace_emr_stress"] is None
    assert partial["mini_z2.supportive_work_environment"] == 19
    assert partial["mini_z2.supportive_work_environment_favourable"] is False
    assert partial["mini_z2.burnout"] is True  # 3 <= 3


def test_pfi_means_raw_sums_and_cutoffs() -> None:
    answers = {f"pfi.{n}": c for n, c in zip(range(1, 7), [3, 3, 3, 3, 3, 2], strict=True)}
    answers |= {f"pfi.{n}": c for n, c in zip(range(7, 11), [1, 1, 2, 1], strict=True)}
    answers |= {f"pfi.{n}": c for n, c in zip(range(11, 17), [1, 1, 1, 1, 2, 2], strict=True)}
    out = score("pfi", answers)
    assert out["pfi.fulfillment"] == pytest.approx(17 / 6)
    assert out["pfi.high_fulfillment"] is False
    assert out["pfi.work_exhaustion"] == 1.25
    assert out["pfi.interpersonal_disengagement"] == pytest.approx(8 / 6)
    assert out["pfi.overall_burnout"] == 1.3
    assert out["pfi.burnout"] is False
    assert out["pfi.work_exhaustion_raw"] == 5
    assert out["pfi.interpersonal_disengagement_raw"] == 8
    more = answers | items("pfi", range(1, 7), 3) | {"pfi.7": 2, "pfi.8": 2, "pfi.11": 2}
    out2 = score("pfi", more)
    assert out2["pfi.high_fulfillment"] is True  # exactly 3.0
    assert out2["pfi.work_exhaustion_raw"] == 7
    assert out2["pfi.work_exhaustion_mbi_ee"] is True
    assert out2["pfi.interpersonal_disengagement_raw"] == 9
    assert out2["pfi.interpersonal_disengagement_mbi_dp"] is True
    assert out2["pfi.overall_burnout"] == 1.6
    assert out2["pfi.burnout"] is True
    missing = score("pfi", answers | {"pfi.16": None})
    assert missing["pfi.interpersonal_disengagement"] is None
    assert missing["pfi.overall_burnout"] is None
    assert missing["pfi.work_exhaustion"] == 1.25


@pytest.mark.parametrize(("code", "leave"), [(1, False), (2, False), (3, True), (5, True)])
def test_intent_to_leave_moderate_or_higher(code: int, leave: bool) -> None:
    out = score("intent_to_leave", {"intent_to_leave.1": code})
    assert out["intent_to_leave.leave"] is leave


def test_org_wellbeing_self_care_reverses_traumatic_stress_and_kpis() -> None:
    answers: dict[str, int | float | None] = {
        "org_wellbeing.11": 4,
        "org_wellbeing.12": 2,
        "org_wellbeing.13": 5,
        "org_wellbeing.14": 3,
        "org_wellbeing.16": 4,
        "org_wellbeing.17": 3,
        "org_wellbeing.4": 5,
        "org_wellbeing.18": 55,
    }
    out = score("org_wellbeing", answers)
    assert out["org_wellbeing.self_care"] == 2.5  # (4 + 2 + (6 - 5) + 3) / 4
    assert out["org_wellbeing.traumatic_stress"] == 5
    assert out["org_wellbeing.satisfied"] is True
    assert out["org_wellbeing.high_stress"] is False
    assert out["org_wellbeing.feels_valued"] is True
    assert out["org_wellbeing.weekly_hours"] == 55
    assert out["org_wellbeing.organizational_culture"] is None  # 1 of 4 answered, needs 3
    assert out["org_wellbeing.leadership"] is None


def test_admin_burden_numeric_items() -> None:
    out = score("admin_burden", {"admin_burden.2": 2.5, "admin_burden.3": 80})
    assert out["admin_burden.prior_auth_hours"] == 2.5
    assert out["admin_burden.inbox_per_day"] == 80
    assert out["admin_burden.quality_measures"] is None


@pytest.mark.parametrize(
    ("instrument_id", "link_id", "value"),
    [
        ("cbi", "cbi.4", 6),
        ("cbi", "cbi.4", 0),
        ("cbi", "cbi.4", 2.5),
        ("who5", "who5.1", -1),
        ("org_wellbeing", "org_wellbeing.18", 200),
        ("org_wellbeing", "org_wellbeing.18", 45.5),
        ("admin_burden", "admin_burden.2", -0.5),
    ],
)
def test_invalid_values_are_rejected(instrument_id: str, link_id: str, value: float) -> None:
    with pytest.raises(ScoringError) as info:
        score(instrument_id, {link_id: value})
    assert info.value.column == link_id
    assert link_id in str(info.value)


def test_score_frame_names_row_and_column() -> None:
    df = pd.DataFrame({"unit": ["a", "b", "c"], "who5.1": [1, 2, 9], "who5.2": [1, 1, 1]})
    with pytest.raises(ScoringError) as info:
        score_frame(get_instrument("who5"), df)
    assert (info.value.row, info.value.column) == (3, "who5.1")
    assert "row 3, column 'who5.1'" in str(info.value)


def test_score_frame_text_values() -> None:
    df = pd.DataFrame({"single_item_burnout.1": ["3", " 1 ", "", "abc"]})
    with pytest.raises(ScoringError) as info:
        score_frame(get_instrument("single_item_burnout"), df)
    assert (info.value.row, info.value.column) == (4, "single_item_burnout.1")
    ok = score_frame(get_instrument("single_item_burnout"), df.iloc[:3])
    assert ok["single_item_burnout.score"].tolist()[:2] == [3, 1]
    assert math.isnan(ok["single_item_burnout.score"].iloc[2])
    assert ok["single_item_burnout.burnout"].isna().tolist() == [False, False, True]


def test_unknown_link_id_and_no_items() -> None:
    cbi = get_instrument("cbi")
    with pytest.raises(ScoringError, match=re.escape("cbi.20")) as info:
        score_frame(cbi, pd.DataFrame({"cbi.1": [1], "cbi.20": [1]}))
    assert info.value.column == "cbi.20"
    with pytest.raises(ScoringError, match=re.escape("no item columns")):
        score_frame(cbi, pd.DataFrame({"who5.1": [1]}))
    with pytest.raises(ScoringError, match=re.escape("cbi.x")):
        score_answers(cbi, {"cbi.x": 1})


def test_score_frame_keeps_index_and_dtypes() -> None:
    df = pd.DataFrame({f"who5.{i}": [5, 0] for i in range(1, 6)}, index=[10, 20])
    out = score_frame(get_instrument("who5"), df)
    assert out.index.tolist() == [10, 20]
    assert out["who5.percent"].to_numpy().tolist() == [100.0, 0.0]
    assert out["who5.poor_wellbeing"].dtype == "boolean"
    assert out["who5.poor_wellbeing"].tolist() == [False, True]
    assert np.issubdtype(out["who5.raw"].dtype, np.floating)


def test_pfi_burnout_boundary_at_1_33() -> None:
    # overall_burnout is the mean of 10 items (pfi.7..pfi.16) scored 0-4, so it only takes
    # the values k/10: 1.3 is the last value below 1.33 and 1.4 the first at or above it.
    pfi = get_instrument("pfi")
    overall = pfi.scale("overall_burnout")
    assert len(overall.items) == 10
    assert [(c.op, c.value) for c in overall.cutoffs] == [(">=", 1.33)]
    base = items("pfi", range(1, 17), 1)  # every item 1: overall 1.0
    below = score("pfi", base | {"pfi.7": 2, "pfi.8": 2, "pfi.9": 2})  # 13 / 10
    assert below["pfi.overall_burnout"] == pytest.approx(1.3)
    assert below["pfi.burnout"] is False
    at = score("pfi", base | {"pfi.7": 2, "pfi.8": 2, "pfi.9": 2, "pfi.16": 2})  # 14 / 10
    assert at["pfi.overall_burnout"] == pytest.approx(1.4)
    assert at["pfi.burnout"] is True


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (" who5.2", "column ' who5.2': has spaces around the linkId 'who5.2'"),
        ("who5.2\t", "has spaces around the linkId 'who5.2'"),
        ("WHO5.1", "not an item of who5 (items: who5.1 … who5.5); did you mean 'who5.1'?"),
        (" Who5.4 ", "did you mean 'who5.4'?"),
        ("who5.05", "did you mean 'who5.5'?"),
        ("who5. 3", "did you mean 'who5.3'?"),
        ("who5.6", "column 'who5.6': unknown linkId, not an item of who5"),
        ("WHO5.notes", "column 'WHO5.notes': unknown linkId"),
    ],
)
def test_mistyped_item_columns_are_rejected(column: str, expected: str) -> None:
    who5 = get_instrument("who5")
    df = pd.DataFrame({"who5.1": [1], column: [2]})
    with pytest.raises(ScoringError) as info:
        score_frame(who5, df)
    assert expected in str(info.value)
    assert info.value.column == column
    with pytest.raises(ScoringError):
        score_answers(who5, {column: 2})


def test_unrelated_passthrough_columns_still_work() -> None:
    df = pd.DataFrame(
        {"unit": ["a"], " id ": ["x"], "who5": ["y"], "who5_1": ["z"], "cbi.1": ["w"]}
        | {f"who5.{i}": [5] for i in range(1, 6)}
    )
    out = score_frame(get_instrument("who5"), df)
    assert out["who5.raw"].tolist() == [25]
