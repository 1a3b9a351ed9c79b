"""Benchmark: vectorized instrument scoring vs a straightforward per-row Python scorer.

A 40-item survey (CBI 19 + PFI 16 + WHO-5 5 items) with 5% unanswered items, scored by
``clinwell.instruments.score_frame`` for every row, and by a plain per-row Python loop (what
one would write with ``for row in df.to_dict("records")``) on a sample; the per-row rate is
extrapolated to the full size. Both give identical results on the sample (checked).

Run:  .venv/bin/python benchmarks/bench_scoring.py [--rows 1000000] [--baseline-rows 50000]
"""

from __future__ import annotations

import argparse
import math
import platform
import time
from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from clinwell.instruments import Instrument, get_instrument, score_frame

INSTRUMENTS = ("cbi", "pfi", "who5")


def make_responses(rows: int, seed: int = 7) -> pd.DataFrame:
    """Random valid answer codes for every item, 5% left unanswered (NaN)."""
    rng = np.random.default_rng(seed)
    data: dict[str, np.ndarray] = {}
    for iid in INSTRUMENTS:
        for item in get_instrument(iid).items:
            codes = np.array([o.code for o in item.options], dtype=np.float64)
            col = rng.choice(codes, size=rows)
            col[rng.random(rows) < 0.05] = np.nan
            data[item.link_id] = col
    return pd.DataFrame(data)


def per_row(inst: Instrument, records: list[dict[Hashable, Any]]) -> list[dict[str, object]]:
    """The straightforward implementation: a Python loop over rows, items and scales."""
    weights = {i.link_id: {o.code: o.score for o in i.options} for i in inst.items}
    out = []
    for rec in records:
        row: dict[str, object] = {}
        for sc in inst.scales:
            scores = []
            for link_id in sc.items:
                code = rec.get(link_id)
                if code is None or math.isnan(code):
                    continue
                s = weights[link_id][int(code)]
                if link_id in sc.reverse:
                    w = weights[link_id].values()
                    s = min(w) + max(w) - s
                scores.append(s)
            if len(scores) < sc.min_answered:
                value = None
            elif sc.method in ("sum", "value"):
                value = sum(scores)
            elif sc.method == "mean":
                value = sum(scores) / len(scores)
            else:
                w = weights[sc.items[0]].values()
                lo, hi = min(w), max(w)
                value = sc.range[0] + (sum(scores) - len(scores) * lo) * (
                    sc.range[1] - sc.range[0]
                ) / (len(scores) * (hi - lo))
            row[f"{inst.id}.{sc.id}"] = value
            for cut in sc.cutoffs:
                ok = None
                if value is not None:
                    ok = {
                        ">=": value >= cut.value,
                        ">": value > cut.value,
                        "<=": value <= cut.value,
                        "<": value < cut.value,
                    }[cut.op]
                row[f"{inst.id}.{cut.id}"] = ok
        out.append(row)
    return out


def score_all(df: pd.DataFrame) -> list[pd.DataFrame]:
    return [score_frame(get_instrument(iid), df) for iid in INSTRUMENTS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    df = make_responses(args.rows)
    n_items = df.shape[1]
    score_all(df.iloc[:1000])  # warm caches
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        vectorized = score_all(df)
        times.append(time.perf_counter() - t0)
    best = min(times)

    sample = df.iloc[: args.baseline_rows]
    t0 = time.perf_counter()
    records = sample.to_dict("records")
    baseline = [per_row(get_instrument(iid), records) for iid in INSTRUMENTS]
    base_time = time.perf_counter() - t0

    for frame, rows in zip(vectorized, baseline, strict=True):
        expected = pd.DataFrame(rows)
        got = frame.iloc[: args.baseline_rows].reset_index(drop=True)
        for col in expected.columns:
            a = pd.to_numeric(expected[col].astype("Float64"), errors="coerce")
            b = pd.to_numeric(got[col].astype("Float64"), errors="coerce")
            pd.testing.assert_series_equal(a, b, check_names=False, rtol=1e-12)

    base_rate = args.baseline_rows / base_time
    print(
        f"machine: {platform.processor() or platform.machine()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}"
    )
    print(f"survey: {args.rows:,} responses x {n_items} items ({', '.join(INSTRUMENTS)})")
    print(
        f"vectorized score_frame: best of {args.repeat}: {best:.3f} s "
        f"({args.rows / best:,.0f} responses/s); all runs: " + ", ".join(f"{t:.3f}" for t in times)
    )
    print(
        f"per-row Python loop: {args.baseline_rows:,} rows in {base_time:.3f} s "
        f"({base_rate:,.0f} responses/s) -> {args.rows / base_rate:.1f} s projected for "
        f"{args.rows:,}"
    )
    print(
        f"speed-up: {base_time / args.baseline_rows * args.rows / best:.0f}x; "
        "results identical on the sample"
    )


if __name__ == "__main__":
    main()
