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


def test_serve_preloads_the_application_before_forking_workers() -> None:
    from clinwell.commands.server import _gunicorn_argv

    argv = _gunicorn_argv("127.0.0.1", 8123, workers=2, threads=4)
    assert "--preload" in argv
    assert argv[argv.index("--workers") + 1] == "2"
    assert argv[argv.index("--threads") + 1] == "4"
    assert "clinwell.web.wsgi:application" in argv


def test_importing_the_wsgi_module_loads_every_view(tmp_path: Path) -> None:
    """What --preload relies on: the URLconf and the respondent templates load on import."""
    code = (
        "import sys; import clinwell.web.wsgi; "
        "assert 'clinwell.web.surveys.public_views' in sys.modules; "
        "assert 'clinwell.web.results.views' in sys.modules; print('ready')"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "CLINWELL_ENV": "demo",
            "CLINWELL_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "clinwell.web.settings",
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "ready" in done.stdout


def test_serve_defaults_to_one_threaded_worker_per_core_plus_one() -> None:
    from clinwell.commands.server import default_workers

    assert default_workers() == (os.cpu_count() or 1) + 1
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "CPU cores + 1" in result.output
