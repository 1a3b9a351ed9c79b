"""`clinwell knowledge ...`: browse the NAM plan, NASEM model, levels, interventions, resources,
recognition checklist and national benchmarks in Rich tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:  # the knowledge base (YAML) loads inside the commands
    from clinwell import knowledge as kb

app = typer.Typer(
    name="knowledge",
    help="Browse the knowledge base: NAM plan, NASEM model, interventions, resources, benchmarks.",
    no_args_is_help=True,
)
console = Console()
NOT_CONFIRMED = "[yellow]NOT CONFIRMED[/yellow]"


def register(app_: typer.Typer) -> None:
    """Add the ``knowledge`` sub-app to the root app."""
    app_.add_typer(app, name="knowledge")


@contextmanager
def _errors() -> Iterator[None]:
    """Turn knowledge errors into a red message and an exit code (2 bad input, 1 bad data)."""
    from clinwell import knowledge as kb

    try:
        yield
    except kb.KnowledgeDataError as exc:
        console.print(f"[red]Knowledge data error:[/red] {exc}")
        raise typer.Exit(1) from exc
    except kb.KnowledgeError as exc:
        console.print(f"[red]Error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _flag(confirmed: bool, note: str | None = None) -> str:
    if confirmed:
        return ""
    return NOT_CONFIRMED + (f" {note}" if note else "")


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, show_lines=False, header_style="bold")
    for col in columns:
        table.add_column(col, overflow="fold")
    return table


@app.command("nam")
def nam(
    priority: int | None = typer.Option(None, "--priority", "-p", help="Show one priority area."),
) -> None:
    """NAM National Plan for Health Workforce Well-Being: priority areas, goals, actions, actors."""
    from clinwell import knowledge as kb

    with _errors():
        plan = kb.nam_plan()
        areas = plan.priority_areas if priority is None else (plan.priority_area(priority),)
        table = _table(
            f"{plan.title} ({plan.publisher}, {plan.published})", "Key", "Text", "Actors"
        )
        for area in areas:
            table.add_row(f"[bold]PA{area.number}[/bold]", f"[bold]{area.title}[/bold]", "")
            for goal in area.goals:
                actors = ", ".join(plan.actor(a).name for a in goal.actor_ids)
                if not goal.actors_confirmed:
                    actors = NOT_CONFIRMED
                text = goal.text + (f"\n{_flag(goal.confirmed)}" if not goal.confirmed else "")
                table.add_row(goal.key, text, actors)
                for action in goal.actions:
                    table.add_row(f"  {action.key}", f"{action.label}. {action.text}", "")
        console.print(table)
        if priority is None:
            actors_table = _table("Actor groups", "Id", "Name")
            for actor in plan.actors:
                actors_table.add_row(actor.id, actor.name)
            console.print(actors_table)
        console.print(
            f"Source: doi:{plan.doi}; goals and actions not listed are NOT CONFIRMED here."
        )


@app.command("nasem")
def nasem() -> None:
    """NASEM 2019 systems model: levels, job demands and resources, outcomes, six goals."""
    from clinwell import knowledge as kb

    with _errors():
        model = kb.nasem_model()
        console.print(f"[bold]{model.title}[/bold] ({model.publisher}, {model.published})")
        levels = _table("System levels", "Id", "Level", "Description")
        for lv in model.levels:
            levels.add_row(lv.id, lv.name, lv.description)
        console.print(levels)
        console.print(model.demands_resources_summary)
        factors = _table("Job demands and resources", "Kind", "Factor", "Drivers", "Status")
        for f in (*model.job_demands, *model.job_resources):
            factors.add_row(f.kind, f.name, ", ".join(f.drivers), _flag(f.confirmed, f.note))
        console.print(factors)
        outcomes = _table("Outcomes", "Id", "Outcome", "Description", "Status")
        for o in model.outcomes:
            outcomes.add_row(o.id, o.name, o.description, _flag(o.confirmed, o.note))
        console.print(outcomes)
        goals = _table("Six goals", "#", "Goal", "Summary")
        for g in model.goals:
            goals.add_row(str(g.number), g.name, g.summary)
        console.print(goals)


@app.command("levels")
def levels() -> None:
    """The four levels at which burnout must be addressed."""
    from clinwell import knowledge as kb

    with _errors():
        data = kb.burnout_levels()
        table = _table(
            "Levels at which burnout must be addressed", "Id", "Level", "Description", "NASEM level"
        )
        for lv in data.levels:
            table.add_row(lv.id, lv.name, lv.description, lv.nasem_level)
        console.print(table)
        console.print(data.crosswalk_note)


def _evidence_cell(item: kb.Intervention) -> str:
    best = item.best_evidence
    if best is None:
        return NOT_CONFIRMED
    year = f" {best.year}" if best.year else ""
    return f"{best.design}{year}" + ("" if best.confirmed else f" ({NOT_CONFIRMED})")


@app.command("interventions")
def interventions(
    level: str | None = typer.Option(None, "--level", "-l", help="One of the four level ids."),
    driver: str | None = typer.Option(None, "--driver", "-d", help="Driver or EHR-metric key."),
    domain: str | None = typer.Option(None, "--domain", help="Domain id."),
    measure: str | None = typer.Option(None, "--measure", help="Measure id."),
) -> None:
    """List the intervention catalog, optionally filtered."""
    from clinwell import knowledge as kb

    with _errors():
        items = kb.find_interventions(level=level, driver=driver, domain=domain, measure=measure)
        table = _table(
            f"Interventions ({len(items)})",
            "Id",
            "Name",
            "Level",
            "Drivers",
            "Evidence",
            "Effort/cost",
        )
        for item in items:
            drivers = ", ".join(item.primary_drivers)
            if item.secondary_drivers:
                drivers += f" [dim]({', '.join(item.secondary_drivers)})[/dim]"
            table.add_row(
                item.id,
                item.name,
                item.level,
                drivers,
                _evidence_cell(item),
                f"{item.effort}/{item.cost}",
            )
        console.print(table)


def _parse_driver(text: str) -> tuple[str, float]:
    from clinwell import knowledge as kb

    key, sep, weight = text.partition("=")
    if not sep:
        return key.strip(), 1.0
    try:
        return key.strip(), float(weight)
    except ValueError:
        raise kb.KnowledgeError(f"--driver {text!r}: weight after '=' must be a number") from None


@app.command("suggest")
def suggest(
    driver: Annotated[
        list[str],
        typer.Option("--driver", "-d", help="Driver or EHR-metric key, or KEY=WEIGHT; repeatable."),
    ],
    level: str | None = typer.Option(None, "--level", "-l", help="Only this level."),
    domain: str | None = typer.Option(None, "--domain", help="Only interventions for this domain."),
    measure: str | None = typer.Option(
        None, "--measure", help="Only interventions for this measure."
    ),
    limit: int = typer.Option(10, "--limit", "-n", help="How many suggestions."),
) -> None:
    """Rank interventions for the given drivers (scoring: see clinwell.knowledge.suggest)."""
    from clinwell import knowledge as kb

    with _errors():
        weights = dict(_parse_driver(d) for d in driver)
        found = kb.suggest_interventions(
            weights, level=level, domain=domain, measure=measure, limit=limit
        )
        table = _table("Suggested interventions", "#", "Id", "Score", "Fit", "Evidence", "Why")
        for rank, s in enumerate(found, start=1):
            table.add_row(
                str(rank),
                s.intervention.id,
                f"{s.score:.3f}",
                f"{s.fit:.2f}",
                f"{s.evidence_strength:.2f}",
                "\n".join(s.reasons),
            )
        console.print(table if found else "No intervention in the catalog targets these drivers.")


@app.command("resources")
def resources(
    state: str | None = typer.Option(None, "--state", "-s", help="Two-letter state code, e.g. MN."),
    kind: str | None = typer.Option(None, "--kind", "-k", help="Resource kind, e.g. crisis_line."),
    query: str | None = typer.Option(None, "--query", "-q", help="Text to search for."),
) -> None:
    """Support resources by state and kind (national resources are always included)."""
    from clinwell import knowledge as kb

    with _errors():
        found = kb.find_resources(state=state, kind=kind, query=query)
        table = _table(
            f"Support resources ({len(found)})", "Scope", "Kind", "Name", "Contact", "Status"
        )
        for r in found:
            contact = " · ".join(x for x in (r.phone and f"call {r.phone}", r.url, r.hours) if x)
            table.add_row(r.scope, r.kind, r.name, contact, _flag(r.confirmed, r.note))
        console.print(table)


@app.command("recognition")
def recognition(
    checked: Annotated[
        list[str] | None,
        typer.Option("--checked", "-c", help="A checked criterion id; repeat to assess readiness."),
    ] = None,
) -> None:
    """AMA Joy in Medicine pillars, levels and readiness checklist."""
    from clinwell import knowledge as kb

    checked = checked or []
    with _errors():
        program = kb.recognition_program()
        pillars = {p.id: p for p in program.pillars}
        table = _table(
            program.name, "Criterion id", "Pillar", "Level (estimate)", "Criterion", "Status"
        )
        for c in (*program.eligibility, *program.criteria):
            pillar = pillars[c.pillar].name if c.pillar else "eligibility"
            mark = "[green]✓[/green] " if c.id in checked else ""
            table.add_row(mark + c.id, pillar, c.level or "-", c.text, _flag(c.confirmed, c.note))
        console.print(table)
        console.print(f"[yellow]{program.level_requirements_note}[/yellow]")
        if checked:
            r = kb.assess_readiness(set(checked))
            level = r.level or "none yet"
            console.print(
                f"Readiness (estimate): [bold]{level}[/bold]; eligible: {r.eligible}; "
                f"{r.checked}/{r.total} checked."
            )
            if r.next_level:
                console.print(f"Missing for {r.next_level}: {', '.join(r.missing_for_next)}")


def _pct(measure: str) -> Callable[[float], str]:
    return (lambda v: f"{v:.1f} h") if measure == "weekly_hours" else (lambda v: f"{100 * v:.1f}%")


@app.command("benchmarks")
def benchmarks() -> None:
    """National benchmark series (kept separate) and cost-of-burnout inputs."""
    from clinwell import knowledge as kb

    with _errors():
        for series in kb.national_benchmarks().values():
            table = _table(series.title, "Year", *series.measures, "Sample")
            for year in series.years:
                cells = []
                for m in series.measures:
                    v = series.value(year, m)
                    cells.append("-" if v is None else _pct(m)(v))
                sample = next(p for p in series.points if p.year == year)
                size = sample.sample_note or (
                    f"n={sample.sample_size}" if sample.sample_size else "-"
                )
                table.add_row(str(year), *cells, size)
            console.print(table)
            console.print(
                f"[dim]{series.population} Sources: "
                f"{'; '.join(s.locator for s in series.sources)}[/dim]"
            )
        cost = kb.cost_of_burnout_inputs()
        low, high = cost.turnover_cost_low, cost.turnover_cost_high
        console.print(
            f"Cost inputs: turnover cost ${low:,.0f}-${high:,.0f}+ per physician; turnover "
            f"{cost.national_turnover_rate:.0%}, burnout {cost.national_burnout_rate:.0%}, "
            f"relative risk {cost.burnout_turnover_relative_risk:g}."
        )
