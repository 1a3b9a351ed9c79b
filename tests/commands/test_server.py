"""The root CLI: help, demo loading, and the manage pass-through."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(port: int, path: str) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as page:
            return int(page.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None


def _workers(server: subprocess.Popen[bytes]) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [int(pid) for pid in children.read_text().split()]


def _wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads worker pids from /proc")
def test_serve_answers_and_replaces_a_killed_worker(tmp_path: Path) -> None:
    """`clinwell serve` as an operator runs it: granian workers forked from a process that
    has already loaded the application; a worker killed mid-flight is replaced."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"CLINWELL_VAR_DIR": str(tmp_path), "CLINWELL_ENV": "demo"})
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "clinwell.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert _wait_until(lambda: _get(port, "/healthz") == 200, 120), "server never answered"
        assert _wait_until(lambda: len(_workers(server)) == 2, 30)
        first, second = _workers(server)
        assert _get(port, "/accounts/login/") == 200

        os.kill(first, signal.SIGKILL)

        assert _wait_until(lambda: set(_workers(server)) - {first, second} != set(), 30)
        assert _wait_until(lambda: len(_workers(server)) == 2, 30)
        assert second in _workers(server)  # the other worker was left alone
        statuses = [_get(port, "/healthz") for _ in range(20)]
        assert statuses == [200] * 20
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    output = (tmp_path / "serve.log").read_text(errors="replace")
    assert "Respawning worker" in output, output[-2000:]


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
