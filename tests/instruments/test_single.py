"""The plain-Python single-respondent scorer gives exactly the vectorized engine's results."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinwell.instruments import (
    Instrument,
    ScoringError,
    get_instrument,
    load_library,
    score_answers,
)
from clinwell.instruments.single import score_one

SHIPPED = sorted(load_library())


def _choices(inst: Instrument, link_id: str) -> list[int | float | None]:
    """Every answer an item can take, plus unanswered (None = missing or prefer not to say)."""
    item = inst.item(link_id)
    if item.options:
        return [None, *(o.code for o in item.options)]
    lo, hi = item.score_range
    return [None, lo, hi, (lo + hi) / 2] if item.type != "integer" else [None, lo, hi]


def _same(a: dict[str, object], b: dict[str, object]) -> None:
    """Same keys in the same order, identical values and types (bit-for-bit floats)."""
    assert list(a) == list(b)
    for key in a:
        assert type(a[key]) is type(b[key]), key
        assert a[key] == b[key], key


def test_every_shipped_instrument_is_covered() -> None:
    assert len(SHIPPED) >= 8
    assert {"single_item_burnout", "who5", "org_wellbeing", "admin_burden"} <= set(SHIPPED)


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_all_answered_blank_and_each_item_alone(instrument_id: str) -> None:
    inst = get_instrument(instrument_id)
    cases: list[dict[str, int | float | None]] = [{}, dict.fromkeys(inst.link_ids)]
    for link_id in inst.link_ids:
        for value in _choices(inst, link_id):
            cases.append({link_id: value})
    for case in cases:
        _same(score_one(inst, case), score_answers(inst, case))


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_random_answer_sets_with_gaps_match(instrument_id: str) -> None:
    inst = get_instrument(instrument_id)
    rng = random.Random(instrument_id)
    for _ in range(300):
        gap_share = rng.choice([0.0, 0.2, 0.5, 0.9])
        answers = {
            link_id: None if rng.random() < gap_share else rng.choice(_choices(inst, link_id))
            for link_id in inst.link_ids
        }
        _same(score_one(inst, answers), score_answers(inst, answers))


@pytest.mark.parametrize("instrument_id", ["single_item_burnout", "who5", "mini_z2", "cbi"])
def test_exhaustive_small_instruments(instrument_id: str) -> None:
    """Every combination of answers (including missing) on the short instruments."""
    inst = get_instrument(instrument_id)
    ids = inst.link_ids
    pools = [_choices(inst, link_id) for link_id in ids]
    combos = itertools.product(*pools)
    for n, combo in enumerate(combos):
        if n >= 5_000:
            break
        answers = dict(zip(ids, combo, strict=True))
        _same(score_one(inst, answers), score_answers(inst, answers))


@pytest.mark.parametrize("instrument_id", SHIPPED)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_hypothesis_answers_match(instrument_id: str, data: st.DataObject) -> None:
    inst = get_instrument(instrument_id)
    answers = {
        link_id: data.draw(st.sampled_from(_choices(inst, link_id))) for link_id in inst.link_ids
    }
    _same(score_one(inst, answers), score_answers(inst, answers))


def test_who5_raw_seven_is_exactly_28_and_below_cutoff() -> None:
    inst = get_instrument("who5")
    # codes are item scores 0–5 here; a raw total of 7 must rescale to exactly 28
    answers: dict[str, int | float | None] = dict.fromkeys(inst.link_ids, 0)
    answers[inst.link_ids[0]], answers[inst.link_ids[1]] = 5, 2
    expected = score_answers(inst, answers)
    got = score_one(inst, answers)
    _same(got, expected)
    assert 28.0 in got.values()


@pytest.mark.parametrize("bad", [99, 2.5, -1, float("inf"), "3", True])
def test_invalid_answers_raise_the_same_error(bad: object) -> None:
    inst = get_instrument("single_item_burnout")
    answers = {"single_item_burnout.1": bad}
    with pytest.raises(ScoringError) as want:
        score_answers(inst, answers)  # type: ignore[arg-type]
    with pytest.raises(ScoringError) as got:
        score_one(inst, answers)  # type: ignore[arg-type]
    assert str(got.value) == str(want.value)
    assert got.value.column == want.value.column


def test_numeric_item_out_of_range_raises_the_same_error() -> None:
    inst = get_instrument("admin_burden")
    numeric = next(i for i in inst.items if not i.options and i.max_value is not None)
    answers = {numeric.link_id: numeric.max_value + 1}
    with pytest.raises(ScoringError) as want:
        score_answers(inst, answers)
    with pytest.raises(ScoringError) as got:
        score_one(inst, answers)
    assert str(got.value) == str(want.value)


def test_unknown_item_key_raises_and_other_keys_are_ignored() -> None:
    inst = get_instrument("cbi")
    with pytest.raises(ScoringError, match="unknown linkId"):
        score_one(inst, {"cbi.x": 1})
    _same(score_one(inst, {"note": 3, "cbi.1": 1}), score_answers(inst, {"note": 3, "cbi.1": 1}))
