"""The ``clinwell`` command-line interface (Typer + Rich).

The root app holds the commands that run the product (``demo``, ``serve``, ``manage``);
each analytical area registers its own commands from :mod:`clinwell.commands`.
"""

from __future__ import annotations

import typer

from clinwell import __version__
from clinwell.commands import (
    comments,
    consortium,
    ehr,
    instruments,
    knowledge,
    server,
    synth,
    tabulate,
)

app = typer.Typer(
    name="clinwell",
    help="Measure clinician burnout, understand its drivers, act on it, and measure again.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"clinwell {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Measure clinician burnout, understand its drivers, act on it, and measure again."""


for area in (server, instruments, tabulate, ehr, synth, knowledge, comments, consortium):
    area.register(app)


def main() -> None:
    """Entry point of the ``clinwell`` console script."""
    app()


if __name__ == "__main__":
    main()
