"""``clinwell consortium``: validate and pool files; import, release and budget on the DB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clinwell.cli import app
from clinwell.consortium import MemberValue, benchmark_cells
from clinwell.synth.consortium import generate_consortium

runner = CliRunner()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("contributions")
    synthetic = generate_consortium(5, seed=21, respondents=(40, 80), with_impacts=False)
    paths = []
    for contribution in synthetic.contributions:
        path = folder / f"{contribution.member_id}.contribution.json"
        path.write_text(contribution.dumps(), encoding="utf-8")
        paths.append(path)
    return paths


def test_validate_lists_problems_by_field(files: list[Path], tmp_path: Path) -> None:
    bad = json.loads(files[0].read_text())
    bad["cells"][1]["n"] = 1
    bad_path = tmp_path / "bad.json"
    bad_path.write_text(json.dumps(bad))
    result = runner.invoke(app, ["consortium", "validate", str(files[1]), str(bad_path)])
    assert result.exit_code == 2
    assert "ok " in result.output
    assert "cells[1].n: must be at least 5, got 1" in result.output


def test_pool_in_duckdb_equals_the_pure_pooling(files: list[Path]) -> None:
    result = runner.invoke(
        app, ["consortium", "pool", "--json", "--role", "every", *map(str, files)]
    )
    assert result.exit_code == 0, result.output
    pooled = json.loads(result.output)["2026-H1"]
    rows = []
    for path in files:
        doc = json.loads(path.read_text())
        rows += [
            MemberValue(
                doc["member"]["id"],
                c["measure"],
                c["role"],
                c["specialty"],
                c["n"],
                c["estimate"],
                c["sd"],
            )
            for c in doc["cells"]
        ]
    pure = {(c.measure, c.role, c.specialty): c for c in benchmark_cells(rows, 5)}
    assert len(pooled) == len(pure)
    for cell in pooled:
        reference = pure[(cell["measure"], cell["role"], cell["specialty"])]
        assert cell["withheld"] == reference.withheld
        if reference.pooled is not None:
            assert cell["estimate"] == pytest.approx(reference.pooled.estimate, rel=1e-12)
            assert cell["lower"] == pytest.approx(reference.pooled.lower, rel=1e-9)
            assert [cell["percentiles"][f"p{q}"] for q in (10, 25, 50, 75, 90)] == (
                pytest.approx(list(reference.percentiles.values()))
            )


@pytest.mark.django_db
def test_import_release_and_budget(files: list[Path]) -> None:
    result = runner.invoke(
        app,
        [
            "consortium",
            "create",
            "Test Collaborative",
            "--slug",
            "tc",
            "--epsilon-total",
            "1",
            "--epsilon-per-release",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    for path in files:
        member_id = json.loads(path.read_text())["member"]["id"]
        added = runner.invoke(app, ["consortium", "add-member", "tc", member_id, "--id", member_id])
        assert added.exit_code == 0, added.output
        assert "cwm_" in added.output
    imported = runner.invoke(app, ["consortium", "import", "tc", *map(str, files)])
    assert imported.exit_code == 0, imported.output
    again = runner.invoke(app, ["consortium", "import", "tc", str(files[0])])
    assert again.exit_code == 2
    assert "already contributed for 2026-H1" in again.output
    released = runner.invoke(app, ["consortium", "release", "tc", "--period", "2026-H1"])
    assert released.exit_code == 0, released.output
    refused = runner.invoke(app, ["consortium", "release", "tc", "--period", "2026-H1"])
    assert refused.exit_code == 2
    assert "no release was made" in refused.output
    budget = runner.invoke(app, ["consortium", "budget", "tc"])
    assert "Left: ε = 0.000" in budget.output
