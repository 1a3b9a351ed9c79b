"""Commands that run the product: ``demo``, ``serve`` and ``manage``."""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console
from rich.table import Table

console = Console()


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinwell.web.settings")
    import django

    django.setup()


def default_workers() -> int:
    """CPU cores + 1 worker processes (each with ``--threads`` threads)."""
    return (os.cpu_count() or 1) + 1


def _gunicorn_argv(host: str, port: int, workers: int, threads: int) -> list[str]:
    # One BLAS thread per worker: many workers each spawning a BLAS thread pool oversubscribe
    # the cores (a key-driver fit took 13 s with default threading, 0.8 s with one thread).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "clinwell.web.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
        # Load the application (URLconf, views, scientific libraries, templates: see
        # clinwell.web.wsgi) once in the master and fork workers from it: a worker that
        # replaces a crashed or killed one serves at once instead of importing for seconds
        # (on a loaded machine that took longer than the 30 s worker timeout).
        "--preload",
    ]


def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    reset: bool = typer.Option(False, "--reset", help="Rebuild the demo data from scratch."),
    serve: bool = typer.Option(
        True, "--serve/--no-serve", help="Start the web server after loading."
    ),
) -> None:
    """Migrate the embedded database, load the demo organization, and serve it."""
    os.environ.setdefault("CLINWELL_ENV", "demo")
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
        argv = _gunicorn_argv(host, port, workers=2, threads=4)
        os.execv(argv[0], argv)  # noqa: S606 - replaces this process with gunicorn


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(
        0, help="Worker processes (0 = CPU cores + 1; see docs/performance.md)."
    ),
    threads: int = typer.Option(4, help="Threads per worker (keep-alive, overlaps I/O waits)."),
    migrate: bool = typer.Option(True, "--migrate/--no-migrate", help="Apply migrations first."),
) -> None:
    """Serve clinwell with gunicorn (a production-grade WSGI server)."""
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
    argv = _gunicorn_argv(host, port, workers, threads)
    console.print(f"Serving clinwell at http://{host}:{port} with {workers} workers")
    os.execv(argv[0], argv)  # noqa: S606 - replaces this process with gunicorn


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
