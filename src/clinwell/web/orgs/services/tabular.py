"""Read an uploaded CSV or XLSX file into rows keyed by lower-cased column name."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file; ``row`` is the spreadsheet row number (header = 1)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ImportValidationError(ValueError):
    """The file was rejected; nothing from it was stored."""

    def __init__(self, filename: str, errors: list[RowError]) -> None:
        self.filename = filename
        self.errors = errors
        super().__init__(
            f"{filename}: {len(errors)} problem(s); nothing was imported. "
            + "; ".join(str(e) for e in errors[:5])
        )


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, values)


MAX_ROWS = 200_000
MAX_BYTES = 10 * 1024 * 1024
"""Largest file accepted (checked before parsing): a roster of 200,000 people fits in it."""
MAX_XLSX_XML_BYTES = 60 * 1024 * 1024
"""Largest uncompressed worksheet XML of an XLSX file, read from the zip directory before
parsing (about 250,000 rows of a roster; a zip bomb or a huge sheet stops here)."""
MAX_CELL_CHARACTERS = 10_000
"""Longest cell: far beyond any name, e-mail or unit path, far below what hurts."""


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def read_table(filename: str, stream: BinaryIO) -> Table:
    """Parse CSV (UTF-8, optional BOM) or XLSX by extension; raise ImportValidationError.

    Refused before parsing: a file larger than :data:`MAX_BYTES`, an XLSX whose worksheet
    unpacks to more than :data:`MAX_XLSX_XML_BYTES`; while reading: more than
    :data:`MAX_ROWS` rows (reading stops there), a cell longer than
    :data:`MAX_CELL_CHARACTERS`, and a NUL character (which no database column stores).
    """
    suffix = PurePath(filename).suffix.lower()
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportValidationError(
            filename,
            [RowError(None, None, f"the file is larger than {_megabytes(MAX_BYTES)}; split it")],
        )
    if suffix in {".xlsx", ".xlsm"}:
        grid = _xlsx_grid(filename, data)
    elif suffix in {".csv", ".txt", ""}:
        grid = _csv_grid(filename, data)
    else:
        raise ImportValidationError(
            filename, [RowError(None, None, f"unsupported file type '{suffix}': use CSV or XLSX")]
        )
    if not grid:
        raise ImportValidationError(filename, [RowError(None, None, "the file is empty")])
    header = [str(c or "").strip().lower() for c in grid[0]]
    duplicates = sorted({c for c in header if c and header.count(c) > 1})
    if duplicates:
        raise ImportValidationError(
            filename,
            [RowError(1, c, "this column appears more than once") for c in duplicates],
        )
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    for number, cells in enumerate(grid, start=1):
        for i, cell in enumerate(cells):
            column = header[i] if i < len(header) and header[i] else None
            errors += _cell_problems(number, column, "" if cell is None else str(cell))
        if number == 1:
            continue
        values = {
            header[i]: ("" if cell is None else str(cell).strip())
            for i, cell in enumerate(cells)
            if i < len(header) and header[i]
        }
        if any(values.values()):
            rows.append((number, values))
    if errors:
        raise ImportValidationError(filename, errors)
    return Table(columns=[c for c in header if c], rows=rows)


def _cell_problems(row: int, column: str | None, text: str) -> list[RowError]:
    problems = []
    if "\x00" in text:
        problems.append(RowError(row, column, "contains a NUL character (\\x00); remove it"))
    if len(text) > MAX_CELL_CHARACTERS:
        problems.append(
            RowError(
                row,
                column,
                f"is {len(text):,} characters long; the limit is {MAX_CELL_CHARACTERS:,}",
            )
        )
    return problems


def _too_many_rows(filename: str) -> ImportValidationError:
    return ImportValidationError(
        filename, [RowError(None, None, f"more than {MAX_ROWS:,} rows; split the file")]
    )


def _csv_grid(filename: str, data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportValidationError(
            filename,
            [
                RowError(
                    None, None, f"not UTF-8 text (byte {exc.start}); save the file as CSV UTF-8"
                )
            ],
        ) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    grid: list[list[str]] = []
    try:
        for cells in reader:
            grid.append(cells)
            if len(grid) > MAX_ROWS + 1:
                raise _too_many_rows(filename)
    except csv.Error as exc:
        # e.g. a field longer than the csv module's limit (131,072 characters)
        problem = str(exc)
        if "field larger than field limit" in problem:
            problem = f"a value is longer than {csv.field_size_limit():,} characters"
        raise ImportValidationError(
            filename, [RowError(reader.line_num, None, f"not readable as CSV: {problem}")]
        ) from exc
    return grid


def _xlsx_grid(filename: str, data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(
                info.file_size
                for info in archive.infolist()
                if info.filename.startswith("xl/worksheets/")
            )
    except zipfile.BadZipFile as exc:
        raise ImportValidationError(
            filename, [RowError(None, None, f"not a readable XLSX workbook ({exc})")]
        ) from exc
    if unpacked > MAX_XLSX_XML_BYTES:
        raise ImportValidationError(
            filename,
            [
                RowError(
                    None,
                    None,
                    f"the workbook unpacks to more than {_megabytes(MAX_XLSX_XML_BYTES)}; "
                    "save the sheet as CSV or split it",
                )
            ],
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportValidationError(
            filename, [RowError(None, None, f"not a readable XLSX workbook ({exc})")]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        # The sheet's own <dimension> record, when present, refuses a huge sheet at once.
        if (sheet.max_row or 0) > MAX_ROWS + 1:
            raise _too_many_rows(filename)
        grid: list[list[str]] = []
        for row in sheet.iter_rows(values_only=True):
            grid.append(["" if v is None else str(v) for v in row])
            if len(grid) > MAX_ROWS + 1:
                raise _too_many_rows(filename)
    finally:
        workbook.close()
    return grid
