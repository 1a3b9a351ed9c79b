from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from typer.testing import CliRunner

from clinwell.cli import app
from tests.privacy.attack import attack

runner = CliRunner()


def _write(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "scored.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _org(seed: int = 4) -> list[dict[str, str]]:
    rng = np.random.default_rng(seed)
    units = ["North/Cardiology", "North/ED", "North/ED/Peds", "South/Clinic", "South"]
    sizes = [14, 9, 3, 22, 4]
    rows = []
    for unit, size in zip(units, sizes, strict=True):
        for _ in range(size):
            rows.append(
                {
                    "unit": unit,
                    "role": str(rng.choice(["md", "rn", "pa"], p=[0.5, 0.4, 0.1])),
                    "burnout": str(rng.random() < 0.45).lower(),
                    "hours": f"{rng.normal(50, 8):.1f}",
                }
            )
    return rows


def _tabulate(*args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["tabulate", *args])
    assert result.exit_code == 0, result.output
    cells: list[dict[str, Any]] = json.loads(result.stdout)
    return cells


def test_json_cells_keys_and_statistics(tmp_path: Path) -> None:
    rows = _org()
    path = _write(tmp_path, rows)
    cells = _tabulate(
        str(path),
        "--hierarchy",
        "unit",
        "--by",
        "role",
        "--measure",
        "burnout",
        "--measure",
        "hours",
    )
    units = {c["unit"] for c in cells}
    assert {"*", "North", "North/ED", "North/ED/Peds", "South", "South/Clinic"} <= units
    assert {c["role"] for c in cells} == {"*", "md", "rn", "pa"}
    total = next(c for c in cells if c["unit"] == "*" and c["role"] == "*")
    assert total["suppressed"] is False
    assert total["n"] == len(rows)
    x = sum(r["burnout"] == "true" for r in rows)
    lo, up = proportion_confint(x, len(rows), method="wilson")
    assert total["burnout"] == pytest.approx({"estimate": x / len(rows), "lower": lo, "upper": up})
    hours = np.array([float(r["hours"]) for r in rows])
    t_lo, t_up = stats.t.interval(0.95, hours.size - 1, hours.mean(), stats.sem(hours))
    assert total["hours"] == pytest.approx({"estimate": hours.mean(), "lower": t_lo, "upper": t_up})
    for cell in cells:
        if cell["suppressed"]:
            assert set(cell) == {"unit", "role", "suppressed"}
        else:
            assert cell["n"] == 0 or cell["n"] >= 5


def test_output_passes_the_attack(tmp_path: Path) -> None:
    rows = _org(seed=9)
    path = _write(tmp_path, rows)
    cells = _tabulate(str(path), "--hierarchy", "unit", "--by", "role", "--measure", "burnout")
    published = [{"unit": c["unit"], "role": c["role"]} for c in cells if not c["suppressed"]]
    groups = [{"unit": r["unit"], "role": r["role"]} for r in rows]
    assert any(c["suppressed"] for c in cells)
    assert attack(groups, published, {"unit"}, 5) == []


def test_min_n_changes_the_threshold(tmp_path: Path) -> None:
    path = _write(tmp_path, _org())
    cells = _tabulate(str(path), "--hierarchy", "unit", "--measure", "burnout", "--min-n", "10")
    ed = next(c for c in cells if c["unit"] == "North/ED/Peds")
    assert ed["suppressed"] is True
    assert all(c["n"] == 0 or c["n"] >= 10 for c in cells if not c["suppressed"])


def test_csv_format(tmp_path: Path) -> None:
    path = _write(tmp_path, _org())
    result = runner.invoke(
        app, ["tabulate", str(path), "--by", "role", "--measure", "hours", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == ["role", "suppressed", "n", "hours_estimate", "hours_lower", "hours_upper"]
    assert {row[0] for row in table[1:]} == {"*", "md", "rn", "pa"}


def test_no_grouping_gives_one_cell(tmp_path: Path) -> None:
    path = _write(tmp_path, _org())
    cells = _tabulate(str(path), "--measure", "burnout")
    assert len(cells) == 1
    assert set(cells[0]) == {"suppressed", "n", "burnout"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hierarchy", "site", "--measure", "burnout"], "no column 'site'"),
        (["--measure", "role"], "row 2, column 'role'"),
        (["--by", "role", "--measure", "role"], "more than once"),
    ],
)
def test_bad_columns_give_clear_errors(tmp_path: Path, args: list[str], message: str) -> None:
    path = _write(tmp_path, _org())
    result = runner.invoke(app, ["tabulate", str(path), *args])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_missing_unreadable_and_blank_unit_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["tabulate", str(tmp_path / "nope.csv"), "--measure", "x"])
    assert result.exit_code == 1
    assert "no such file" in result.stderr
    binary = tmp_path / "bad.csv"
    binary.write_bytes(b"unit,x\n\xff\xfe,1\n")
    result = runner.invoke(app, ["tabulate", str(binary), "--measure", "x"])
    assert result.exit_code == 1
    assert "not UTF-8" in result.stderr
    blank = _write(tmp_path, [{"unit": "A", "x": "1"}, {"unit": "", "x": "2"}])
    result = runner.invoke(app, ["tabulate", str(blank), "--hierarchy", "unit", "--measure", "x"])
    assert result.exit_code == 1
    assert "row 3, column 'unit'" in result.stderr


def test_role_and_attributes_pass_the_attack(tmp_path: Path) -> None:
    """--role with two --by attributes: the web app's release by group, safe against every
    linear combination of the published counts."""
    rng = np.random.default_rng(11)
    rows = _org(11) * 3
    for row in rows:
        row["tenure"] = str(rng.choice(["new", "mid", "long"]))
        row["gender"] = str(rng.choice(["woman", "man"]))
    path = _write(tmp_path, rows)
    args = ["--hierarchy", "unit", "--role", "role", "--by", "tenure", "--by", "gender"]
    cells = _tabulate(str(path), *args, "--measure", "burnout")
    dims = ("unit", "role", "tenure", "gender")
    published = [{d: c[d] for d in dims} for c in cells if not c["suppressed"]]
    groups = [{d: r[d] for d in dims} for r in rows]
    assert attack(groups, published, {"unit"}, 5) == []
    # The role is crossed with every unit, the attributes with the role at the top only.
    assert any(c["role"] != "*" and c["unit"].count("/") == 1 for c in published)
    assert all(
        c["unit"].count("/") < 1 or c["role"] == "*" or (c["tenure"], c["gender"]) == ("*", "*")
        for c in cells
    )


def test_role_needs_a_hierarchy(tmp_path: Path) -> None:
    path = _write(tmp_path, _org())
    result = runner.invoke(app, ["tabulate", str(path), "--role", "role", "--measure", "hours"])
    assert result.exit_code == 1
    assert "--role needs --hierarchy" in result.output
