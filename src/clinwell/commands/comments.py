"""``clinwell comments``: themes and sentiment of free-text comments, on this machine.

The model code is imported inside each command, so ``clinwell --help`` stays fast.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from clinwell.comments import Classification

err = Console(stderr=True, soft_wrap=True)
console = Console()

#: Below this many distinct comments the run takes a few seconds and gets no progress bar.
PROGRESS_FROM = 200

#: Column heads of the confusion table, short enough for an 80-column terminal.
SHORT_NAMES = {
    "ehr_documentation": "ehr",
    "workload_staffing": "work",
    "leadership_support": "lead",
    "teamwork_culture": "team",
    "administrative_burden": "admin",
    "schedule_flexibility": "sched",
    "compensation_recognition": "pay",
    "mental_health_support": "mind",
    "safety_violence": "safe",
    "positive_meaning": "good",
}

comments_app = typer.Typer(
    name="comments",
    help="Themes and sentiment of survey comments, computed on this machine.",
    no_args_is_help=True,
)


class CommentsInputError(ValueError):
    """Bad input to `clinwell comments`; the message names the file, row or column."""


class OutputFormat(StrEnum):
    json = "json"
    csv = "csv"


def read_comments(
    path: Path, text_column: str, id_column: str | None
) -> tuple[list[str], list[str | int]]:
    """Texts and ids of a UTF-8 CSV file; without ``id_column`` the id is the 1-based number
    of the data row (blank lines do not count)."""
    if not path.is_file():
        raise CommentsInputError(f"{path}: no such file")
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommentsInputError(
            f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason}); save the file as UTF-8"
        ) from None
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise CommentsInputError(f"{path}: the file is empty (no header row)")
        # Keep each row's line number for errors; blank lines are not rows.
        rows = [(reader.line_num, row) for row in reader if row]
    except csv.Error as exc:
        raise CommentsInputError(f"{path}, row {reader.line_num}: not valid CSV ({exc})") from None
    columns = [h.strip() for h in header]
    for option, column in (("--text", text_column), ("--id", id_column)):
        if column is not None and column not in columns:
            raise CommentsInputError(
                f"{path}: no column {column!r} for {option} (columns: {', '.join(columns)})"
            )
    if not rows:
        raise CommentsInputError(f"{path}: no comment rows below the header")
    text_at = columns.index(text_column)
    id_at = columns.index(id_column) if id_column is not None else None
    texts: list[str] = []
    ids: list[str | int] = []
    for number, (line, row) in enumerate(rows, start=1):
        if len(row) != len(columns):
            raise CommentsInputError(
                f"{path}, line {line}: {len(row)} fields, the header has {len(columns)}"
            )
        texts.append(row[text_at])
        ids.append(row[id_at] if id_at is not None else number)
    return texts, ids


def render(ids: list[str | int], labels: list[Classification], output_format: OutputFormat) -> str:
    """The output document: a JSON list of ``{id, themes, sentiment}`` or CSV rows."""
    if output_format is OutputFormat.json:
        records = [
            {"id": i, "themes": list(c.themes), "sentiment": c.sentiment}
            for i, c in zip(ids, labels, strict=True)
        ]
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "themes", "sentiment"])
    for i, c in zip(ids, labels, strict=True):
        writer.writerow([i, ";".join(c.themes), c.sentiment])
    return buffer.getvalue()


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]Error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


@comments_app.command("themes")
def themes_command(
    input_file: Annotated[
        Path, typer.Argument(metavar="INPUT.csv", help="UTF-8 CSV file with one comment per row.")
    ],
    text: Annotated[str, typer.Option("--text", help="Column holding the comment text.")],
    id_column: Annotated[
        str | None,
        typer.Option("--id", help="Column holding each comment's id (default: row number)."),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.json,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write to this file instead of standard output."),
    ] = None,
) -> None:
    """Label each comment with its themes (any of ten, or none) and a sentiment.

    Runs the packaged sentence model on this machine; nothing is sent anywhere. Bad input
    stops with a one-line error before anything is written.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from clinwell.comments import classify, distinct_count
    from clinwell.comments.encoder import ModelUnavailableError

    try:
        texts, ids = read_comments(input_file, text, id_column)
    except CommentsInputError as exc:
        raise _fail(str(exc)) from None
    if output is not None and not output.parent.is_dir():
        raise _fail(f"--output: no directory {output.parent}")
    total = distinct_count(texts)
    try:
        if total >= PROGRESS_FROM:
            with Progress(
                TextColumn("Labelling comments"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            ) as bar:
                task = bar.add_task("comments", total=total)
                labels = classify(texts, progress=lambda done: bar.update(task, completed=done))
        else:
            labels = classify(texts)
    except ModelUnavailableError as exc:
        raise _fail(str(exc), code=1) from None
    document = render(ids, labels, output_format)
    if output is None:
        sys.stdout.write(document)
    else:
        _write_atomically(output, document)
    with_theme = sum(1 for c in labels if c.themes)
    err.print(f"{len(labels)} comments, {with_theme} with at least one theme", highlight=False)


@comments_app.command("evaluate")
def evaluate_command(
    labelled: Annotated[
        Path | None,
        typer.Argument(
            metavar="[LABELLED.csv]",
            help="id,text,themes,sentiment CSV (default: the shipped held-out set).",
        ),
    ] = None,
) -> None:
    """Precision, recall and F1 per theme, the confusion between themes, and sentiment
    accuracy of the shipped classifier on a labelled set."""
    from clinwell.comments import THEME_KEYS, classify
    from clinwell.comments.evaluation import evaluate
    from clinwell.comments.labelled import HELDOUT, LabelledSetError, load_labelled

    try:
        data = load_labelled(labelled if labelled is not None else HELDOUT)
    except (LabelledSetError, OSError, UnicodeDecodeError) as exc:
        raise _fail(str(exc)) from None
    result = evaluate(data, classify(list(data.texts)))
    table = Table(title=f"Themes on {data.name} ({len(data)} comments)", title_justify="left")
    for column in ("theme", "support", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "theme" else "right")
    for s in result.themes:
        table.add_row(
            s.theme, str(s.support), f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}"
        )
    table.add_row("macro-F1", "", "", "", f"{result.macro_f1:.3f}", style="bold")
    console.print(table)
    short = [SHORT_NAMES[k] for k in THEME_KEYS] + ["none"]
    confusion = Table(title="Confusion (rows: labelled, columns: predicted)", title_justify="left")
    confusion.add_column("", no_wrap=True)
    for name in short:
        confusion.add_column(name, justify="right")
    for name, row in zip(short, result.confusion, strict=True):
        confusion.add_row(name, *(str(int(v)) if v else "·" for v in row))
    console.print(confusion)
    console.print(f"Sentiment accuracy: {result.sentiment_accuracy:.3f}")


def register(app: typer.Typer) -> None:
    """Add `clinwell comments` to the root app."""
    app.add_typer(comments_app)
