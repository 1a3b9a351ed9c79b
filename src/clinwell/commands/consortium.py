"""``clinwell consortium``: contributions, pooled benchmarks, DP releases and evidence.

File commands (``validate``, ``pool``, ``synth``, ``submit``) need no database. The others
run against the configured database (``DATABASE_URL``; the demo's SQLite by default), on the
consortium side (``create``, ``add-member``, ``grant``, ``import``, ``release``, ``budget``,
``evidence``) or a member's (``export``, ``import-evidence``). Heavy imports happen inside
each command, so ``clinwell --help`` stays fast.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console()
err = Console(stderr=True, soft_wrap=True)

app = typer.Typer(
    name="consortium",
    help="Pool member systems' results: contribution files, benchmarks, DP releases, evidence.",
    no_args_is_help=True,
)

Files = Annotated[list[Path], typer.Argument(help="Contribution files (JSON).", exists=False)]


def register(root: typer.Typer) -> None:
    """Add the ``consortium`` sub-app to the root app."""
    root.add_typer(app, name="consortium")


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinwell.web.settings")
    import django

    django.setup()


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]Error:[/red] {escape(message)}")
    return typer.Exit(code)


@app.command("validate")
def validate(files: Files) -> None:
    """Check contribution files against schema version 1; every problem is listed by field."""
    from clinwell.consortium.files import read_contributions

    good, refused = read_contributions(files)
    for contribution in good:
        console.print(
            f"[green]ok[/green] {contribution.member_id} {contribution.period}: "
            f"{len(contribution.cells)} numbers, {len(contribution.impacts)} impacts"
        )
    for message in refused.values():
        err.print(f"[red]refused[/red] {escape(message)}")
    if refused:
        raise typer.Exit(2)


def _fmt(measure: str, value: float | None) -> str:
    from clinwell.consortium import pooled_measure

    if value is None:
        return "—"
    return f"{100 * value:.1f}%" if pooled_measure(measure).is_proportion else f"{value:.2f}"


@app.command("pool")
def pool(
    files: Files,
    min_members: Annotated[int, typer.Option(help="Withhold cells with fewer systems.")] = 5,
    role: Annotated[str, typer.Option(help="Role group to show (or 'every').")] = "all",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, not a table.")] = False,
) -> None:
    """Pool contribution files in DuckDB: pooled estimate, interval and member percentiles."""
    from clinwell.consortium import pooled_measure
    from clinwell.consortium.files import pool_files

    if min_members < 2:
        raise _fail("--min-members must be at least 2")
    pooled = pool_files(files, min_members)
    for message in pooled.refused.values():
        err.print(f"[red]refused[/red] {escape(message)}")
    if as_json:
        body: dict[str, Any] = {
            period: [
                {
                    "measure": c.measure,
                    "role": c.role,
                    "specialty": c.specialty,
                    "members": c.members,
                    "withheld": c.withheld,
                    "estimate": None if c.pooled is None else c.pooled.estimate,
                    "lower": None if c.pooled is None else c.pooled.lower,
                    "upper": None if c.pooled is None else c.pooled.upper,
                    "percentiles": {f"p{k}": v for k, v in c.percentiles.items()},
                }
                for c in cells
                if role in ("every", c.role)
            ]
            for period, cells in pooled.periods.items()
        }
        typer.echo(json.dumps(body, indent=2))
    else:
        for period, cells in pooled.periods.items():
            table = Table(title=f"Pooled benchmarks, {period} ({pooled.contributions} files)")
            for column in (
                "Measure",
                "Role",
                "Systems",
                "Pooled",
                "95% CI",
                "P25",
                "Median",
                "P75",
            ):
                table.add_column(column, overflow="fold")
            for c in cells:
                if role not in ("every", c.role) or c.specialty != "all":
                    continue
                label = pooled_measure(c.measure).label
                if c.withheld or c.pooled is None:
                    table.add_row(label, c.role, str(c.members), "withheld", "", "", "", "")
                    continue
                table.add_row(
                    label,
                    c.role,
                    str(c.members),
                    _fmt(c.measure, c.pooled.estimate),
                    f"{_fmt(c.measure, c.pooled.lower)} – {_fmt(c.measure, c.pooled.upper)}",
                    *(_fmt(c.measure, c.percentiles[q]) for q in (25, 50, 75)),
                )
            console.print(table)
    if pooled.refused:
        raise typer.Exit(2)


@app.command("synth")
def synth(
    out: Annotated[Path, typer.Option(help="Folder for the contribution files.")],
    members: Annotated[int, typer.Option(help="Number of member systems.")] = 12,
    period: Annotated[str, typer.Option(help="Period of the contributions.")] = "2026-H1",
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    respondents: Annotated[
        tuple[int, int], typer.Option(help="Smallest and largest respondents per member.")
    ] = (250, 700),
) -> None:
    """Write contribution files of a synthetic consortium (known truth in truth.json)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from clinwell.consortium import period_kind
    from clinwell.synth.consortium import generate_consortium

    try:
        period_kind(period)
    except ValueError as exc:
        raise _fail(f"--period: {exc}") from None
    out.mkdir(parents=True, exist_ok=True)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err
    ) as progress:
        task = progress.add_task("Generating member systems", total=members)
        written = []
        for j in range(members):
            one = generate_consortium(
                1,
                seed=seed * 1000 + j,
                period=period,
                respondents=respondents,
                names=[f"Member System {j + 1}"],
            )
            contribution = one.contributions[0]
            path = out / f"{contribution.member_id}-{period}.contribution.json"
            path.write_text(contribution.dumps(), encoding="utf-8")
            written.append({"file": path.name, **one.truth[0].__dict__})
            progress.advance(task)
    (out / "truth.json").write_text(json.dumps(written, indent=2), encoding="utf-8")
    console.print(f"Wrote {members} contribution files and truth.json to {out}")


@app.command("submit")
def submit(
    file: Annotated[Path, typer.Argument(help="The contribution file to send.")],
    url: Annotated[str, typer.Option(help="The consortium's contributions endpoint.")],
    token: Annotated[
        str,
        typer.Option(
            envvar="CLINWELL_MEMBER_TOKEN", help="Your member token (or $CLINWELL_MEMBER_TOKEN)."
        ),
    ],
) -> None:
    """Send a contribution file to a consortium's REST API."""
    import urllib.error
    import urllib.request

    if not url.startswith(("https://", "http://")):
        raise _fail("--url must be an http(s) address")
    try:
        body = file.read_bytes()
    except OSError as exc:
        raise _fail(f"{file}: cannot read ({exc.strerror})") from None
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            answer = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = json.loads(exc.read() or b"{}").get("detail", exc.reason)
        for line in detail if isinstance(detail, list) else [detail]:
            err.print(f"[red]refused ({exc.code})[/red] {escape(str(line))}")
        raise typer.Exit(2) from None
    except urllib.error.URLError as exc:
        raise _fail(f"{url}: {exc.reason}", 1) from None
    console.print(
        f"Sent: {answer['member']} {answer['period']}, {answer['cells']} numbers, "
        f"{answer['impacts']} impacts."
    )


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="The consortium's name.")],
    slug: Annotated[str | None, typer.Option(help="Its id in addresses.")] = None,
    period_kind: Annotated[str, typer.Option(help="year or half_year")] = "half_year",
    min_members: Annotated[int, typer.Option(help="Fewest systems in a pooled cell.")] = 5,
    epsilon_total: Annotated[float, typer.Option(help="Total privacy budget.")] = 3.0,
    epsilon_per_release: Annotated[float, typer.Option(help="ε of each release.")] = 1.0,
) -> None:
    """Create a consortium on this instance (its budget is fixed for good)."""
    _django()
    from clinwell.web.consortium.services.members import ConsortiumInputError, create_consortium

    try:
        made = create_consortium(
            name,
            slug,
            period_kind=period_kind,
            min_members=min_members,
            epsilon_total=epsilon_total,
            epsilon_per_release=epsilon_per_release,
        )
    except ConsortiumInputError as exc:
        raise _fail(str(exc)) from None
    console.print(f"Created {made.name} (/c/{made.slug}/), budget ε = {made.epsilon_total:g}.")


def _consortium(slug: str) -> Any:
    from clinwell.web.consortium.models import Consortium

    found = Consortium.objects.filter(slug=slug).first()
    if found is None:
        raise _fail(f"no consortium {slug!r} on this instance")
    return found


@app.command("add-member")
def add_member_command(
    consortium: Annotated[str, typer.Argument(help="The consortium's id.")],
    name: Annotated[str, typer.Argument(help="The member system's name.")],
    member_id: Annotated[str | None, typer.Option("--id", help="Its member.id.")] = None,
    organization: Annotated[
        str | None,
        typer.Option(help="The organization's slug, when the member's clinwell is this instance."),
    ] = None,
) -> None:
    """Add a member system and print its API token (shown once)."""
    _django()
    from clinwell.web.consortium.services.members import ConsortiumInputError, add_member
    from clinwell.web.orgs.models import Organization

    org = None
    if organization is not None:
        org = Organization.objects.filter(slug=organization).first()
        if org is None:
            raise _fail(f"--organization: no organization {organization!r}")
    try:
        member, token = add_member(_consortium(consortium), name, member_id, organization=org)
    except ConsortiumInputError as exc:
        raise _fail(str(exc)) from None
    console.print(f"Added {member.name} (member id {member.slug}). Its token (shown once):")
    typer.echo(token)


@app.command("grant")
def grant(
    email: Annotated[str, typer.Argument(help="The user's e-mail.")],
    consortium: Annotated[str, typer.Argument(help="The consortium's id.")],
    role: Annotated[str, typer.Option(help="staff or member")] = "staff",
    member_id: Annotated[str | None, typer.Option("--member", help="For a representative.")] = None,
) -> None:
    """Give a user a role in a consortium: staff, or a member's representative."""
    _django()
    from clinwell.web.accounts.models import User
    from clinwell.web.consortium.models import Member
    from clinwell.web.consortium.services.members import (
        ConsortiumInputError,
        grant_consortium_role,
    )

    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        raise _fail(f"no user {email!r}")
    found = _consortium(consortium)
    member = Member.objects.filter(consortium=found, slug=member_id).first() if member_id else None
    if role not in ("staff", "member"):
        raise _fail("--role: staff or member")
    try:
        grant_consortium_role(user, found, role, member)
    except ConsortiumInputError as exc:
        raise _fail(str(exc)) from None
    console.print(f"{email} is now {role} of {found.name}.")


@app.command("import")
def import_files(
    consortium: Annotated[str, typer.Argument(help="The consortium's id.")],
    files: Files,
) -> None:
    """Store contribution files (each one whole or not at all); refused files are listed."""
    _django()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from clinwell.consortium import ContributionError
    from clinwell.web.consortium.services.contributions import receive_contribution

    found = _consortium(consortium)
    refused = 0
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err
    ) as progress:
        task = progress.add_task("Importing contributions", total=len(files))
        for path in files:
            try:
                received = receive_contribution(
                    found, path.read_bytes(), via="cli", source=str(path)
                )
            except OSError as exc:
                err.print(f"[red]refused[/red] {escape(str(path))}: cannot read ({exc.strerror})")
                refused += 1
            except ContributionError as exc:
                err.print(f"[red]refused[/red] {escape(str(exc))}")
                refused += 1
            else:
                c = received.contribution
                progress.console.print(
                    f"stored {c.member.slug} {c.period}: {received.cells} "
                    f"numbers, {received.impacts} impacts"
                )
            progress.advance(task)
    if refused:
        raise typer.Exit(2)


@app.command("release")
def release(
    consortium: Annotated[str, typer.Argument(help="The consortium's id.")],
    period: Annotated[str, typer.Option(help="The period to release.")],
) -> None:
    """Publish a public report with differential privacy (spends budget; refused when spent)."""
    _django()
    from clinwell.consortium import BudgetExhaustedError
    from clinwell.web.consortium.services.releases import ReleaseRefused, release_period

    found = _consortium(consortium)
    try:
        made = release_period(found, period)
    except (BudgetExhaustedError, ReleaseRefused) as exc:
        raise _fail(str(exc)) from None
    console.print(
        f"Release {made.number} of {period}: ε = {made.epsilon:g} spent, "
        f"{made.members} systems; /c/{found.slug}/report/{made.number}/"
    )


@app.command("budget")
def budget(consortium: Annotated[str, typer.Argument(help="The consortium's id.")]) -> None:
    """The privacy budget: total, spent by each release, left."""
    _django()
    from clinwell.web.consortium.models import Release
    from clinwell.web.consortium.services.releases import budget_spent

    found = _consortium(consortium)
    table = Table(title=f"{found.name}: privacy budget ε = {found.epsilon_total:g}")
    for column in ("Release", "Period", "Released", "ε"):
        table.add_column(column)
    for r in Release.objects.filter(consortium=found).order_by("number"):
        table.add_row(str(r.number), r.period, r.created_at.date().isoformat(), f"{r.epsilon:.3f}")
    console.print(table)
    console.print(f"Left: ε = {max(found.epsilon_total - budget_spent(found), 0):.3f}")


@app.command("evidence")
def evidence(
    consortium: Annotated[str, typer.Argument(help="The consortium's id.")],
    out: Annotated[Path, typer.Option(help="Where to write the evidence file.")],
) -> None:
    """Write the pooled-evidence file members import."""
    _django()
    from clinwell.web.consortium.services.evidence import evidence_file

    document = evidence_file(_consortium(consortium))
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    effects = document["effects"]
    count = len(effects) if isinstance(effects, list) else 0
    console.print(f"Wrote {count} pooled effects to {out}")


def _admin(organization: str) -> Any:
    from clinwell.web.orgs.models import Membership

    found = (
        Membership.objects.filter(organization__slug=organization, role="admin")
        .select_related("organization", "user")
        .first()
    )
    if found is None:
        raise _fail(f"no organization {organization!r} with an administrator")
    return found


@app.command("export")
def export(
    organization: Annotated[str, typer.Argument(help="Your organization's slug.")],
    out: Annotated[Path, typer.Option(help="Where to write the contribution file.")],
    wave: Annotated[int | None, typer.Option(help="Wave id (default: the latest closed).")] = None,
) -> None:
    """Build your contribution (what the Consortium page says you share) from released results."""
    _django()
    from clinwell.web.consortium.services.export import build_contribution
    from clinwell.web.consortium.services.sharing import sharing_choice
    from clinwell.web.surveys.models import Wave

    membership = _admin(organization)
    choice = sharing_choice(membership.organization)
    if choice is None:
        raise _fail("choose what to share first (the organization's Consortium page)")
    waves = Wave.objects.filter(organization=membership.organization, status=Wave.Status.CLOSED)
    chosen = (waves.filter(pk=wave) if wave is not None else waves.order_by("-closes_at")).first()
    if chosen is None:
        raise _fail("--wave: no such closed wave" if wave is not None else "no closed wave yet")
    built = build_contribution(membership.organization, chosen, choice)
    out.write_text(built.contribution.dumps(), encoding="utf-8")
    for note in built.notes:
        err.print(f"[yellow]note[/yellow] {escape(note)}")
    console.print(
        f"Wrote {out}: period {built.contribution.period}, "
        f"{len(built.contribution.cells)} numbers, "
        f"{len(built.contribution.impacts)} impacts."
    )


@app.command("import-evidence")
def import_evidence_command(
    organization: Annotated[str, typer.Argument(help="Your organization's slug.")],
    file: Annotated[Path, typer.Argument(help="The consortium's pooled-evidence file.")],
) -> None:
    """Import your consortium's pooled evidence into your intervention catalog."""
    _django()
    from clinwell.consortium import EvidenceError
    from clinwell.web.consortium.services.sharing import import_evidence

    membership = _admin(organization)
    try:
        count = import_evidence(membership, file.read_bytes(), str(file))
    except OSError as exc:
        raise _fail(f"{file}: cannot read ({exc.strerror})") from None
    except EvidenceError as exc:
        raise _fail(str(exc)) from None
    console.print(f"Imported {count} pooled effects into {membership.organization.name}.")
