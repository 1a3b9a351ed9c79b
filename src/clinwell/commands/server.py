"""Commands that run the product: ``demo`` and ``serve`` (each with a task worker), ``manage``."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.table import Table

console = Console()


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinwell.web.settings")
    import django

    django.setup()


def _one_blas_thread_per_worker() -> None:
    # Before numpy is first imported: many workers each spawning a BLAS thread pool
    # oversubscribe the cores (a key-driver fit took 13 s with default threading, 0.8 s
    # with one thread).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def default_workers() -> int:
    """CPU cores + 1 worker processes (each with ``--threads`` threads)."""
    return (os.cpu_count() or 1) + 1


class TaskWorker:
    """One django-tasks-db worker process (``manage db_worker``), restarted when it dies.

    Background work (EHR-metrics runs, survey e-mail) is queued in the database; this worker
    runs it. A supervising thread starts the process, waits for it and, unless :meth:`stop`
    was called, starts a new one after ``restart_delay`` seconds (doubling, up to a minute,
    while it keeps dying within ``stable_after`` seconds of its start). :meth:`stop` sends
    SIGTERM (the worker finishes its current task), then SIGKILL after ``stop_timeout``.
    The worker shares the server's process group, so a Ctrl+C reaches both.
    """

    def __init__(
        self,
        command: list[str] | None = None,
        restart_delay: float = 1.0,
        stable_after: float = 60.0,
        stop_timeout: float = 30.0,
    ) -> None:
        self.command = command or [
            sys.executable,
            "-m",
            "clinwell.cli",
            "manage",
            "db_worker",
            "--no-reload",
            "--interval",
            "1",
        ]
        self.restart_delay = restart_delay
        self.stable_after = stable_after
        self.stop_timeout = stop_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the worker and its supervising thread (returns at once)."""
        self._stopping.clear()
        self._thread = threading.Thread(target=self._supervise, name="task-worker", daemon=True)
        self._thread.start()

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        with self._lock:
            if self._stopping.is_set():
                return None
            self.process = subprocess.Popen(self.command)
            self.starts += 1
            return self.process

    def _supervise(self) -> None:
        delay = self.restart_delay
        while not self._stopping.is_set():
            began = time.monotonic()
            process = self._spawn()
            if process is None:
                return
            code = process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - began >= self.stable_after:
                delay = self.restart_delay
            console.print(
                f"[yellow]Task worker (pid {process.pid}) exited with status {code}; "
                f"restarting in {delay:g} s[/]"
            )
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, 60.0)

    def stop(self) -> None:
        """Stop supervising and end the worker: SIGTERM, then SIGKILL after the timeout."""
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._thread is not None:
            self._thread.join(timeout=5)


def _queue_needs_worker() -> bool:
    """True when the configured task backend queues work in the database (needs a worker)."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


SCHEDULER_COMMAND = [sys.executable, "-m", "clinwell.cli", "manage", "run_schedule"]


@contextmanager
def _task_worker(enabled: bool) -> Iterator[TaskWorker | None]:
    """Run a supervised task worker and the scheduler that feeds it time-driven tasks
    (closing due waves) for the duration of the block (when the queue needs a worker)."""
    if not enabled:
        console.print(
            "No task worker started (--no-worker): run `clinwell manage db_worker` and "
            "`clinwell manage run_schedule`."
        )
        yield None
        return
    if not _queue_needs_worker():
        yield None  # tasks run inside the request (TASKS_BACKEND=...ImmediateBackend)
        return
    worker = TaskWorker()
    scheduler = TaskWorker(SCHEDULER_COMMAND)
    worker.start()
    scheduler.start()
    console.print(
        "Started a background task worker (`clinwell manage db_worker`) and its schedule "
        "(`clinwell manage run_schedule`)."
    )
    try:
        yield worker
    finally:
        scheduler.stop()
        worker.stop()


def _serve_granian(host: str, port: int, workers: int, threads: int) -> None:
    """Serve ``clinwell.web.wsgi:application`` with granian until stopped (SIGINT/SIGTERM).

    granian parses HTTP in Rust and calls the WSGI application from ``threads`` Python
    threads per worker process. Its own CPU per GET + POST on a trivial application was
    0.19–0.25 ms against gunicorn gthread's 0.48–1.31 ms (benchmarks/bench_wsgi_servers.py,
    two machines); on the respondent path it saved 0.2 ms per respondent (docs/performance.md,
    "Launch day").

    The application is imported here, before granian forks its workers, so every worker —
    including one that replaces a crashed or killed worker (``respawn_failed_workers``) —
    starts with the URLconf, views, scientific libraries and templates already loaded
    (see clinwell.web.wsgi), as gunicorn's ``--preload`` did.
    """
    import multiprocessing

    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    import clinwell.web.wsgi  # noqa: F401 - preload: import once, before the workers fork

    # granian forks its workers (the Linux default start method); loading the application
    # in the parent is only a preload if the children are forked, not spawned.
    multiprocessing.set_start_method("fork", force=True)
    Server(
        "clinwell.web.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        # Each blocking thread keeps its own database connection (CONN_MAX_AGE): keep the
        # threads as long as granian allows rather than reconnecting after 30 s idle.
        blocking_threads_idle_timeout=600,
        websockets=False,
        log_level=LogLevels.info,
        log_access=True,
        respawn_failed_workers=True,
        respawn_interval=0.5,
        workers_kill_timeout=10,
    ).serve()


def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    reset: bool = typer.Option(False, "--reset", help="Rebuild the demo data from scratch."),
    serve: bool = typer.Option(
        True, "--serve/--no-serve", help="Start the web server after loading."
    ),
    worker: bool = typer.Option(
        True,
        "--worker/--no-worker",
        help="Also run and supervise a background task worker (EHR runs, survey e-mail).",
    ),
) -> None:
    """Migrate the embedded database, load the demo organization, and serve it."""
    os.environ.setdefault("CLINWELL_ENV", "demo")
    # Links in the demo's invitation e-mails point at the port actually served.
    os.environ.setdefault("SITE_URL", f"http://{host}:{port}")
    _one_blas_thread_per_worker()
    _django_setup()
    from django.core.management import call_command

    from clinwell.web.demo import demo_credentials, load_demo

    with console.status("Migrating the database…"):
        call_command("migrate", interactive=False, verbosity=0)
    with console.status("Loading the demo organization…"):
        load_demo(lambda message: console.print(f"  {message}"), reset=reset)
    table = Table(title="Demo log-ins", title_justify="left")
    for column in ("Role", "E-mail", "Password"):
        table.add_column(column)
    for role, email, password in demo_credentials():
        table.add_row(role, email, password)
    console.print(table)
    if serve:
        console.print(f"[bold green]Serving clinwell at http://{host}:{port}[/] (Ctrl+C stops it)")
        with _task_worker(worker):
            _serve_granian(host, port, workers=2, threads=4)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(
        0, help="Worker processes (0 = CPU cores + 1; see docs/performance.md)."
    ),
    threads: int = typer.Option(4, help="Threads per worker (keep-alive, overlaps I/O waits)."),
    migrate: bool = typer.Option(True, "--migrate/--no-migrate", help="Apply migrations first."),
    worker: bool = typer.Option(
        True,
        "--worker/--no-worker",
        help="Also run and supervise a background task worker; --no-worker when "
        "`clinwell manage db_worker` runs separately.",
    ),
) -> None:
    """Serve clinwell with granian (a production-grade HTTP server; WSGI workers)."""
    _one_blas_thread_per_worker()
    _django_setup()
    from django.conf import settings
    from django.core.management import call_command

    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=0)
    if workers <= 0:
        # Measured on 2 cores (docs/performance.md, "Launch day"): 3 threaded workers served
        # the most respondents per second (2 left a core idle while one worker waited or
        # held more than its share of kept-alive connections; 4 and gunicorn's 2 × cores + 1,
        # meant for single-threaded workers, only added processes competing for the cores).
        workers = default_workers()
    console.print(f"Serving clinwell at http://{host}:{port} with {workers} workers")
    with _task_worker(worker):
        _serve_granian(host, port, workers, threads)


def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. ``clinwell manage migrate``."""
    _django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["clinwell manage", *ctx.args])


def register(app: typer.Typer) -> None:
    app.command()(demo)
    app.command()(serve)
    app.command(
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )(manage)
