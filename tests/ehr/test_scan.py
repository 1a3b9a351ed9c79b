"""The one-pass scan of sorted Parquet equals the general engine exactly, row groups or not."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clinwell.ehr import MetricParams, compute_metrics
from clinwell.synth.audit_log import AuditLog

from .cases import ACTIONS, CASES, Case


def write_events(frame: pd.DataFrame, path: Path, row_group_size: int) -> Path:
    ordered = frame.sort_values(["clinician_id", "event_time"], kind="stable")
    pq.write_table(
        pa.Table.from_pandas(ordered, preserve_index=False), path, row_group_size=row_group_size
    )
    return path


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("row_group_size", [1, 2, 1000])
def test_hand_computed_cases_scan_equals_window(
    case: Case, row_group_size: int, tmp_path: Path
) -> None:
    events = write_events(case.events, tmp_path / "events.parquet", row_group_size)
    params = MetricParams(**case.kwargs)
    args = (case.schedule, ACTIONS, case.orders)
    scanned = compute_metrics(events, *args, params=params, strategy="scan")
    window = compute_metrics(events, *args, params=params, strategy="window")
    assert scanned.run["strategy"] == "scan"
    assert window.run["strategy"] == "window"
    pd.testing.assert_frame_equal(scanned.metrics, window.metrics, check_exact=True)


def test_planted_truth_through_small_row_groups(tmp_path: Path, small_log: AuditLog) -> None:
    log = small_log
    events = write_events(log.events, tmp_path / "events.parquet", 997)
    for period, mode, buffer in (
        ("week", "schedule", 0),
        ("month", "clock", 0),
        ("week", "schedule", 60),
    ):
        params = MetricParams(period=period, wow_mode=mode, buffer_minutes=buffer)  # type: ignore[arg-type]
        got = compute_metrics(events, log.schedule, log.actions, log.orders, params=params)
        assert got.run["strategy"] == "scan"
        pd.testing.assert_frame_equal(got.metrics, log.truth(period, mode), check_exact=True)


def test_unsorted_file_falls_back_to_the_window(tmp_path: Path, small_log: AuditLog) -> None:
    log = small_log
    by_time = log.events.sort_values("event_time", kind="stable")
    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(by_time, preserve_index=False), path, row_group_size=5000)
    got = compute_metrics(path, log.schedule, log.actions, log.orders)
    assert got.run["strategy"].startswith("window (events not sorted")
    pd.testing.assert_frame_equal(got.metrics, log.truth(), check_exact=True)


def test_bad_rows_are_counted_alike(tmp_path: Path) -> None:
    events = pd.DataFrame(
        {
            "clinician_id": ["A", "A", "A", "A", None, "Z", "A"],
            "event_time": pd.to_datetime(
                [
                    "2024-01-01 08:00",
                    "2024-01-01 08:01",
                    None,
                    "2024-01-01 08:02",
                    "2024-01-01 08:03",
                    "2024-01-01 08:04",
                    "2024-01-01 08:05",
                ]
            ).astype("datetime64[us]"),
            "action": ["NOTE", "MYSTERY", "NOTE", " ", "NOTE", "NOTE", "NOTE"],
        }
    )
    schedule = pd.DataFrame(
        {
            "clinician_id": ["A"],
            "start": [pd.Timestamp("2024-01-01 08:00")],
            "end": [pd.Timestamp("2024-01-01 12:00")],
        }
    )
    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(events, preserve_index=False), path)
    scanned = compute_metrics(path, schedule, ACTIONS, strategy="scan")
    window = compute_metrics(path, schedule, ACTIONS, strategy="window")
    assert scanned.run["strategy"] == "scan"
    pd.testing.assert_frame_equal(scanned.metrics, window.metrics, check_exact=True)
    counts = lambda r: sorted((p.kind, p.column, p.count) for p in r.problems)  # noqa: E731
    assert counts(scanned) == counts(window)
    assert scanned.run["unmapped_actions"] == window.run["unmapped_actions"] == [("MYSTERY", 1)]
    rows = {p.kind: p.examples[0].get("row") for p in scanned.problems}
    assert rows["unparseable_timestamp"] == "3"  # row numbers of the Parquet file, from 1


def test_two_threads_equal_one(tmp_path: Path, small_log: AuditLog) -> None:
    """Cut at a change of clinician near the middle, the two halves add up to the whole."""
    from clinwell.ehr.engines import connect
    from clinwell.ehr.metrics import US_PER_DAY  # noqa: F401  (engine constants load)
    from clinwell.ehr.readers import load
    from clinwell.ehr.scan import _split, scan_events, scannable
    from clinwell.ehr.validate import Collector, check_schedule

    path = write_events(small_log.events, tmp_path / "events.parquet", 1500)
    pf = scannable(path, "auto")
    assert pf is not None
    plans = _split(pf)
    assert plans is not None
    assert plans[0][-1][0] <= plans[1][0][0]  # the second part starts where the first ends
    sessions = check_schedule(
        load(connect(), small_log.schedule, "schedule"), Collector(False), "UTC", "duckdb"
    )
    params = MetricParams()
    one = scan_events(pf, "events", sessions, small_log.actions, params, threads=1)
    two = scan_events(pf, "events", sessions, small_log.actions, params, threads=2)
    key = ["clinician_id", "day"]
    pd.testing.assert_frame_equal(
        one.daily.sort_values(key).reset_index(drop=True),
        two.daily.sort_values(key).reset_index(drop=True),
        check_exact=True,
    )
    assert one.events == two.events == len(small_log.events)
