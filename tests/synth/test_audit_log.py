"""The audit-log generator: determinism and the construction its ground truth relies on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clinwell.synth.audit_log import (
    MAX_BUFFER_MINUTES,
    AuditLogSpec,
    generate_audit_log,
    iter_chunks,
    write_audit_log,
)


def test_same_seed_same_log_and_different_seed_differs() -> None:
    a = generate_audit_log(clinicians=3, days=10, seed=4)
    b = generate_audit_log(clinicians=3, days=10, seed=4)
    c = generate_audit_log(clinicians=3, days=10, seed=5)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.truth(), b.truth())
    assert not a.events["event_time"].equals(c.events["event_time"])


def test_chunking_does_not_change_the_data() -> None:
    spec = AuditLogSpec(clinicians=5, days=8, seed=2)
    one = next(iter_chunks(spec, chunk_clinicians=5)).events
    many = pd.concat([c.events for c in iter_chunks(spec, chunk_clinicians=2)], ignore_index=True)
    assert one["event_time"].equals(many["event_time"])
    assert list(one["clinician_id"].astype(str)) == list(many["clinician_id"].astype(str))


@pytest.mark.parametrize("timeout", [60, 300, 900])
def test_every_gap_is_clearly_below_or_above_the_timeout(timeout: int) -> None:
    log = generate_audit_log(clinicians=4, days=14, seed=timeout, idle_timeout=timeout)
    for _, ev in log.events.groupby("clinician_id"):
        gaps = np.diff(ev["event_time"].to_numpy().astype("datetime64[s]").astype("int64"))
        assert (gaps >= 1).all()  # no ties, so tie order never matters to the truth
        assert ((gaps <= 0.8 * timeout) | (gaps >= 2 * timeout)).all()


def test_outside_windows_stay_clear_of_buffered_sessions() -> None:
    log = generate_audit_log(clinicians=4, days=21, seed=9)
    buf = pd.Timedelta(minutes=MAX_BUFFER_MINUTES)
    for cid, ev in log.events.groupby("clinician_id"):
        sessions = log.schedule[log.schedule["clinician_id"] == cid]
        times = ev["event_time"].to_numpy()
        strict_in = np.zeros(len(times), dtype=bool)
        wide_in = np.zeros(len(times), dtype=bool)
        for s, e in zip(sessions["start"], sessions["end"], strict=True):
            strict_in |= (times >= s.to_datetime64()) & (times < e.to_datetime64())
            wide_in |= (times >= (s - buf).to_datetime64()) & (times < (e + buf).to_datetime64())
        assert (strict_in == wide_in).all()  # a buffer up to 60 min changes nothing
        assert strict_in.any()
        assert (~strict_in).any()


def test_truth_is_internally_consistent() -> None:
    log = generate_audit_log(clinicians=5, days=28, seed=1)
    t = log.truth()
    parts = t[
        ["note_hours", "inbox_hours", "order_hours", "prescription_hours", "chart_review_hours"]
    ]
    assert (parts.sum(axis=1) <= t["ehr_hours"] + 1e-12).all()
    assert (t["wow_hours"] <= t["ehr_hours"]).all()
    assert (t["wow_hours"] > 0).any()
    assert t["teamwork_orders_pct"].dropna().between(0, 100).all()
    week = t.groupby("clinician_id")["ehr_hours"].sum()
    month = log.truth("month").groupby("clinician_id")["ehr_hours"].sum()
    assert np.allclose(week.to_numpy(), month.to_numpy(), rtol=1e-12)


def test_write_audit_log_files(tmp_path: Path) -> None:
    info = write_audit_log(AuditLogSpec(clinicians=3, days=7, seed=3), tmp_path, chunk_clinicians=2)
    names = {p.name for p in tmp_path.iterdir()}
    assert {
        "events.parquet",
        "schedule.parquet",
        "orders.parquet",
        "actions.csv",
        "spec.json",
    } <= names
    assert {"truth_week.parquet", "truth_month_clock.parquet"} <= names
    assert len(pd.read_parquet(tmp_path / "events.parquet")) == info["rows"]["events"]
    spec = json.loads((tmp_path / "spec.json").read_text())
    assert spec["truth_holds_for"]["idle_timeout"] == 300
    in_memory = generate_audit_log(clinicians=3, days=7, seed=3).truth()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "truth_week.parquet"), in_memory)


def test_bad_spec_is_rejected() -> None:
    with pytest.raises(ValueError, match="idle_timeout"):
        AuditLogSpec(idle_timeout=5000)
    with pytest.raises(ValueError, match="gap_rule"):
        AuditLogSpec(gap_rule="sometimes")
