"""The EHR run form and how a run's parameters are presented."""

from __future__ import annotations


def test_run_parameters_are_shown_in_the_forms_words() -> None:
    from clinwell.web.ehrburden.forms import parameter_rows

    rows = dict(
        parameter_rows(
            {
                "period": "week",
                "idle_timeout": 300,
                "gap_rule": "drop",
                "clock_days": [0, 1, 4],
                "strict": False,
                "memory_limit": "4GB",
            }
        )
    )
    assert rows["Period"] == "Week"
    assert rows["Idle timeout (seconds)"] == "300"
    assert rows["Idle gaps are"] == "dropped (credited nothing)"
    assert rows["Working days (clock mode)"] == "Mon, Tue, Fri"
    assert rows["Stop at the first input problem (strict) instead of excluding bad rows"] == "no"
    assert rows["memory_limit"] == "4GB"  # not a form field: its key is kept
