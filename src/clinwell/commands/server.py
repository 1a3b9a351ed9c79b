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
        0, help="Worker processes (0 = 2 × CPU cores + 1, gunicorn's recommendation)."
    ),
    threads: int = typer.Option(4, help="Threads per worker."),
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
        workers = 2 * (os.cpu_count() or 1) + 1
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
