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
    for item in q["item"]:
        item["text"] = "Licensed " + item["linkId"]
    src = write(tmp_path / "cbi-text.json", json.dumps(q))
    result = runner.invoke(app, ["instruments", "import", str(src)])
    assert result.exit_code == 0, result.output
    assert (isolated_user_dir / "cbi.json").exists()
    assert get_instrument("cbi").item("cbi.4").text == "Licensed cbi.4"


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
