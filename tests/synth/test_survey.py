"""Synthetic survey waves: determinism, clean scoring, and recovery of the planted truth."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinwell.instruments import get_instrument, score_frame
from clinwell.instruments.attributes import NOT_STATED, get_attribute
from clinwell.synth.survey import (
    COMMENTS,
    DEFAULT_INSTRUMENTS,
    DEMO_IMPROVERS,
    DRIVER_ITEMS,
    FACTOR_CORR,
    FACTORS,
    Improvement,
    SurveySpec,
    SyntheticWave,
    SynthSpecError,
    UnitSpec,
    demo_spec,
    expected_burnout,
    generate_wave,
    units_from_roster,
)

ALL_INSTRUMENTS = (*DEFAULT_INSTRUMENTS, "mini_z2", "cbi", "pfi")


def org(units: int = 120, headcount: int = 150, **kwargs: object) -> SurveySpec:
    """``units`` departments over three sites, all of one size."""
    paths = [f"Health/Site {k % 3}/Dept {k}" for k in range(units)]
    return SurveySpec(units=tuple(UnitSpec(p, headcount) for p in paths), **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def big() -> SyntheticWave:
    """About 12,000 respondents answering every shipped instrument."""
    return generate_wave(org(instruments=ALL_INSTRUMENTS), wave=0, seed=11)


@pytest.fixture(scope="module")
def scored(big: SyntheticWave) -> pd.DataFrame:
    frames = [score_frame(get_instrument(i), big.responses) for i in ALL_INSTRUMENTS]
    return pd.concat(frames, axis=1)


def burnout_flag(frame: pd.DataFrame) -> pd.Series:
    out = score_frame(get_instrument("single_item_burnout"), frame)
    return out["single_item_burnout.burnout"].astype("float64")


# --- determinism and layout -------------------------------------------------------------


def test_same_seed_gives_the_same_wave_and_another_seed_does_not() -> None:
    spec = org(30, 40)
    a, b = generate_wave(spec, 1, seed=5), generate_wave(spec, 1, seed=5)
    pd.testing.assert_frame_equal(a.responses, b.responses)
    pd.testing.assert_frame_equal(a.truth.expected_burnout, b.truth.expected_burnout)
    c = generate_wave(spec, 1, seed=6)
    assert not c.responses["single_item_burnout.1"].equals(a.responses["single_item_burnout.1"])


def test_adding_an_instrument_leaves_the_other_answers_unchanged() -> None:
    small = generate_wave(org(20, 30), 0, seed=3).responses
    more = generate_wave(org(20, 30, instruments=ALL_INSTRUMENTS), 0, seed=3).responses
    for column in small.columns:
        pd.testing.assert_series_equal(small[column], more[column])


def test_columns_are_unit_role_tenure_items_comment(big: SyntheticWave) -> None:
    items = [i for iid in ALL_INSTRUMENTS for i in get_instrument(iid).link_ids]
    assert list(big.responses.columns) == ["unit", "role", "tenure_band", *items, "comment"]
    assert big.responses.index.equals(pd.RangeIndex(len(big.responses)))


def test_truth_serializes_to_json() -> None:
    truth = generate_wave(org(4, 20), 1, seed=3).truth
    data = json.loads(json.dumps(truth.to_dict()))
    assert data["planted_scales"] == list(truth.planted_scales)
    assert len(data["expected_burnout"]) == 4
    assert data["expected_burnout"][0]["wave"] == 1


def test_unit_effects_are_the_same_in_every_wave_without_improvements() -> None:
    spec = org(10, 20)
    first, later = generate_wave(spec, 0, seed=2).truth, generate_wave(spec, 3, seed=2).truth
    pd.testing.assert_frame_equal(first.unit_effects, later.unit_effects)
    # the negative trend lowers every unit's expected burnout
    drop = first.expected_burnout["expected_burnout"] - later.expected_burnout["expected_burnout"]
    assert (drop > 0).all()


# --- scoring ----------------------------------------------------------------------------


@pytest.mark.parametrize("instrument_id", ALL_INSTRUMENTS)
def test_every_instrument_scores_cleanly_within_range(
    big: SyntheticWave, instrument_id: str
) -> None:
    ins = get_instrument(instrument_id)
    out = score_frame(ins, big.responses)  # raises ScoringError on any invalid code
    for column in ins.outputs():
        values = out[column.name]
        assert values.notna().mean() > 0.8, column.name
        if column.kind == "score":
            assert column.range is not None
            lo, hi = column.range
            assert values.min() >= lo, column.name
            assert values.max() <= hi, column.name
            assert values.nunique() > 1, column.name


def test_choice_answers_are_valid_codes_and_some_are_missing(big: SyntheticWave) -> None:
    for iid in ALL_INSTRUMENTS:
        for item in get_instrument(iid).items:
            col = big.responses[item.link_id]
            missing = col.isna().mean()
            assert 0.01 < missing < 0.03, item.link_id  # missing_rate 0.02
            if item.options:
                assert set(col.dropna().astype(int)) <= {o.code for o in item.options}
            if item.type != "decimal":
                assert str(col.dtype) == "Int64", item.link_id


def test_missing_answers_exercise_minimum_answered_rules(scored: pd.DataFrame) -> None:
    # WHO-5 and the Mini Z total need every item: ~1-0.98^5 and ~1-0.98^10 are unscorable
    assert 0.05 < scored["who5.raw"].isna().mean() < 0.15
    assert 0.1 < scored["mini_z2.total"].isna().mean() < 0.25
    # a mean over 4 items with at least 3 answered is almost always scorable
    assert scored["org_wellbeing.organizational_culture"].isna().mean() < 0.01


# --- planted truth ----------------------------------------------------------------------


def test_burnout_prevalence_is_in_band_and_matches_the_expected_truth(
    big: SyntheticWave,
) -> None:
    flag = burnout_flag(big.responses).dropna()
    p = float(flag.mean())
    assert 0.35 <= p <= 0.55
    se = math.sqrt(p * (1 - p) / flag.size)
    assert abs(p - big.truth.expected_org_burnout) < 4 * se
    # realistic spread between units
    assert 0.04 < big.truth.expected_burnout["expected_burnout"].std() < 0.2


def test_unit_prevalence_scatters_around_its_expected_value_like_a_binomial() -> None:
    spec = org(40, 1000, response_rate=0.9)
    wave = generate_wave(spec, 0, seed=4)
    flag = burnout_flag(wave.responses)
    observed = flag.groupby(wave.responses["unit"]).agg(["mean", "count"])
    truth = wave.truth.expected_burnout.set_index("unit")["expected_burnout"]
    p = truth.loc[observed.index]
    z = (observed["mean"] - p) / np.sqrt(p * (1 - p) / observed["count"])
    assert 0.4 < float((z**2).mean()) < 2.0  # ~1 when the truth is right


def test_expected_burnout_matches_a_monte_carlo_of_the_logistic_model() -> None:
    improved = Improvement("Health/Site 0/Dept 0", from_wave=1)
    spec = org(3, 200, improvements=(improved,))
    wave = generate_wave(spec, 2, seed=1)
    truth = expected_burnout(spec, 2, seed=1)
    pd.testing.assert_frame_equal(truth, wave.truth.expected_burnout)
    effects = wave.truth.unit_effects.set_index("unit")  # μ_u + Δ_uw and b_u at this wave
    beta = np.array([spec.coefficients()[f] for f in FACTORS])
    rng = np.random.default_rng(0)
    for unit, row in zip(spec.units, truth.itertuples(), strict=True):
        cells = unit.cells()
        roles = np.repeat([r for r, _ in cells], list(cells.values()))
        base = spec.intercept + effects.loc[unit.path, "burnout_logit"] + 2 * spec.trend_per_wave
        base += np.array([spec.role_logit.get(r, 0.0) for r in roles])
        mu = effects.loc[unit.path, list(FACTORS)].to_numpy(dtype=float)
        f = rng.multivariate_normal(mu, FACTOR_CORR, size=(400, roles.size))
        p = float(np.mean(1 / (1 + np.exp(-(base + f @ beta)))))
        assert row.expected_burnout == pytest.approx(p, abs=0.005)
    assert list(truth["acted"]) == [True, False, False]


@pytest.mark.parametrize(
    ("planted", "logit_margin", "corr_margin"), [("documentation", 3.0, 1.6), ("culture", 1.4, 1.4)]
)
def test_planted_driver_is_recovered_first_with_a_clear_margin(
    planted: str, logit_margin: float, corr_margin: float
) -> None:
    # a planted factor with four items shares its effect among them: a smaller margin each
    wave = generate_wave(
        org(instruments=("single_item_burnout", "org_wellbeing"), planted=planted), 0, 8
    )
    drivers = [c for cols in wave.truth.driver_scales.values() for c in cols]
    assert set(wave.truth.planted_scales) == {
        c
        for c in drivers
        if get_instrument("org_wellbeing").scale(c.split(".")[1]).items[0] in DRIVER_ITEMS[planted]
    }
    scores = score_frame(get_instrument("org_wellbeing"), wave.responses)[drivers]
    flag = burnout_flag(wave.responses)
    ok = scores.notna().all(axis=1) & flag.notna()
    x = (scores[ok] - scores[ok].mean()) / scores[ok].std()
    fit = sm.Logit(flag[ok], sm.add_constant(x)).fit(disp=0)
    coef = fit.params.drop("const").abs().sort_values(ascending=False)
    k = len(wave.truth.planted_scales)
    assert set(coef.index[:k]) == set(wave.truth.planted_scales)
    assert coef.iloc[k - 1] > logit_margin * coef.iloc[k]
    # independent check: point-biserial correlations rank the planted items first too
    r = x.corrwith(flag[ok]).abs().sort_values(ascending=False)
    assert set(r.index[:k]) == set(wave.truth.planted_scales)
    assert r.iloc[k - 1] > corr_margin * r.iloc[k]


def test_units_that_acted_improve_more_than_the_others() -> None:
    spec = org(60, 200)
    acted = [u.path for u in spec.units[::2]]
    spec = SurveySpec(units=spec.units, improvements=[Improvement(p, from_wave=1) for p in acted])
    change = {}
    for group, frames in (("acted", []), ("others", [])):
        for wave in (0, 1):
            w = generate_wave(spec, wave, seed=21)
            inside = w.responses["unit"].isin(acted)
            frames.append(burnout_flag(w.responses[inside if group == "acted" else ~inside]).mean())
            expected = w.truth.expected_burnout
            assert (expected["acted"] == (expected["unit"].isin(acted) & (wave >= 1))).all()
        change[group] = frames[1] - frames[0]
    assert change["acted"] < -0.08  # β·shift = −1.3·0.6 on the log-odds scale
    assert change["acted"] < change["others"] - 0.05
    # the driver items themselves improve in the acting units
    later = generate_wave(spec, 1, seed=21)
    doc = score_frame(get_instrument("org_wellbeing"), later.responses)[
        "org_wellbeing.documentation_time"
    ]
    inside = later.responses["unit"].isin(acted)
    assert doc[inside].mean() > doc[~inside].mean() + 0.2


def cronbach_alpha(items: np.ndarray) -> float:
    """α = k/(k−1) · (1 − Σ var(item) / var(total)), complete cases."""
    items = items[~np.isnan(items).any(axis=1)]
    k = items.shape[1]
    return k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / items.sum(axis=1).var(ddof=1))


@pytest.mark.parametrize(
    ("scale", "low", "high"),
    [
        ("organizational_culture", 0.75, 0.92),
        ("practice_efficiency", 0.65, 0.9),
        ("self_care", 0.6, 0.85),
    ],
)
def test_cronbach_alpha_of_org_wellbeing_scales_is_sensible(
    big: SyntheticWave, scale: str, low: float, high: float
) -> None:
    sc = get_instrument("org_wellbeing").scale(scale)
    items = big.responses[list(sc.items)].astype("float64").to_numpy(na_value=np.nan)
    for link_id in sc.reverse:
        j = sc.items.index(link_id)
        items[:, j] = 6 - items[:, j]
    assert low < cronbach_alpha(items) < high


def test_intent_to_leave_follows_burnout_and_hours_are_realistic(scored: pd.DataFrame) -> None:
    burned = scored["single_item_burnout.burnout"].astype("float64")
    leave = scored["intent_to_leave.leave"].astype("float64")
    assert 0.2 < leave.mean() < 0.5
    assert leave[burned == 1].mean() > leave[burned == 0].mean() + 0.15
    assert 50 <= scored["org_wellbeing.weekly_hours"].mean() <= 60
    # Mini Z 2.0 burnout (item 3 ≤ 3) agrees with the single item (≥ 3) where both answered
    both = scored[["mini_z2.burnout", "single_item_burnout.burnout"]].dropna()
    assert (both["mini_z2.burnout"] == both["single_item_burnout.burnout"]).all()


def test_comments_are_generic_sentences_for_a_fraction(big: SyntheticWave) -> None:
    comments = big.responses["comment"].dropna()
    assert 0.12 < comments.size / len(big.responses) < 0.18
    assert set(comments) <= {c for v in COMMENTS.values() for c in v}


# --- rosters, response rates, demo ------------------------------------------------------


def test_roster_counts_are_never_exceeded() -> None:
    roster = pd.DataFrame(
        {
            "unit": ["A/B", "A/B", "A/B", "A/C", "A/C"],
            "role": ["physician", "physician", "nurse", "app", "app"],
            "tenure_band": ["lt1", "lt1", "gt20", None, "1to5"],
        }
    )
    units = units_from_roster(roster)
    assert [u.path for u in units] == ["A/B", "A/C"]
    assert units[0].composition == {("physician", "lt1"): 2, ("nurse", "gt20"): 1}
    assert units[1].composition == {("app", ""): 1, ("app", "1to5"): 1}
    full = generate_wave(SurveySpec(units=units), 0, seed=1, response_rate=1.0).responses
    got = full.groupby(["unit", "role", "tenure_band"]).size().to_dict()
    assert got == {
        ("A/B", "nurse", "gt20"): 1,
        ("A/B", "physician", "lt1"): 2,
        ("A/C", "app", ""): 1,
        ("A/C", "app", "1to5"): 1,
    }


def test_zero_response_rate_gives_an_empty_frame_with_every_column() -> None:
    wave = generate_wave(org(5, 10), 0, seed=1, response_rate=0.0)
    assert len(wave.responses) == 0
    assert "single_item_burnout.1" in wave.responses.columns


def test_demo_has_suppressible_units_and_the_improvers_act_from_wave_2() -> None:
    spec = demo_spec()
    heads = {u.path: u.headcount for u in spec.units}
    assert min(heads.values()) < 5
    assert sum(heads.values()) > 400
    expected = generate_wave(spec, 2, seed=0).truth.expected_burnout
    assert set(expected.loc[expected["acted"], "unit"]) == set(DEMO_IMPROVERS)
    assert not generate_wave(spec, 1, seed=0).truth.expected_burnout["acted"].any()


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: UnitSpec("A//B", 3), "path"),
        (lambda: UnitSpec("A/B", -1), "headcount"),
        (lambda: UnitSpec("A/B", 3, shift={"mood": 1.0}), "shift"),
        (lambda: UnitSpec("A/B", 3, composition={("md", "lt1"): 2}), "composition"),
        (lambda: SurveySpec(units=(UnitSpec("A", 1), UnitSpec("A", 2))), "duplicate"),
        (lambda: SurveySpec(units=(UnitSpec("A", 1),), instruments=("nope",)), "instruments"),
        (lambda: SurveySpec(units=(UnitSpec("A", 1),), planted="self_care"), "planted"),
        (lambda: SurveySpec(units=(UnitSpec("A", 1),), response_rate=1.5), "response_rate"),
        (lambda: Improvement("A", 1, factor="mood"), "factor"),
        (
            lambda: units_from_roster(pd.DataFrame({"unit": ["A", " "], "role": ["x", "y"]})),
            "row 2",
        ),
        (lambda: units_from_roster(pd.DataFrame({"unit": ["A"]})), "'role'"),
        (lambda: generate_wave(SurveySpec(units=(UnitSpec("A", 1),)), wave=-1), "wave"),
        (lambda: SurveySpec(units=(UnitSpec("A", 1),), attributes=("religion",)), "attributes"),
        (lambda: SurveySpec(units=(UnitSpec("A", 1),), gender_logit={"w": 1.0}), "gender_logit"),
    ],
)
def test_bad_specifications_name_the_field(make: object, field: str) -> None:
    with pytest.raises(SynthSpecError, match=field):
        make()  # type: ignore[operator]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    heads=st.lists(st.integers(0, 40), min_size=1, max_size=6),
    seed=st.integers(0, 2**32),
    rate=st.floats(0.0, 1.0),
)
def test_any_small_organization_scores_cleanly(heads: list[int], seed: int, rate: float) -> None:
    spec = SurveySpec(
        units=tuple(UnitSpec(f"O/U{k}", h) for k, h in enumerate(heads)),
        instruments=ALL_INSTRUMENTS,
        response_rate=rate,
    )
    wave = generate_wave(spec, wave=seed % 4, seed=seed)
    counts = wave.responses["unit"].value_counts()
    for unit in spec.units:
        assert counts.get(unit.path, 0) <= unit.headcount
    for iid in ALL_INSTRUMENTS:
        score_frame(get_instrument(iid), wave.responses)
    assert (
        (wave.truth.expected_burnout["expected_burnout"] > 0)
        & (wave.truth.expected_burnout["expected_burnout"] < 1)
    ).all()


# --- respondent attributes and the planted equity gap ------------------------------------


def test_attributes_are_valid_codes_some_not_stated_and_deterministic() -> None:
    spec = org(30, 60, attributes=("gender", "career_stage"))
    wave = generate_wave(spec, 0, seed=9)
    frame = wave.responses
    assert list(frame.columns[:5]) == ["unit", "role", "tenure_band", "gender", "career_stage"]
    for key in ("gender", "career_stage"):
        codes = set(frame[key])
        assert codes <= set(get_attribute(key).codes)
        assert 0.01 < float((frame[key] == NOT_STATED).mean()) < 0.06
    stated = frame[frame["career_stage"] != NOT_STATED]
    assert set(stated.loc[stated["role"] == "resident", "career_stage"]) == {"in_training"}
    senior = (stated["tenure_band"] == "gt20") & (stated["role"] != "resident")
    assert set(stated.loc[senior, "career_stage"]) == {"late"}
    again = generate_wave(spec, 0, seed=9).responses
    pd.testing.assert_frame_equal(frame, again)


def test_career_stage_alone_changes_no_answer_and_no_respondent() -> None:
    plain = generate_wave(org(20, 30), 0, seed=3).responses
    staged = generate_wave(org(20, 30, attributes=("career_stage",)), 0, seed=3).responses
    pd.testing.assert_frame_equal(plain, staged.drop(columns="career_stage"))


def test_gender_changes_who_burns_out_but_not_who_responds() -> None:
    plain = generate_wave(org(20, 30), 0, seed=3).responses
    gendered = generate_wave(org(20, 30, attributes=("gender",)), 0, seed=3).responses
    for column in ("unit", "role", "tenure_band", "org_wellbeing.8"):
        pd.testing.assert_series_equal(plain[column], gendered[column])


def test_the_planted_gap_by_gender_matches_its_truth_in_a_large_organization() -> None:
    spec = org(60, 300, response_rate=0.9, attributes=("gender",))
    wave = generate_wave(spec, 0, seed=21)
    flag = burnout_flag(wave.responses)
    gender = wave.responses["gender"]
    truth = wave.truth.expected_by_group.set_index(["attribute", "value"])
    for value in ("woman", "man"):
        observed = flag[gender == value].dropna()
        p = float(truth.loc[("gender", value), "expected_burnout"])
        se = math.sqrt(p * (1 - p) / observed.size)
        assert abs(float(observed.mean()) - p) < 4 * se
    # the truth's head counts are the roster's, split by the gender mix
    roles = truth.loc["role"]
    assert roles["headcount"].sum() == pytest.approx(60 * 300)
    assert truth.loc["gender"]["headcount"].sum() == pytest.approx(60 * 300)
    # the unit truth with gender agrees with the by-group truth
    org_p = (roles["headcount"] * roles["expected_burnout"]).sum() / roles["headcount"].sum()
    assert wave.truth.expected_org_burnout == pytest.approx(org_p)


def test_the_demo_plants_gaps_of_thirteen_to_twenty_points() -> None:
    truth = generate_wave(demo_spec(), wave=2, seed=20261123).truth
    # the web demo's roster: 0.186 and 0.165
    assert 0.17 <= truth.expected_gap("gender", "woman", "man") <= 0.21
    assert 0.12 <= truth.expected_gap("role", "resident") <= 0.15
    data = truth.to_dict()
    assert {row["value"] for row in data["expected_by_group"]} >= {"woman", "man", "resident"}
    json.dumps(data, default=str)


def test_the_demo_gender_gap_is_large_in_its_latest_closed_wave() -> None:
    """The demo's Spring 2026 wave (wave 2): women's burnout is clearly above men's, as an
    equity comparison at organization level shows (two-proportion z above 2)."""
    wave = generate_wave(demo_spec(), wave=2, seed=20261123 % 2**31)
    flag = burnout_flag(wave.responses)
    gender = wave.responses["gender"]
    women, men = flag[gender == "woman"].dropna(), flag[gender == "man"].dropna()
    gap = float(women.mean() - men.mean())
    se = math.sqrt(
        women.mean() * (1 - women.mean()) / women.size + men.mean() * (1 - men.mean()) / men.size
    )
    assert gap > 0.10
    assert gap / se > 2.0
