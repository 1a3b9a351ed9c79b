"""`clinwell comments`: through the CLI, on the real model."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clinwell.cli import app

runner = CliRunner()

ROWS = [
    {"rid": "a1", "comment": "I chart at home every night after clinic.", "unit": "North"},
    {"rid": "a2", "comment": "Security never comes when patients threaten us.", "unit": "South"},
    {"rid": "a3", "comment": "", "unit": "South"},
]


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_json_output_has_one_object_per_row(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "comments",
            "themes",
            str(_csv(tmp_path / "c.csv", ROWS)),
            "--text",
            "comment",
            "--id",
            "rid",
        ],
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["id"] for r in records] == ["a1", "a2", "a3"]
    assert set(records[0]) == {"id", "themes", "sentiment"}
    assert "ehr_documentation" in records[0]["themes"]
    assert "safety_violence" in records[1]["themes"]
    assert records[2] == {"id": "a3", "themes": [], "sentiment": "neutral"}


def test_csv_output_to_a_file_with_row_numbers_as_ids(tmp_path: Path) -> None:
    out = tmp_path / "themes.csv"
    source = _csv(tmp_path / "c.csv", ROWS)
    result = runner.invoke(
        app,
        ["comments", "themes", str(source), "--text", "comment", "--format", "csv", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert "safety_violence" in rows[1]["themes"].split(";")
    assert rows[2]["themes"] == ""


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"rid,comment\n1,hello\n", ["--text", "text"], "no column 'text' for --text"),
        (b"rid,comment\n1,hello\n", ["--text", "comment", "--id", "id"], "no column 'id'"),
        ("comment\ncaf\xe9 au lait\n".encode("latin-1"), ["--text", "comment"], "not UTF-8"),
        (b"", ["--text", "comment"], "the file is empty"),
        (b"comment\n\n", ["--text", "comment"], "no comment rows"),
        (b"comment,x\nfine,1\n\na,b,c\n", ["--text", "comment"], "line 4: 3 fields"),
    ],
)
def test_bad_input_is_a_one_line_error_exit_2_and_writes_nothing(
    tmp_path: Path, content: bytes, args: list[str], message: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["comments", "themes", str(source), *args, "-o", str(out)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert not out.exists()


def test_evaluate_reports_the_held_out_quality() -> None:
    result = runner.invoke(app, ["comments", "evaluate"])
    assert result.exit_code == 0, result.output
    assert "heldout.csv" in result.stdout
    assert "macro-F1" in result.stdout
    assert "Sentiment accuracy" in result.stdout
