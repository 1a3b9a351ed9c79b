"""`clinwell instruments list|show|export|import` and `clinwell score`."""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:  # numpy, pandas and the instrument library load inside the commands
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from clinwell.instruments import Instrument

from clinwell.spreadsheet import safe_frame

out = Console()
err = Console(stderr=True, soft_wrap=True)

IdArg = Annotated[str, typer.Argument(metavar="ID", help="Instrument id, e.g. cbi.")]

instruments_app = typer.Typer(
    name="instruments",
    help="Browse, export and import survey instruments (FHIR Questionnaire + scoring spec).",
    no_args_is_help=True,
)


@contextmanager
def _clear_errors(source: Path | None = None) -> Iterator[None]:
    """Turn bad-input exceptions into a red message and exit code 1 (never a traceback).

    Errors raised while reading ``source`` (undecodable bytes, an empty or malformed file) are
    prefixed with its path; OS errors name the file they concern.
    """
    import pandas as pd

    from clinwell.instruments import InstrumentError, ScoringError

    read_errors = (UnicodeDecodeError, csv.Error, pd.errors.ParserError, pd.errors.EmptyDataError)
    try:
        yield
    except (InstrumentError, ScoringError) as exc:
        err.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    except OSError as exc:
        if exc.filename is not None and exc.strerror:
            message = f"{exc.filename}: {exc.strerror}"
        else:
            message = str(exc)
        err.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    except read_errors as exc:
        message = str(exc)
        if isinstance(exc, UnicodeDecodeError):
            message = f"not UTF-8 text ({message})"
        if source is not None and not message.startswith(f"{source}:"):
            message = f"{source}: {message}"
        err.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
        raise typer.Exit(1) from None


def _validity(inst: Instrument) -> str:
    """The validity label (:attr:`Instrument.validity_label`)."""
    return inst.validity_label


@instruments_app.command("list")
def list_instruments() -> None:
    """List every available instrument."""
    from clinwell.instruments import load_library

    with _clear_errors():
        library = load_library()
    table = Table(title="Instruments")
    table.add_column("id", no_wrap=True)
    for col in ("title", "items", "validity", "item text", "licence"):
        table.add_column(col, overflow="fold")
    for inst in library.values():
        ack = "acknowledge before use" if inst.licence.acknowledgement_required else "—"
        table.add_row(
            inst.id,
            f"{inst.title} ({inst.version})",
            str(len(inst.items)),
            _validity(inst),
            inst.text_status,
            ack,
        )
    out.print(table)


@instruments_app.command("show")
def show(instrument_id: IdArg) -> None:
    """Show an instrument's items, scales, cut-offs, licence and citations."""
    from clinwell.instruments import load_library

    with _clear_errors():
        inst = load_library().get_instrument(instrument_id)
    out.print(f"[bold]{inst.title}[/bold] ({inst.id}, version {inst.version}) — {_validity(inst)}")
    out.print(inst.description, highlight=False)
    out.print(f"Validity: {inst.validation_note}", highlight=False)
    out.print(f"Item text: {inst.text_status}. {inst.text_note}", highlight=False)
    lic = inst.licence
    out.print("\n[bold]Licence[/bold]")
    out.print(lic.text, highlight=False)
    out.print(
        f"redistribution allowed: {str(lic.redistribution_allowed).lower()}; "
        f"acknowledgement required: {str(lic.acknowledgement_required).lower()}; "
        f"commercial use: {lic.commercial_use}; terms confirmed: {str(lic.confirmed).lower()}",
        highlight=False,
    )
    if lic.note:
        out.print(lic.note, highlight=False)
    out.print("\n[bold]Citations[/bold]")
    for c in inst.citations:
        out.print(f"- {c.text}" + (f" {c.url}" if c.url else ""), highlight=False)
    items = Table(title="Items")
    items.add_column("linkId", no_wrap=True)
    for col in ("text", "answers (code = label → score)", "optional", "prefer not"):
        items.add_column(col)
    for it in inst.items:
        if it.options:
            answers = "\n".join(f"{o.code} = {o.label} → {o.score:g}" for o in it.options)
        else:
            answers = f"{it.type} {it.min_value:g}–{it.max_value:g} {it.unit or ''}"
        items.add_row(
            it.link_id,
            it.text,
            answers,
            "no" if it.required else "yes",
            "yes" if it.prefer_not_to_answer else "no",
        )
    out.print(items)
    scales = Table(title="Outputs")
    scales.add_column("column", no_wrap=True)
    for col in ("rule", "range", "higher is", "confirmed", "tags"):
        scales.add_column(col)
    for col_ in inst.outputs():
        tags = ", ".join(
            t
            for t in (
                f"kpi={col_.tags.kpi}" if col_.tags.kpi else "",
                f"domain={col_.tags.domain}" if col_.tags.domain else "",
                "driver" if col_.tags.driver else "",
            )
            if t
        )
        if col_.cutoff is None:
            sc = inst.scale(col_.scale)
            rule = f"{sc.method} of {', '.join(sc.items)}"
            if sc.reverse:
                rule += f" (reversed: {', '.join(sc.reverse)})"
            rule += f"; ≥{sc.min_answered} answered"
            rng = f"{sc.range[0]:g}–{sc.range[1]:g}"
            worse = "worse" if sc.higher_is_worse else "better"
            confirmed = str(sc.rule.confirmed).lower()
        else:
            cut = col_.cutoff
            rule = f"{inst.id}.{col_.scale} {cut.op} {cut.value:g} — {cut.provenance.source}"
            rng, worse, confirmed = "true/false", "", str(cut.provenance.confirmed).lower()
        scales.add_row(col_.name, rule, rng, worse, confirmed, tags)
    out.print(scales)


@instruments_app.command("export")
def export(
    instrument_id: IdArg,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file.")
    ] = None,
) -> None:
    """Print (or write) the instrument as a FHIR R4 Questionnaire (JSON)."""
    from clinwell.instruments import load_library, to_fhir_questionnaire

    with _clear_errors():
        text = json.dumps(
            to_fhir_questionnaire(load_library().get_instrument(instrument_id)),
            indent=2,
            ensure_ascii=False,
        )
        if output is None:
            sys.stdout.write(text + "\n")
        else:
            _atomic_write(output, (text + "\n").encode("utf-8"))
            err.print(f"wrote {output}", highlight=False)


@instruments_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE")],
    dest: Annotated[
        Path | None,
        typer.Option("--dest", help="Install into this directory (default: user directory)."),
    ] = None,
) -> None:
    """Validate and install an instrument: a {questionnaire, scoring} document, or a licensed
    FHIR Questionnaire that supplies the item text of a shipped instrument."""
    from clinwell.instruments import install_instrument, prepare_import

    with _clear_errors():
        inst = prepare_import(file)
        target = install_instrument(inst, dest)
    out.print(f"imported [bold]{inst.id}[/bold] ({inst.text_status} text) → {target}")


def _field_counts_fast(data: bytes) -> npt.NDArray[np.int64] | None:
    """Fields per line (0 for a blank line) by counting commas with numpy, or ``None`` when
    the file has quotes or bare carriage returns and needs a real CSV parser."""
    import numpy as np

    if b'"' in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    buf = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(buf == ord("\n"))
    starts = np.concatenate(([0], newlines + 1))
    ends = np.append(newlines, buf.size)
    commas = np.flatnonzero(buf == ord(","))
    counts = np.diff(np.searchsorted(commas, ends), prepend=0) + 1
    lengths = ends - starts
    if lengths.size:
        has_cr = np.zeros(lengths.size, dtype=bool)
        nonempty = lengths > 0
        has_cr[nonempty] = buf[ends[nonempty] - 1] == ord("\r")
        lengths = lengths - has_cr
    return np.where(lengths > 0, counts, 0).astype(np.int64)


def _field_counts_csv(path: Path) -> npt.NDArray[np.int64]:
    import numpy as np

    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            return np.fromiter(map(len, reader), dtype=np.int64)
        except csv.Error as exc:
            raise csv.Error(f"line {reader.line_num}: {exc}") from exc


def _check_field_counts(path: Path) -> None:
    """Raise :class:`ScoringError` at the first data row whose field count differs from the
    header's. pandas would otherwise take a longer row's extra leading field for an index (so
    every value shifts one column) and pad a shorter row with empty values.

    Rows are numbered as in scoring errors: 1 = the first data row after the header, blank
    lines (which pandas skips too) not counted. Files without quotes are checked by counting
    commas with numpy; others go through the csv module (``map(len, reader)``, in C).
    """
    import numpy as np
    import pandas as pd

    from clinwell.instruments import ScoringError

    counts = _field_counts_fast(path.read_bytes())
    if counts is None:
        counts = _field_counts_csv(path)
    counts = counts[counts != 0]
    if counts.size == 0:
        raise pd.errors.EmptyDataError("empty file: no header row")
    expected = int(counts[0])
    bad = np.flatnonzero(counts[1:] != expected)
    if bad.size:
        row, found = int(bad[0]) + 1, int(counts[bad[0] + 1])
        raise ScoringError(
            f"{path}: row {row}: expected {expected} field{'s' * (expected != 1)} "
            f"(as in the header), found {found}; nothing was scored",
            row=row,
        )


def _read_table(path: Path) -> pd.DataFrame:
    import pandas as pd

    if path.suffix.lower() == ".parquet":
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError) as exc:
            if isinstance(exc, OSError) and exc.filename is not None:
                raise
            raise pd.errors.ParserError(f"not a readable Parquet file ({exc})") from exc
    _check_field_counts(path)
    # Everything as text, so that passthrough columns are written back exactly as read;
    # index_col=False: never take a column for the index (field counts are checked above).
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, index_col=False)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Booleans as true/false, missing as empty."""
    import pandas as pd

    frame = frame.copy()
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.BooleanDtype):
            frame[name] = frame[name].map({True: "true", False: "false"}).astype(object)
    return frame


def score(
    instrument_id: IdArg,
    input_file: Annotated[
        Path, typer.Argument(metavar="INPUT", help="CSV (or .parquet) of responses.")
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Output CSV (or .parquet).")
    ] = None,
) -> None:
    """Score INPUT (one row per response, one column per item linkId) and write the other
    columns plus every scale column. Nothing is written if any value is invalid."""
    import pandas as pd

    from clinwell.instruments import load_library, score_frame

    with _clear_errors(input_file):
        inst = load_library().get_instrument(instrument_id)
        frame = _read_table(input_file)
        scored = score_frame(inst, frame)
        keep = [c for c in frame.columns if c not in set(inst.link_ids)]
        result = pd.concat([frame[keep], scored], axis=1)
        if output is not None and output.suffix.lower() == ".parquet":
            fd, tmp = tempfile.mkstemp(dir=output.parent, suffix=".parquet")
            os.close(fd)
            try:
                result.to_parquet(tmp, index=False)
                os.replace(tmp, output)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        else:
            text = safe_frame(_csv_ready(result)).to_csv(
                index=False, float_format="%.10g", lineterminator="\n"
            )
            if output is None:
                sys.stdout.write(text)
            else:
                _atomic_write(output, text.encode("utf-8"))
    if inst.licence.acknowledgement_required:
        err.print(
            f"[yellow]note:[/yellow] {inst.id} licence: {inst.licence.commercial_use}",
            highlight=False,
        )
    if output is not None:
        err.print(f"scored {len(result)} responses → {output}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `instruments` (list/show/export/import) and the top-level `score` command."""
    app.add_typer(instruments_app, name="instruments")
    app.command("score")(score)
