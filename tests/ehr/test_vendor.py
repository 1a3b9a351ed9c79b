"""Vendor usage extracts become the same metrics table, labelled as vendor active time."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from clinwell.ehr import EhrInputError, EhrValidationError
from clinwell.ehr.vendor import compute_vendor_metrics, default_metric_map

PEP = """DE_ID,Grouper,Metric,24-Jul,24-Aug
17,PHYSICIAN,Count Of Minutes In The System,600,540
17,PHYSICIAN,Scheduled Hours per Day,8,8
17,PHYSICIAN,Count Of Scheduled Days,10,9
17,PHYSICIAN,Count Of Appointments,100,90
17,PHYSICIAN,Minutes In In Basket Per Appointment,1.5,n/a
17,PHYSICIAN,Count Of Minutes Active Outside Scheduled Time (30 Min Buffer),120,0
17,PHYSICIAN,% Of Minutes On Sunday,3,4
"""


def test_wide_signal_extract_hand_computed(tmp_path: Path) -> None:
    path = tmp_path / "pep.csv"
    path.write_text(PEP, encoding="utf-8")
    result = compute_vendor_metrics(path)
    july, august = (result.metrics.iloc[i] for i in range(2))
    assert str(july["period_start"]) == "2024-07-01"
    assert july["scheduled_hours"] == 80.0  # 8 h × 10 days
    assert july["ehr_hours"] == 10.0  # 600 min
    assert july["ehr_time8"] == pytest.approx(1.0)
    assert july["inbox_hours"] == pytest.approx(2.5)  # 1.5 min × 100 appointments
    assert july["ib_time8"] == pytest.approx(0.25)
    assert july["wow8"] == pytest.approx(0.2)
    assert august["scheduled_hours"] == 72.0
    assert august["inbox_hours"] == 0.0  # "n/a" left out and reported
    found = {p.kind: p for p in result.problems}
    bad = found["invalid_number"]
    assert (bad.count, bad.column, bad.examples[0]["row"]) == (1, "value", "6")
    assert str(path) in bad.message()
    assert found["unmapped_action"].count == 2  # the Sunday share, two months
    methods = result.methods()
    assert "vendor active time" in methods["active_time"]
    assert "not public" in methods["active_time"]
    assert "vendor active time" in methods["comparability"]


def test_long_extract_strict_and_oracle_needs_a_map(tmp_path: Path) -> None:
    long = pd.DataFrame(
        {
            "user_id": ["A", "A", ""],
            "period_start": ["2024-07-01", "2024-07-01", "2024-07-01"],
            "metric": ["Count Of Minutes In The System", "Count Of Scheduled Days", "x"],
            "value": ["60", "1", "1"],
        }
    )
    with pytest.raises(EhrValidationError) as info:
        compute_vendor_metrics(long, strict=True)
    assert info.value.problem.column == "clinician_id"
    with pytest.raises(EhrInputError, match="no public metric names"):
        compute_vendor_metrics(long, vendor="oracle_health")
    own = pd.DataFrame(
        {"metric": ["Chart Review Minutes"], "quantity": ["chart_review_hours"], "factor": ["0.5"]}
    )
    cerner = pd.DataFrame(
        {
            "user_id": ["B"],
            "period_start": ["2024-07-15"],
            "metric": ["Chart Review Minutes"],
            "value": ["4"],
        }
    )
    result = compute_vendor_metrics(cerner, vendor="oracle_health", metric_map=own)
    assert result.metrics.iloc[0]["chart_review_hours"] == 2.0


def test_shipped_signal_map_is_labelled_unconfirmed() -> None:
    amap = default_metric_map("epic_signal")
    assert (amap["confirmed"] == "false").all()
