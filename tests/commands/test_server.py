"""The root CLI: help, demo loading, and the manage pass-through."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from clinwell.cli import app

runner = CliRunner()


def test_help_lists_the_product_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "serve", "manage"):
        assert command in result.output


def test_demo_builds_a_fresh_embedded_database(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"CLINWELL_VAR_DIR": str(tmp_path), "CLINWELL_ENV": "demo"})
    done = subprocess.run(
        [sys.executable, "-m", "clinwell.cli", "demo", "--no-serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "admin@demo.clinwell.org" in done.stdout
    assert "clinwell-demo" in done.stdout
    assert (tmp_path / "clinwell.sqlite3").exists()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # private to the owner
    again = subprocess.run(
        [sys.executable, "-m", "clinwell.cli", "manage", "showmigrations", "orgs"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert "[X] 0001_initial" in again.stdout
