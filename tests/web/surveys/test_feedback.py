"""The private feedback rows: how each of the respondent's own scores is worded."""

from __future__ import annotations

from clinwell.web.surveys.services.feedback import feedback_rows


def _values(scores: dict[str, dict[str, object]]) -> dict[str, str]:
    return {row.label: row.value for row in feedback_rows(scores)}  # type: ignore[arg-type]


def test_typed_in_numbers_are_shown_with_their_unit_not_as_a_scale() -> None:
    values = _values(
        {
            "admin_burden": {
                "admin_burden.prior_auth_per_week": 12.0,
                "admin_burden.prior_auth_hours": 3.5,
            },
            "org_wellbeing": {"org_wellbeing.weekly_hours": 55.0},
        }
    )
    assert (
        values["Administrative burden (custom): Prior authorizations per week"]
        == "12 prior authorizations per week"
    )
    assert (
        values["Administrative burden (custom): Hours per week on prior authorizations"]
        == "3.5 hours per week"
    )
    assert any(value == "55 hours per week" for value in values.values())
    assert not any("on a scale of 0–" in value for value in values.values())


def test_rating_scales_keep_their_range() -> None:
    values = _values({"who5": {"who5.raw": 8.0, "who5.percent": 32.0}})
    assert any(value == "8.0 on a scale of 0–25" for value in values.values())
