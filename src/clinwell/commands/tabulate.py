"""`clinwell tabulate`: disclosure-controlled tables of a scored response file.

Every number printed comes from :func:`clinwell.privacy.release` — or, with ``--role``,
:func:`clinwell.privacy.groups.release_groups`, the release the web app's results use: cells
below the minimum group size are suppressed, and enough other cells are hidden that no
suppressed group can be recovered by adding and subtracting published cells.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:  # numpy, pandas and the privacy gate load inside the command
    import pandas as pd

    from clinwell.privacy import Measure, ReleasedTable, TableRequest

from clinwell.spreadsheet import SafeWriter

err = Console(stderr=True, soft_wrap=True)

MISSING_GROUP = "(missing)"
_TRUE = {"true", "yes", "1", "1.0"}
_FALSE = {"false", "no", "0", "0.0"}


class TabulateError(ValueError):
    """Bad input to `clinwell tabulate`; the message names the file, row or column."""


class OutputFormat(StrEnum):
    """Output formats of `clinwell tabulate`."""

    json = "json"
    csv = "csv"


def _read(path: Path) -> pd.DataFrame:
    import pandas as pd

    if not path.is_file():
        raise TabulateError(f"{path}: no such file")
    try:
        if path.suffix.lower() == ".parquet":
            frame = pd.read_parquet(path).astype("string")
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TabulateError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise TabulateError(f"{path}: cannot be read as a table ({exc})") from None
    frame = frame.fillna("")
    if frame.empty:
        raise TabulateError(f"{path}: contains no response rows")
    return frame


def _measure(path: Path, frame: pd.DataFrame, column: str) -> Measure:
    import numpy as np
    import pandas as pd

    from clinwell.privacy import Measure

    raw = [str(v).strip() for v in frame[column].tolist()]
    present = [v.lower() for v in raw if v != ""]
    if present and all(v in _TRUE | _FALSE for v in present):
        values = [np.nan if v == "" else (1.0 if v.lower() in _TRUE else 0.0) for v in raw]
        return Measure.proportion(column, values)
    text = pd.Series(raw, dtype=object)
    blank = (text == "").to_numpy()
    numbers = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~blank & ~np.isfinite(numbers))
    if bad.size:
        row = int(bad[0])
        reason = (
            "is not finite"
            if raw[row].lower().lstrip("+-") in {"inf", "infinity", "nan"}
            else ("is neither a number nor true/false")
        )
        raise TabulateError(f"{path}, row {row + 2}, column {column!r}: {raw[row]!r} {reason}")
    return Measure.mean(column, numbers)


def build_request(
    path: Path, frame: pd.DataFrame, hierarchy: str | None, by: list[str], measures: list[str]
) -> TableRequest:
    """The gate request for these columns (errors name the file, row and column)."""
    from clinwell.privacy import Dimension, TableRequest

    wanted = ([hierarchy] if hierarchy else []) + by + measures
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise TabulateError(
            f"{path}: no column {missing[0]!r} (columns: {', '.join(map(str, frame.columns))})"
        )
    repeated = sorted({c for c in wanted if wanted.count(c) > 1})
    if repeated:
        raise TabulateError(f"column {repeated[0]!r} is given more than once")
    dims = []
    if hierarchy:
        paths = [str(v) for v in frame[hierarchy].tolist()]
        blank = [i for i, v in enumerate(paths) if not v.strip()]
        if blank:
            raise TabulateError(f"{path}, row {blank[0] + 2}, column {hierarchy!r}: no unit path")
        dims.append(Dimension(hierarchy, paths, hierarchical=True))
    for column in by:
        values = [str(v).strip() or MISSING_GROUP for v in frame[column].tolist()]
        dims.append(Dimension(column, values))
    return TableRequest(tuple(dims), tuple(_measure(path, frame, m) for m in measures))


def tabulate(
    scored: Annotated[
        Path, typer.Argument(metavar="SCORED.csv", help="Scored responses (CSV or .parquet).")
    ],
    measure: Annotated[
        list[str],
        typer.Option(
            "--measure",
            help="Column to summarize (repeatable). true/false (or 0/1) columns give a "
            "proportion with a Wilson interval; other numeric columns a mean with a t interval.",
        ),
    ],
    hierarchy: Annotated[
        str | None,
        typer.Option(
            "--hierarchy", help="Column of slash-separated unit paths; every ancestor is a cell."
        ),
    ] = None,
    by: Annotated[
        list[str] | None, typer.Option("--by", help="Grouping column (repeatable).")
    ] = None,
    role: Annotated[
        str | None,
        typer.Option(
            "--role",
            help="Role column, crossed with every unit (needs --hierarchy). The --by columns "
            "are then published as the web app publishes attributes: each at every unit, and "
            "crossed with the role at the top two levels (seconds for 100,000 responses).",
        ),
    ] = None,
    min_n: Annotated[
        int, typer.Option("--min-n", min=1, help="Minimum group size for any number.")
    ] = 5,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.json,
) -> None:
    """Tabulate SCORED.csv through the privacy gate: every combination of hierarchy levels
    and --by values ("*" = all), suppressed cells marked and carrying no numbers."""
    from clinwell.privacy import AuditError, DisclosurePolicy, PrivacyError, release

    try:
        frame = _read(scored)
        if role is not None:
            table = _release_groups(scored, frame, hierarchy, role, list(by or []), measure, min_n)
        else:
            request = build_request(scored, frame, hierarchy, list(by or []), list(measure))
            table = release(request, DisclosurePolicy(min_n_scores=min_n))
    except (TabulateError, PrivacyError, AuditError) as exc:
        err.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    if output_format is OutputFormat.json:
        import orjson  # a large table's JSON in a tenth of json's time

        # NaN never reaches a record: estimates are None where undefined
        sys.stdout.flush()
        sys.stdout.buffer.write(orjson.dumps(table.records(), option=orjson.OPT_INDENT_2) + b"\n")
        sys.stdout.buffer.flush()
    else:
        writer = SafeWriter(sys.stdout, lineterminator="\n")
        writer.writerow(table.csv_header())
        writer.writerows(table.csv_rows())
    suppressed = sum(c.suppressed for c in table.cells)
    err.print(f"{len(table.cells)} cells, {suppressed} suppressed (min n {min_n})", highlight=False)


def _release_groups(
    path: Path,
    frame: pd.DataFrame,
    hierarchy: str | None,
    role: str,
    by: list[str],
    measures: list[str],
    min_n: int,
) -> ReleasedTable:
    """The web app's release by group (:func:`clinwell.privacy.groups.release_groups`)."""
    from clinwell.privacy import DisclosurePolicy
    from clinwell.privacy.groups import GroupRequest, release_groups

    if hierarchy is None:
        raise TabulateError("--role needs --hierarchy (the role is crossed with every unit)")
    request = build_request(path, frame, hierarchy, [role, *by], measures)
    unit, role_dim, *attributes = request.dimensions
    grouped = GroupRequest(
        unit=unit,
        role=role_dim,
        attributes=tuple(attributes),
        measures=request.measures,
        two_way_depth=1,
    )
    return release_groups(grouped, DisclosurePolicy(min_n_scores=min_n))


def register(app: typer.Typer) -> None:
    """Add `clinwell tabulate` to the root app."""
    app.command("tabulate")(tabulate)
