"""``clinwell synth``: synthetic data with planted ground truth (audit logs and survey waves)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
err = Console(stderr=True)

synth_app = typer.Typer(
    name="synth",
    help="Generate synthetic data sets with known ground truth.",
    no_args_is_help=True,
)


@synth_app.command("audit-log")
def audit_log(
    output: Annotated[Path, typer.Option("-o", "--output", help="Directory to write into.")],
    clinicians: int = typer.Option(20, "--clinicians", min=1, help="Number of clinicians."),
    days: int = typer.Option(28, "--days", min=1, help="Number of days from --start."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives the same files."),
    start: str = typer.Option("2024-01-01", "--start", help="First day (YYYY-MM-DD)."),
    idle_timeout: int = typer.Option(
        300, "--idle-timeout", help="Timeout the ground truth is planted for."
    ),
    gap_rule: str = typer.Option(
        "drop", "--gap-rule", help="drop or cap: rule the ground truth is planted for."
    ),
    details: bool = typer.Option(
        True, "--details/--no-details", help="Add patient_id and workstation_id to events."
    ),
) -> None:
    """Write events, schedule, action map, orders and the planted ground-truth metrics."""
    from datetime import date

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from clinwell.synth.audit_log import AuditLogSpec, write_audit_log

    try:
        spec = AuditLogSpec(
            clinicians=clinicians,
            days=days,
            seed=seed,
            start=date.fromisoformat(start),
            idle_timeout=idle_timeout,
            gap_rule=gap_rule,
            with_details=details,
        )
    except ValueError as exc:
        err.print(f"[bold red]Error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None
    with Progress(
        TextColumn("Generating clinicians"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("gen", total=clinicians)
        info = write_audit_log(spec, output, progress=lambda done: bar.update(task, completed=done))
    rows = info["rows"]
    console.print(
        f"Wrote {rows['events']:,} events, {rows['schedule']:,} sessions and "
        f"{rows['orders']:,} orders to {output} (ground truth: truth_*.parquet, spec.json)"
    )


@synth_app.command("survey")
def survey(
    output: Annotated[Path, typer.Option("-o", "--output", help="Directory to write into.")],
    units: int = typer.Option(15, "--units", min=1, help="Number of units (ignored with --demo)."),
    headcount: int = typer.Option(40, "--headcount", min=1, help="People per unit."),
    waves: int = typer.Option(3, "--waves", min=1, help="Number of waves to generate."),
    seed: int = typer.Option(0, "--seed", min=0, help="Random seed; same seed, same files."),
    response_rate: float = typer.Option(0.65, "--response-rate", min=0.0, max=1.0),
    demo: bool = typer.Option(
        False, "--demo", help="Use the demo organization's units, shifts and improvers."
    ),
) -> None:
    """Write survey waves (answer codes per item, scorable by `clinwell score`) and their truth.

    Files: ``wave_<k>.csv`` (unit, role, tenure_band, one column per item linkId, comment)
    and ``wave_<k>.truth.json`` (the planted driver, coefficients and expected burnout).
    """
    import json

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from clinwell.synth.survey import (
        SurveySpec,
        SynthSpecError,
        UnitSpec,
        demo_spec,
        generate_wave,
    )

    try:
        if demo:
            spec = demo_spec()
        else:
            spec = SurveySpec(
                units=tuple(
                    UnitSpec(f"Organization/Unit {i + 1:03d}", headcount) for i in range(units)
                ),
                response_rate=response_rate,
            )
    except SynthSpecError as exc:
        err.print(f"[bold red]Error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None
    output.mkdir(parents=True, exist_ok=True)
    with Progress(
        TextColumn("Generating waves"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("waves", total=waves)
        for wave in range(waves):
            synthetic = generate_wave(spec, wave=wave, seed=seed)
            synthetic.responses.to_csv(output / f"wave_{wave}.csv", index=False)
            truth = json.dumps(synthetic.truth.to_dict(), indent=2, default=str)
            (output / f"wave_{wave}.truth.json").write_text(truth, encoding="utf-8")
            console.print(
                f"Wave {wave}: {len(synthetic.responses):,} responses → "
                f"{output / f'wave_{wave}.csv'} (planted driver: {synthetic.truth.planted})"
            )
            bar.update(task, advance=1)


def register(app: typer.Typer) -> None:
    """Add ``clinwell synth ...`` to the root app."""
    app.add_typer(synth_app, name="synth")
