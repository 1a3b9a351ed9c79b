"""Metric definitions on hand-built cases (DuckDB) and against a brute-force reference."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinwell.ehr import OUTPUT_COLUMNS, MetricParams, compute_metrics
from clinwell.ehr.metrics import session_pieces

from .cases import ACTIONS, CASES, Case


def run_case(case: Case, **extra: object) -> pd.DataFrame:
    result = compute_metrics(
        case.events,
        case.schedule,
        ACTIONS,
        case.orders,
        params=MetricParams(**case.kwargs),
        **extra,  # type: ignore[arg-type]
    )
    return result.metrics


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hand_computed_cases(case: Case) -> None:
    got = run_case(case)
    assert list(got.columns) == list(OUTPUT_COLUMNS)
    for column, values in case.expected.items():
        assert len(got) == len(values), column
        for actual, want in zip(got[column], values, strict=True):
            if column == "period_start":
                assert actual == dt.date.fromisoformat(want)
            elif want is None:
                assert math.isnan(actual), column
            else:
                assert actual == pytest.approx(want, rel=1e-12, abs=1e-15), column


def test_teamwork_is_empty_without_orders() -> None:
    got = run_case(CASES[0])
    assert got["teamwork_orders_pct"].isna().all()


def test_session_pieces_merge_and_split_at_midnight() -> None:
    day = 86_400_000_000
    hour = 3_600_000_000
    sessions = pd.DataFrame(
        {
            "clinician_id": ["A", "A", "A"],
            "start_us": [8 * hour, 12 * hour + 30 * 60_000_000, 22 * hour],
            "end_us": [12 * hour, 16 * hour, day + 6 * hour],
        }
    )
    pieces = session_pieces(sessions, buffer_minutes=30)
    # 07:30–12:30 and 12:00–16:30 merge; the night session splits at midnight.
    assert pieces[["day", "lo", "hi"]].to_numpy().tolist() == [
        [0, 7 * hour + 30 * 60_000_000, 16 * hour + 30 * 60_000_000],
        [0, 21 * hour + 30 * 60_000_000, day],
        [1, day, day + 6 * hour + 30 * 60_000_000],
    ]


def brute_force(
    times: list[int], codes: list[int], sessions: list[tuple[int, int]], timeout: int, cap: bool
) -> dict[str, int]:
    """Straightforward reference: sort, credit gap to next, check every session."""
    order = sorted(range(len(times)), key=lambda i: (times[i], codes[i]))
    ehr = wow = note = 0
    for k, i in enumerate(order):
        if k + 1 == len(order):
            credit = 0
        else:
            gap = times[order[k + 1]] - times[i]
            credit = gap if gap <= timeout else (timeout if cap else 0)
        ehr += credit
        if not any(lo <= times[i] < hi for lo, hi in sessions):
            wow += credit
        if codes[i] == 0:
            note += credit
    return {"ehr": ehr, "wow": wow, "note": note}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    offsets=st.lists(st.integers(0, 6 * 3600), min_size=1, max_size=40),
    codes=st.lists(st.integers(0, 1), min_size=40, max_size=40),
    timeout=st.integers(1, 900),
    cap=st.booleans(),
)
def test_matches_brute_force_reference(
    offsets: list[int], codes: list[int], timeout: int, cap: bool
) -> None:
    base = pd.Timestamp("2024-01-02 06:00")  # a Tuesday
    codes = codes[: len(offsets)]
    events = pd.DataFrame(
        {
            "clinician_id": "A",
            "event_time": [base + pd.Timedelta(seconds=s) for s in offsets],
            "action": ["NOTE" if c == 0 else "INBOX" for c in codes],
        }
    )
    sessions_s = [(2 * 3600, 4 * 3600), (4 * 3600 + 1800, 5 * 3600)]
    schedule = pd.DataFrame(
        {
            "clinician_id": "A",
            "start": [base + pd.Timedelta(seconds=a) for a, _ in sessions_s],
            "end": [base + pd.Timedelta(seconds=b) for _, b in sessions_s],
        }
    )
    got = compute_metrics(
        events,
        schedule,
        ACTIONS,
        params=MetricParams(idle_timeout=timeout, gap_rule="cap" if cap else "drop"),
    ).metrics
    want = brute_force(offsets, codes, sessions_s, timeout, cap)
    assert len(got) == 1
    assert got["ehr_hours"].iloc[0] == want["ehr"] / 3600
    assert got["wow_hours"].iloc[0] == want["wow"] / 3600
    assert got["note_hours"].iloc[0] == want["note"] / 3600
    assert got["scheduled_hours"].iloc[0] == 2.5
    assert np.isclose(got["ehr_time8"].iloc[0], 8 * want["ehr"] / 3600 / 2.5, rtol=1e-12)
