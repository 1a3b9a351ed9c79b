"""The root CLI: help, demo loading, and the manage pass-through."""

from __future__ import annotations

import contextlib
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
from typing import Any, ClassVar

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


def _children(server: subprocess.Popen[bytes]) -> list[int]:
    # Children of every thread: the task worker is started from a supervising thread.
    pids: list[int] = []
    for task in Path(f"/proc/{server.pid}/task").iterdir():
        try:
            pids += [int(pid) for pid in (task / "children").read_text().split()]
        except OSError:
            continue  # the thread ended meanwhile
    return sorted(pids)


def _runs(pid: int, command: bytes) -> bool:
    try:
        return command in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _is_task_worker(pid: int) -> bool:
    return _runs(pid, b"db_worker")


def _is_scheduler(pid: int) -> bool:
    return _runs(pid, b"run_schedule")


def _workers(server: subprocess.Popen[bytes]) -> list[int]:
    """granian's HTTP worker processes."""
    return [pid for pid in _children(server) if not _is_task_worker(pid) and not _is_scheduler(pid)]


def _task_workers(server: subprocess.Popen[bytes]) -> list[int]:
    return [pid for pid in _children(server) if _is_task_worker(pid)]


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except OSError:
        return True
    return state == "Z"


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
    has already loaded the application; a worker killed mid-flight is replaced. The
    background task worker it supervises is restarted when killed and stopped on shutdown."""
    # As outside pytest: the database task queue (pytest's PYTEST_VERSION selects immediate).
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "PYTEST_VERSION", "TASKS_BACKEND")
    }
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

        assert _wait_until(lambda: len(_task_workers(server)) == 1, 60), _children(server)
        assert len([pid for pid in _children(server) if _is_scheduler(pid)]) == 1
        (task_worker,) = _task_workers(server)
        os.kill(task_worker, signal.SIGKILL)
        assert _wait_until(lambda: set(_task_workers(server)) - {task_worker} != set(), 60)
        (task_worker,) = _task_workers(server)

        os.kill(server.pid, signal.SIGTERM)  # the server only: it stops its task worker
        server.wait(timeout=60)
        assert _wait_until(lambda: _gone(task_worker), 30)
    finally:
        with contextlib.suppress(ProcessLookupError):  # gone already when the test passed
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    output = (tmp_path / "serve.log").read_text(errors="replace")
    assert "Respawning worker" in output, output[-2000:]
    assert "Started a background task worker" in output, output[-2000:]
    assert "restarting in" in output, output[-2000:]


def test_task_worker_is_restarted_when_it_dies_and_stopped_on_request() -> None:
    from clinwell.commands.server import TaskWorker

    worker = TaskWorker(
        [sys.executable, "-c", "import time; time.sleep(300)"], restart_delay=0.1, stop_timeout=10
    )
    worker.start()
    try:
        assert _wait_until(lambda: worker.process is not None, 30)
        first = worker.process
        assert first is not None
        first.kill()
        assert _wait_until(lambda: worker.starts == 2 and worker.process is not first, 30)
    finally:
        worker.stop()
    second = worker.process
    assert second is not None
    assert second.poll() is not None  # stopped, and not restarted
    time.sleep(0.3)
    assert worker.starts == 2


class _FakeWorker:
    events: ClassVar[list[str]] = []

    def __init__(self, command: list[str] | None = None) -> None:
        self.name = "schedule" if command and "run_schedule" in command else "worker"

    def start(self) -> None:
        self.events.append(f"start {self.name}")

    def stop(self) -> None:
        self.events.append(f"stop {self.name}")


@pytest.mark.parametrize("command", ["serve", "demo"])
@pytest.mark.parametrize("flag", [None, "--no-worker"])
def test_serve_and_demo_supervise_a_task_worker_unless_no_worker(
    monkeypatch: pytest.MonkeyPatch, command: str, flag: str | None
) -> None:
    from clinwell.commands import server

    _FakeWorker.events = []
    monkeypatch.setattr(server, "TaskWorker", _FakeWorker)
    monkeypatch.setattr(server, "_queue_needs_worker", lambda: True)
    monkeypatch.setattr(
        server, "_serve_granian", lambda *a, **k: _FakeWorker.events.append("serve")
    )
    monkeypatch.setattr("clinwell.web.demo.load_demo", lambda *a, **k: None)
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)
    args = [command] + (["--no-migrate"] if command == "serve" else []) + ([flag] if flag else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    if flag:
        assert _FakeWorker.events == ["serve"]
        assert "clinwell manage db_worker" in result.output
        assert "clinwell manage run_schedule" in result.output
    else:
        assert _FakeWorker.events == [
            "start worker",
            "start schedule",
            "serve",
            "stop schedule",
            "stop worker",
        ]


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


def test_a_worker_is_needed_only_for_the_database_queue(settings: Any) -> None:
    from clinwell.commands.server import _queue_needs_worker

    assert not _queue_needs_worker()  # pytest: tasks run immediately
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert _queue_needs_worker()
