"""Vectorized scoring of instrument responses (numpy), for a whole frame or one respondent.

Formulas, for a scale with items ``I`` and item scores ``s_i`` (the answer option's itemWeight;
a reverse-scored item scores ``lo_i + hi_i - s_i``), ``A`` the answered items and ``a = |A|``:

- ``value``: ``s_i`` of the single item;
- ``sum``: ``Σ_{i∈A} s_i`` (a sum requires every item, so ``a = |I|``);
- ``mean``: ``Σ_{i∈A} s_i / a``;
- ``rescale``: ``R_lo + (Σ_{i∈A} s_i − a·lo) · (R_hi − R_lo) / (a·(hi − lo))``, i.e. the mean mapped
  linearly from the item score range ``[lo, hi]`` onto the scale range ``[R_lo, R_hi]``
  (WHO-5: raw × 4). The product is formed before the division so that integer raw scores
  give exact results at cut-off boundaries (e.g. WHO-5 raw 7 → exactly 28).

If ``a < min_answered`` the scale and its cut-off flags are missing (NaN / <NA>). Cut-off flags
are ``score <op> value``. Sources for each instrument's rules are in its data file and in
``docs/instruments.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from clinwell.instruments.model import Instrument, Item, ScoringError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class _ItemRule:
    item: Item
    lut: FloatArray | None  # score by (code - offset); last slot = unanswered (0); NaN = invalid
    offset: int
    lo: float
    hi: float
    has_gaps: bool

    def allowed(self) -> str:
        if self.item.options:
            return "valid codes: " + ", ".join(str(o.code) for o in self.item.options)
        kind = "whole numbers" if self.item.type == "integer" else "numbers"
        return f"valid values: {kind} from {self.lo:g} to {self.hi:g}"


@dataclass
class _Answered:
    """One item's scores with 0 where unanswered (``s0``) and the answered mask."""

    s0: FloatArray
    answered: BoolArray
    reversed_s0: FloatArray | None = None


@lru_cache(maxsize=64)
def _rules(instrument: Instrument) -> dict[str, _ItemRule]:
    rules: dict[str, _ItemRule] = {}
    for item in instrument.items:
        lo, hi = item.score_range
        if item.options:
            codes = [o.code for o in item.options]
            offset = min(codes)
            lut = np.full(max(codes) - offset + 2, np.nan)
            lut[-1] = 0.0
            for o in item.options:
                lut[o.code - offset] = o.score
            gaps = bool(np.isnan(lut).any())
            rules[item.link_id] = _ItemRule(item, lut, offset, lo, hi, gaps)
        else:
            rules[item.link_id] = _ItemRule(item, None, 0, lo, hi, False)
    return rules


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


def _fail(rule: _ItemRule, bad: BoolArray, values: FloatArray, raw: pd.Series | None) -> None:
    pos = int(np.argmax(bad))
    shown = _shown(raw.iloc[pos] if raw is not None else float(values[pos]))
    row = pos + 1 if raw is not None else None
    link_id = rule.item.link_id
    where = f"row {row}, column {link_id!r}" if row is not None else f"item {link_id!r}"
    raise ScoringError(
        f"{where}: {shown} is not a valid answer ({rule.allowed()})", row=row, column=link_id
    )


def _item_scores(rule: _ItemRule, values: FloatArray, raw: pd.Series | None) -> _Answered:
    """Map codes/values to scores; raise :class:`ScoringError` at the first invalid entry.

    Choice items: ``k = code - offset`` must be a whole number indexing a defined LUT entry;
    unanswered entries gather the LUT's last slot (score 0).
    """
    answered = ~np.isnan(values)
    if rule.lut is not None:
        last = rule.lut.size - 1
        k = np.subtract(values, rule.offset)
        small = last < 127
        ki: npt.NDArray[np.signedinteger[Any]]
        with np.errstate(invalid="ignore"):  # NaN → garbage integer, masked out below
            ki = k.astype(np.int8) if small else k.astype(np.intp)
        unsigned: npt.NDArray[np.unsignedinteger[Any]] = ki.view(np.uint8 if small else np.uintp)
        bad = ki != k
        bad |= unsigned >= last
        bad &= answered
        if bad.any():
            _fail(rule, bad, values, raw)
        np.copyto(ki, last, where=~answered)
        s0 = rule.lut.take(ki)
        if rule.has_gaps:
            gap = np.isnan(s0)
            if gap.any():
                _fail(rule, gap, values, raw)
        return _Answered(s0, answered)
    ok = (values >= rule.lo) & (values <= rule.hi)
    if rule.item.type == "integer":
        ok &= values == np.floor(values)
    bad = answered & ~ok
    if bad.any():
        _fail(rule, bad, values, raw)
    return _Answered(np.where(answered, values, 0.0), answered)


def _compare(score: FloatArray, op: str, value: float) -> BoolArray:
    if op == ">=":
        return score >= value
    if op == ">":
        return score > value
    if op == "<=":
        return score <= value
    return score < value


def _combine(
    instrument: Instrument, items: Mapping[str, _Answered], n: int
) -> dict[str, FloatArray | tuple[BoolArray, BoolArray]]:
    """Scale scores (float, NaN if unscorable) and flags ``(values, missing)`` per output column."""
    rules = _rules(instrument)
    out: dict[str, FloatArray | tuple[BoolArray, BoolArray]] = {}
    for sc in instrument.scales:
        total = np.zeros(n)
        count = np.zeros(n, dtype=np.int16)
        for link_id in sc.items:
            a = items.get(link_id)
            if a is None:
                continue
            s0 = a.s0
            if link_id in sc.reverse:
                if a.reversed_s0 is None:
                    rule = rules[link_id]
                    a.reversed_s0 = np.where(a.answered, (rule.lo + rule.hi) - a.s0, 0.0)
                s0 = a.reversed_s0
            total += s0
            count += a.answered
        enough = count >= sc.min_answered
        if sc.method in ("value", "sum"):
            value = total
        elif sc.method == "mean":
            value = total / np.maximum(count, 1)
        else:
            safe = np.maximum(count, 1)
            lo, hi = rules[sc.items[0]].lo, rules[sc.items[0]].hi
            r_lo, r_hi = sc.range
            value = r_lo + (total - safe * lo) * (r_hi - r_lo) / (safe * (hi - lo))
        np.copyto(value, np.nan, where=~enough)
        out[f"{instrument.id}.{sc.id}"] = value
        for cut in sc.cutoffs:
            out[f"{instrument.id}.{cut.id}"] = (_compare(value, cut.op, cut.value), ~enough)
    return out


def score_item_arrays(
    instrument: Instrument, scores: Mapping[str, FloatArray], n: int
) -> dict[str, FloatArray | tuple[BoolArray, BoolArray]]:
    """Combine item *scores* (not codes; NaN = unanswered) into scale scores and flags.

    Returns ``{column: float array}`` for scales and ``{column: (values, missing_mask)}`` for
    cut-off flags. Items absent from ``scores`` count as unanswered.
    """
    items = {}
    for link_id, s in scores.items():
        answered = ~np.isnan(s)
        items[link_id] = _Answered(np.where(answered, s, 0.0), answered)
    return _combine(instrument, items, n)


def _column_values(frame: pd.DataFrame, link_id: str) -> tuple[FloatArray, pd.Series]:
    col = frame[link_id]
    if pd.api.types.is_bool_dtype(col.dtype):
        raise ScoringError(
            f"column {link_id!r}: true/false values are not answer codes", column=link_id
        )
    if pd.api.types.is_numeric_dtype(col.dtype):
        return col.to_numpy(dtype=np.float64, na_value=np.nan), col
    text = col.astype("string").str.strip()
    text = text.where(text != "")
    numbers = pd.to_numeric(text, errors="coerce")
    bad = (text.notna() & numbers.isna()).to_numpy(dtype=bool)
    if bad.any():
        pos = int(np.argmax(bad))
        raise ScoringError(
            f"row {pos + 1}, column {link_id!r}: {_shown(col.iloc[pos])} is not a number",
            row=pos + 1,
            column=link_id,
        )
    return numbers.to_numpy(dtype=np.float64, na_value=np.nan), col


def _suggest(instrument: Instrument, name: str) -> str | None:
    """The linkId a mistyped column most probably meant (case, spaces, leading zeros), if any."""
    key = "".join(name.split()).casefold()
    for link_id in instrument.link_ids:
        if link_id.casefold() == key:
            return link_id
    suffix = key[len(instrument.id) + 1 :]
    if suffix.isdigit():
        guess = f"{instrument.id}.{int(suffix)}"
        return guess if guess in instrument.link_ids else None
    return None


def check_columns(instrument: Instrument, columns: list[str]) -> list[str]:
    """Item linkIds present in ``columns``.

    Raise :class:`ScoringError` for any column that, ignoring case and surrounding whitespace,
    looks like ``<instrument id>.<something>`` but is not exactly an item linkId (``cbi.20``,
    ``CBI.1``, ``" cbi.2"``): such a column would otherwise pass through unscored and its item
    count as unanswered. The message names the column and suggests the linkId it probably
    meant. Other columns are passthrough and ignored.
    """
    items = set(instrument.link_ids)
    prefix = f"{instrument.id}.".casefold()
    for name in columns:
        if not isinstance(name, str) or name in items:
            continue
        if not name.strip().casefold().startswith(prefix):
            continue
        stripped = name.strip()
        if stripped in items:
            message = (
                f"column {name!r}: has spaces around the linkId {stripped!r}; "
                "remove them (item columns must match the linkId exactly)"
            )
        else:
            guess = _suggest(instrument, name)
            message = (
                f"column {name!r}: unknown linkId, not an item of {instrument.id} "
                f"(items: {instrument.link_ids[0]} … {instrument.link_ids[-1]})"
            )
            if guess is not None:
                message += (
                    f"; did you mean {guess!r}? (item columns must match the linkId "
                    "exactly, including case)"
                )
        raise ScoringError(message, column=name)
    given = set(columns)
    return [i for i in instrument.link_ids if i in given]


def score_frame(instrument: Instrument, df: pd.DataFrame) -> pd.DataFrame:
    """Score every row of ``df`` (one column per item linkId; other columns are ignored).

    Returns a frame with the same index and one column per output (``instrument.output_names``):
    float64 scale scores (NaN when unscorable) and nullable ``boolean`` cut-off flags.
    Raises :class:`ScoringError` naming the 1-based row and the column for an invalid code, and
    the column for an unknown or mistyped ``<id>.<x>`` linkId (see :func:`check_columns`).
    Item columns missing from ``df`` count as unanswered. See the module docstring for the formulas.
    """
    if df.columns.has_duplicates:
        dup = df.columns[df.columns.duplicated()][0]
        raise ScoringError(f"column {dup!r} appears more than once", column=str(dup))
    present = check_columns(instrument, [str(c) for c in df.columns])
    if not present:
        raise ScoringError(
            f"no item columns for {instrument.id}: expected columns named "
            f"{instrument.link_ids[0]} … {instrument.link_ids[-1]}"
        )
    rules = _rules(instrument)
    items: dict[str, _Answered] = {}
    for link_id in present:
        values, raw = _column_values(df, link_id)
        items[link_id] = _item_scores(rules[link_id], values, raw)
    return _to_frame(_combine(instrument, items, len(df)), df.index)


def _to_frame(
    arrays: Mapping[str, FloatArray | tuple[BoolArray, BoolArray]], index: pd.Index
) -> pd.DataFrame:
    data: dict[str, object] = {}
    for name, arr in arrays.items():
        if isinstance(arr, tuple):
            data[name] = pd.arrays.BooleanArray(arr[0], arr[1])
        else:
            data[name] = arr
    return pd.DataFrame(data, index=index)


def score_answers(
    instrument: Instrument, answers: Mapping[str, int | float | None]
) -> dict[str, float | bool | None]:
    """Score one respondent: ``answers`` maps item linkId → answer code (``None`` = unanswered).

    Same engine and rules as :func:`score_frame`. Keys that look like ``<instrument id>.<x>``
    (ignoring case and surrounding whitespace) must be exactly item linkIds; other keys are
    ignored. Returns ``{output column: value}`` with ``None``
    for scales that cannot be scored.
    """
    rules = _rules(instrument)
    items: dict[str, _Answered] = {}
    for link_id in check_columns(instrument, list(answers)):
        v = answers[link_id]
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
            raise ScoringError(f"item {link_id!r}: {v!r} is not a number", column=link_id)
        arr = np.array([np.nan if v is None else float(v)])
        items[link_id] = _item_scores(rules[link_id], arr, None)
    result: dict[str, float | bool | None] = {}
    for name, out in _combine(instrument, items, 1).items():
        if isinstance(out, tuple):
            result[name] = None if out[1][0] else bool(out[0][0])
        else:
            result[name] = None if np.isnan(out[0]) else float(out[0])
    return result
