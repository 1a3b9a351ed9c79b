"""`clinwell instruments ...` and `clinwell score` through Typer's CliRunner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from typer.testing import CliRunner

from clinwell.cli import app
from clinwell.instruments import get_instrument, load_library, to_fhir_questionnaire
from clinwell.instruments.anchors import anchors

runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated_user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    user = tmp_path / "user-instruments"
    monkeypatch.setenv("CLINWELL_INSTRUMENTS_DIR", str(user))
    load_library.cache_clear()
    yield user
    load_library.cache_clear()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_list_names_every_instrument() -> None:
    result = runner.invoke(app, ["instruments", "list"], terminal_width=200)
    assert result.exit_code == 0
    for iid in ("single_item_burnout", "mini_z2", "cbi", "who5", "pfi", "org_wellbeing"):
        assert iid in result.output
    assert "custom" in result.output


def test_show_prints_items_scales_licence_and_citation() -> None:
    result = runner.invoke(app, ["instruments", "show", "mini_z2"], terminal_width=250)
    assert result.exit_code == 0
    assert "Hennepin Healthcare" in result.output
    assert "acknowledgement required: true" in result.output
    assert "mini_z2.total" in result.output
    assert "JAMA Netw Open" in result.output


def test_show_unknown_instrument_fails_cleanly() -> None:
    result = runner.invoke(app, ["instruments", "show", "mbi"])
    assert result.exit_code == 1
    assert "unknown instrument 'mbi'" in result.output
    assert "Traceback" not in result.output


def test_export_is_valid_fhir(tmp_path: Path) -> None:
    result = runner.invoke(app, ["instruments", "export", "cbi"])
    assert result.exit_code == 0
    resource = Questionnaire.model_validate(json.loads(result.stdout))
    assert len(resource.item) == 19
    out = tmp_path / "cbi.fhir.json"
    result = runner.invoke(app, ["instruments", "export", "who5", "-o", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == "who5"


def test_import_licensed_questionnaire(tmp_path: Path, isolated_user_dir: Path) -> None:
    q = to_fhir_questionnaire(get_instrument("cbi"))
    wording = anchors(get_instrument("cbi"))
    for item in q["item"]:
        item["text"] = "Licensed: " + wording[item["linkId"]].replace("…", "")
    src = write(tmp_path / "cbi-text.json", json.dumps(q))
    result = runner.invoke(app, ["instruments", "import", str(src)])
    assert result.exit_code == 0, result.output
    assert (isolated_user_dir / "cbi.json").exists()
    assert get_instrument("cbi").item("cbi.4").text == "Licensed: take it anymore"


def test_import_refuses_text_in_another_published_order(
    tmp_path: Path, isolated_user_dir: Path
) -> None:
    q = to_fhir_questionnaire(get_instrument("cbi"))
    wording = anchors(get_instrument("cbi"))
    for item in q["item"]:
        item["text"] = wording[item["linkId"]].replace("…", "")
    q["item"][9]["text"], q["item"][12]["text"] = q["item"][12]["text"], q["item"][9]["text"]
    src = write(tmp_path / "cbi-text.json", json.dumps(q))
    result = runner.invoke(app, ["instruments", "import", str(src)])
    assert result.exit_code == 1
    assert "cbi.10" in result.output
    assert "enough energy for family and friends" in result.output
    assert not (isolated_user_dir / "cbi.json").exists()


def test_import_rejects_malformed_file_and_writes_nothing(
    tmp_path: Path, isolated_user_dir: Path
) -> None:
    bad = write(tmp_path / "bad.json", '{"questionnaire": {"resourceType": "Questionnaire"}}')
    result = runner.invoke(app, ["instruments", "import", str(bad)])
    assert result.exit_code == 1
    assert "bad.json" in result.output
    assert "scoring" in result.output
    assert not isolated_user_dir.exists() or not any(isolated_user_dir.iterdir())


def test_score_writes_passthrough_and_scale_columns(tmp_path: Path) -> None:
    src = write(
        tmp_path / "in.csv",
        "response,unit,who5.1,who5.2,who5.3,who5.4,who5.5\n"
        "r1,ED,2,2,1,1,1\n"
        "r2,007,5,5,5,5,5\n"
        "r3,IM,5,5,5,5,\n",
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["score", "who5", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == (
        "response,unit,who5.raw,who5.percent,who5.poor_wellbeing,who5.depression_screen"
    )
    assert lines[1] == "r1,ED,7,28,true,true"
    assert lines[2] == "r2,007,25,100,false,false"
    assert lines[3] == "r3,IM,,,,"


def test_score_to_stdout_with_fractional_means(tmp_path: Path) -> None:
    src = write(tmp_path / "in.csv", "cbi.1,cbi.2,cbi.3\n1,2,5\n")
    result = runner.invoke(app, ["score", "cbi", str(src)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].startswith("58.33333333,true,")


@pytest.mark.parametrize(
    ("csv", "expected"),
    [
        ("unit,cbi.1,cbi.2\nED,1,2\nIM,7,2\n", "row 2, column 'cbi.1'"),
        ("unit,cbi.1,cbi.2\nED,1,2\nIM,2,often\n", "row 2, column 'cbi.2'"),
        ("unit,cbi.1,cbi.20\nED,1,2\n", "column 'cbi.20': unknown linkId"),
        ("unit,who5.1\nED,1\n", "no item columns for cbi"),
    ],
)
def test_bad_input_exits_nonzero_and_writes_nothing(
    tmp_path: Path, csv: str, expected: str
) -> None:
    src = write(tmp_path / "in.csv", csv)
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["score", "cbi", str(src), "-o", str(out)])
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [src]


def test_unreadable_input(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["score", "cbi", str(tmp_path / "missing.csv"), "-o", str(out)])
    assert result.exit_code == 1
    assert "missing.csv" in result.output
    assert not out.exists()
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    result = runner.invoke(app, ["score", "cbi", str(binary), "-o", str(out)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert not out.exists()


def test_score_prints_licence_note_for_acknowledged_instruments(tmp_path: Path) -> None:
    src = write(tmp_path / "in.csv", "mini_z2.3\n2\n")
    result = runner.invoke(app, ["score", "mini_z2", str(src)])
    assert result.exit_code == 0
    assert "needs permission" in result.stderr


@pytest.mark.parametrize(
    ("csv", "row", "expected", "found"),
    [
        # pandas would take "a" for an index and score id=2, who5.1=3
        ("id,who5.1\na,1,2,3\n", 1, 2, 4),
        ("id,who5.1\na,1\nb,1,2\n", 2, 2, 3),
        ("id,who5.1,who5.2\na,1,2\nb,1\n", 2, 3, 2),
        # blank lines are skipped (as pandas does) and not counted as rows
        ("id,who5.1\n\na,1\n\nb,1,\n", 2, 2, 3),
        # CRLF line ends and quoted fields (the csv-module path)
        ('id,who5.1\r\n"a, b",1\r\n"c",1,2\r\n', 2, 2, 3),
    ],
)
def test_rows_with_the_wrong_field_count_are_rejected(
    tmp_path: Path, csv: str, row: int, expected: int, found: int
) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(csv.encode("utf-8"))
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["score", "who5", str(src), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert f"in.csv: row {row}: expected {expected} fields (as in the header), found {found}" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [src]


def test_quoted_commas_and_blank_lines_still_score(tmp_path: Path) -> None:
    src = write(
        tmp_path / "in.csv", 'unit,who5.1,who5.2,who5.3,who5.4,who5.5\n\n"A, B",1,1,1,1,1\n'
    )
    result = runner.invoke(app, ["score", "who5", str(src)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == '"A, B",5,20,true,true'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (" who5.2", "column ' who5.2': has spaces around the linkId 'who5.2'"),
        ("who5.2 ", "column 'who5.2 ': has spaces around the linkId 'who5.2'"),
        ("WHO5.1", "column 'WHO5.1': unknown linkId, not an item of who5"),
        ("Who5.3", "did you mean 'who5.3'?"),
        ("who5.9", "column 'who5.9': unknown linkId"),
    ],
)
def test_mistyped_item_headers_are_rejected(tmp_path: Path, header: str, expected: str) -> None:
    src = write(tmp_path / "in.csv", f"unit,who5.1,{header}\nED,1,2\n")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["score", "who5", str(src), "-o", str(out)], terminal_width=300)
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert not out.exists()


def test_unreadable_input_messages_name_the_file(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    empty = write(tmp_path / "empty.csv", "")
    blank = write(tmp_path / "blank.csv", "\n\n")
    bad_parquet = write(tmp_path / "bad.parquet", "not parquet")
    for path in (binary, empty, blank, bad_parquet):
        result = runner.invoke(app, ["score", "cbi", str(path), "-o", str(out)], terminal_width=300)
        assert result.exit_code == 1
        assert f"error: {path}: " in result.output
        assert "Traceback" not in result.output
        assert not out.exists()


def test_list_and_show_label_intent_to_leave_not_validated() -> None:
    from clinwell.commands.instruments import _validity

    assert _validity(get_instrument("intent_to_leave")) == "not validated as worded"
    assert _validity(get_instrument("org_wellbeing")) == "custom — not externally validated"
    assert _validity(get_instrument("cbi")) == "validated"
    result = runner.invoke(app, ["instruments", "list"])
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if "intent_to_leave" in x)
    assert "│ not " in line  # the validity column (the table wraps at the console width)
    shown = runner.invoke(app, ["instruments", "show", "intent_to_leave"])
    assert shown.exit_code == 0
    assert "Validity: Not validated as worded" in shown.output
