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


def read_table(filename: str, stream: BinaryIO) -> Table:
    """Parse CSV (UTF-8, optional BOM) or XLSX by extension; raise ImportValidationError."""
    suffix = PurePath(filename).suffix.lower()
    data = stream.read()
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
    for number, cells in enumerate(grid[1:], start=2):
        values = {
            header[i]: ("" if cell is None else str(cell).strip())
            for i, cell in enumerate(cells)
            if i < len(header) and header[i]
        }
        if any(values.values()):
            rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise ImportValidationError(
            filename, [RowError(None, None, f"more than {MAX_ROWS:,} rows; split the file")]
        )
    return Table(columns=[c for c in header if c], rows=rows)


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
    return list(csv.reader(io.StringIO(text), dialect))


def _xlsx_grid(filename: str, data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportValidationError(
            filename, [RowError(None, None, f"not a readable XLSX workbook ({exc})")]
        ) from exc
    sheet = workbook.worksheets[0]
    grid = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return grid
