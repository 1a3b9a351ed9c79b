"""``clinwell synth audit-log``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from clinwell.cli import app

runner = CliRunner()


def test_synth_audit_log_writes_files(tmp_path: Path) -> None:
    out = tmp_path / "log"
    result = runner.invoke(
        app,
        ["synth", "audit-log", "--clinicians", "3", "--days", "7", "--seed", "1", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "events" in result.output
    events = pd.read_parquet(out / "events.parquet")
    assert set(events.columns) >= {"clinician_id", "event_time", "action", "patient_id"}
    assert events["clinician_id"].nunique() == 3
    assert (out / "truth_week.parquet").exists()


def test_synth_rejects_bad_options(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["synth", "audit-log", "--gap-rule", "maybe", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "gap_rule" in result.output


def test_synth_is_a_sub_app() -> None:
    result = runner.invoke(app, ["synth", "--help"])
    assert result.exit_code == 0
    assert "audit-log" in result.output


def test_synth_survey_writes_scorable_waves_with_truth(tmp_path) -> None:
    import json

    import pandas as pd

    from clinwell.instruments import get_instrument, score_frame

    result = CliRunner().invoke(
        app,
        [
            "synth",
            "survey",
            "--units",
            "4",
            "--headcount",
            "30",
            "--waves",
            "2",
            "-o",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(tmp_path / "wave_1.csv")
    assert {"unit", "role", "tenure_band", "single_item_burnout.1"} <= set(frame.columns)
    scored = score_frame(get_instrument("single_item_burnout"), frame[["single_item_burnout.1"]])
    assert scored["single_item_burnout.burnout"].notna().mean() > 0.9  # ~2% planted missing
    truth = json.loads((tmp_path / "wave_1.truth.json").read_text())
    assert truth["planted"] == "documentation"
