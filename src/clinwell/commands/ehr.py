"""``clinwell ehr``: EHR-use burden metrics from audit logs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from clinwell.ehr.params import (
    Engine,
    EventsFormat,
    GapRule,
    Period,
    WowMode,
    choices,
)

console = Console()
err = Console(stderr=True)

ehr_app = typer.Typer(
    name="ehr",
    help="EHR-use burden metrics (EHR-Time8, WOW8, ...) from audit logs.",
    no_args_is_help=True,
)


def _one_of(kind: object) -> str:
    """``week | month``: the allowed values of a parameter (one definition, in
    :mod:`clinwell.ehr.params`; :class:`~clinwell.ehr.params.MetricParams` checks them)."""
    return " | ".join(choices(kind))


OPTIONS: dict[str, str] = {
    "period": "--period",
    "idle_timeout": "--idle-timeout",
    "gap_rule": "--gap-rule",
    "wow_mode": "--wow",
    "buffer_minutes": "--buffer-minutes",
    "clock_start": "--clock-start",
    "clock_end": "--clock-end",
    "clock_days": "--clock-days",
    "strict": "--strict/--lenient",
    "time_zone": "--time-zone",
    "strategy": "--strategy",
    "previous": "--previous",
    "events_format": "--events-format",
    "engine": "--engine",
    "memory_limit": "--memory-limit",
    "temp_directory": "--temp-directory",
    "output": "--output",
}
"""The option of this command that sets each engine parameter (for error messages)."""


def _days(text: str) -> tuple[int, ...]:
    from clinwell.ehr import ParameterError

    try:
        return tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise ParameterError(
            f"clock_days: expected day numbers like 0,1,2,3,4 (0=Monday), got {text!r}"
        ) from None


def _usage_error(option: str, reason: str) -> typer.Exit:
    """Print one line naming the option and return the exit (status 2, as for usage errors)."""
    err.print(
        f"[bold red]Error:[/] invalid value for {option}: {escape(reason)}",
        highlight=False,
        soft_wrap=True,
    )
    return typer.Exit(2)


@ehr_app.command("metrics")
def metrics(
    events: Annotated[
        Path,
        typer.Option("--events", help="Events: Parquet or CSV (or a Clarity ACCESS_LOG extract)."),
    ],
    schedule: Annotated[
        Path, typer.Option("--schedule", help="Scheduled sessions: clinician_id, start, end.")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output file, .parquet or .csv.")],
    actions: Annotated[
        Path | None,
        typer.Option(
            "--actions", help="Action map (action, activity); default: the shipped Epic-style map."
        ),
    ] = None,
    orders: Annotated[
        Path | None,
        typer.Option("--orders", help="Orders: order_id, clinician_id, entered_by, event_time."),
    ] = None,
    messages: Annotated[
        Path | None,
        typer.Option(
            "--messages",
            help="In Basket messages received: clinician_id, received_time, message_type.",
        ),
    ] = None,
    period: Annotated[str, typer.Option("--period", help=_one_of(Period))] = "week",
    idle_timeout: Annotated[
        int, typer.Option("--idle-timeout", help="Seconds; longer gaps are idle.")
    ] = 300,
    gap_rule: Annotated[
        str,
        typer.Option(
            "--gap-rule",
            help=f"Drop idle gaps or cap them at the timeout: {_one_of(GapRule)}.",
        ),
    ] = "drop",
    wow: Annotated[
        str,
        typer.Option("--wow", help=f"Outside work by schedule or by clock: {_one_of(WowMode)}."),
    ] = "schedule",
    buffer_minutes: Annotated[
        int,
        typer.Option(
            "--buffer-minutes", help="Widen every session by this many minutes on each side."
        ),
    ] = 0,
    clock_start: Annotated[
        str, typer.Option("--clock-start", help="Clock mode: start of the working day.")
    ] = "07:00",
    clock_end: Annotated[
        str, typer.Option("--clock-end", help="Clock mode: end of the working day.")
    ] = "17:30",
    clock_days: Annotated[
        str, typer.Option("--clock-days", help="Clock mode: working days, 0=Monday.")
    ] = "0,1,2,3,4",
    strict: Annotated[
        bool,
        typer.Option(
            "--strict/--lenient",
            help="Stop at the first input problem, or exclude bad rows and report them.",
        ),
    ] = False,
    time_zone: Annotated[
        str,
        typer.Option(
            "--time-zone",
            help="IANA time zone of times without an offset, and of days and periods "
            "(e.g. America/Chicago).",
        ),
    ] = "UTC",
    events_format: Annotated[
        str, typer.Option("--events-format", help=_one_of(EventsFormat))
    ] = "auto",
    engine: Annotated[str, typer.Option("--engine", help=_one_of(Engine))] = "duckdb",
    strategy: Annotated[
        str,
        typer.Option(
            "--strategy",
            help="auto: one pass over Parquet sorted by clinician and time, else the engine's "
            "window; scan or window to force one.",
        ),
    ] = "auto",
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="Metrics file of an earlier run (with its .state directory): add only the new "
            "events and recompute only the periods they touch.",
        ),
    ] = None,
    memory_limit: Annotated[
        str,
        typer.Option(
            "--memory-limit", help="DuckDB memory limit; beyond it DuckDB spills to disk."
        ),
    ] = "50%",
    temp_directory: Annotated[
        Path | None,
        typer.Option(
            "--temp-directory", help="Where DuckDB spills (default $TMPDIR/clinwell-duckdb)."
        ),
    ] = None,
) -> None:
    """Compute per-clinician EHR-use metrics per week or month, written with their parameters."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from clinwell.ehr import (
        EhrInputError,
        MetricParams,
        ParameterError,
        compute_metrics,
        write_metrics,
    )
    from clinwell.ehr.methods import METHOD_ITEMS

    if output.suffix.lower() not in (".parquet", ".csv"):
        raise _usage_error("--output", f"expected a .parquet or .csv file name, got {output}")
    try:
        params = MetricParams.from_dict(
            {"period": period, "gap_rule": gap_rule, "wow_mode": wow}
        ).replace(
            idle_timeout=idle_timeout,
            buffer_minutes=buffer_minutes,
            clock_start=clock_start,
            clock_end=clock_end,
            clock_days=_days(clock_days),
            strict=strict,
            time_zone=time_zone,
        )
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("Starting", total=None)
            result = compute_metrics(
                events,
                schedule,
                actions,
                orders,
                messages,
                params=params,
                strategy=strategy,
                previous=previous,
                events_format=events_format,
                engine=engine,
                memory_limit=memory_limit,
                temp_directory=str(temp_directory) if temp_directory else None,
                progress=lambda stage: bar.update(task, description=stage),
            )
            bar.update(task, description=f"Writing {output}")
            sidecar = write_metrics(result, output)
    except ParameterError as exc:
        # An invalid option value (e.g. --idle-timeout 0, --clock-start 25:00): nothing was read
        # and nothing is written.
        raise _usage_error(OPTIONS.get(exc.parameter, exc.parameter), exc.reason) from None
    except EhrInputError as exc:
        err.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from None
    for problem in result.problems:
        colour = "yellow" if problem.severity == "error" else "cyan"
        note = " (excluded)" if problem.excluded else ""
        err.print(f"[{colour}]{problem.message()}{note}[/]", highlight=False)
    table = Table(title="EHR metrics", title_justify="left")
    for col in (
        "clinicians",
        "periods",
        "rows",
        "median EHR-Time8",
        "median WOW8",
        "engine",
        "seconds",
    ):
        table.add_column(col)
    m = result.metrics
    table.add_row(
        str(m["clinician_id"].nunique()),
        str(m["period_start"].nunique()),
        str(len(m)),
        _fmt(m["ehr_time8"].median()),
        _fmt(m["wow8"].median()),
        str(result.run["engine"]),
        f"{result.run['seconds']:.1f}",
    )
    console.print(table)
    labels = dict(METHOD_ITEMS)
    console.print("[bold]Methods[/bold] (also in the sidecar JSON)", highlight=False)
    for key, text in result.methods().items():
        console.print(f"  {labels[key]}: {escape(text)}", highlight=False, soft_wrap=True)
    console.print(f"Wrote {output} and {sidecar}")


@ehr_app.command("vendor")
def vendor(
    extract: Annotated[
        Path, typer.Argument(metavar="EXTRACT", help="Vendor usage extract (CSV or Parquet).")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output file, .parquet or .csv.")],
    vendor: Annotated[
        str, typer.Option("--vendor", help="epic_signal | oracle_health")
    ] = "epic_signal",
    metric_map: Annotated[
        Path | None,
        typer.Option(
            "--metric-map",
            help="metric, quantity, factor, per (required for oracle_health; the Epic map "
            "shipped with clinwell is unconfirmed).",
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict/--lenient")] = False,
) -> None:
    """Monthly metrics from a vendor usage extract (Epic Signal / PEP, Oracle Health): vendor
    active time, labelled as such in the methods block; not comparable with gap-based results."""
    from clinwell.ehr import EhrInputError, MetricParams, write_metrics
    from clinwell.ehr.api import MetricsResult
    from clinwell.ehr.vendor import compute_vendor_metrics

    if output.suffix.lower() not in (".parquet", ".csv"):
        raise _usage_error("--output", f"expected a .parquet or .csv file name, got {output}")
    try:
        found = compute_vendor_metrics(extract, vendor, metric_map, strict=strict)
        result = MetricsResult(
            found.metrics, MetricParams(period="month"), found.problems, found.run
        )
        sidecar = write_metrics(result, output, state=False)
    except EhrInputError as exc:
        err.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from None
    for problem in found.problems:
        colour = "yellow" if problem.severity == "error" else "cyan"
        err.print(f"[{colour}]{escape(problem.message())}[/]", highlight=False)
    console.print(
        f"{len(found.metrics)} clinician-months from {escape(str(extract))} "
        f"({found.run['source_kind']}). Wrote {output} and {sidecar}",
        highlight=False,
    )


def _fmt(value: float) -> str:
    return "–" if value != value else f"{value:.2f}"


def register(app: typer.Typer) -> None:
    """Add ``clinwell ehr ...`` to the root app."""
    app.add_typer(ehr_app, name="ehr")
