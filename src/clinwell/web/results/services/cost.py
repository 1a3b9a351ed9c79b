"""The cost-of-burnout estimate with editable inputs (a GET form; no JavaScript needed).

Formula and source: :func:`clinwell.stats.burnout_turnover_cost` (Shanafelt, Goh & Sinsky,
JAMA Intern Med 2017 worksheet; burned-out physicians about twice as likely to leave). The
burnout rate is the released estimate of the group shown; defaults for the other inputs come
from :func:`clinwell.knowledge.cost_of_burnout_inputs` and the roster.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clinwell.knowledge import cost_of_burnout_inputs
from clinwell.stats import StatsInputError, burnout_turnover_cost


def _read(
    raw: str | None, default: float, low: float, high: float, name: str, errors: dict[str, str]
) -> float:
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw.replace(",", "").replace("$", "").replace("%", ""))
    except ValueError:
        errors[name] = "Enter a number."
        return default
    if not low <= value <= high:
        errors[name] = f"Enter a number between {low:,.0f} and {high:,.0f}."
        return default
    return value


def cost_context(
    params: Mapping[str, str], burnout_rate: float | None, physicians: int
) -> dict[str, Any]:
    """Inputs (as entered or defaulted), validation errors and the estimate."""
    inputs = cost_of_burnout_inputs()
    errors: dict[str, str] = {}
    n = _read(params.get("physicians"), float(physicians), 0, 1_000_000, "physicians", errors)
    turnover = _read(
        params.get("turnover"), 100 * inputs.national_turnover_rate, 0, 100, "turnover", errors
    )
    per_departure = _read(
        params.get("cost_per_departure"),
        inputs.turnover_cost_low,
        0,
        100_000_000,
        "cost_per_departure",
        errors,
    )
    context: dict[str, Any] = {
        "physicians": int(n),
        "turnover": turnover,
        "cost_per_departure": int(per_departure),
        "errors": errors,
        "inputs": inputs,
        "burnout_rate": burnout_rate,
        "result": None,
    }
    if burnout_rate is None or errors:
        return context
    try:
        context["result"] = burnout_turnover_cost(
            n,
            turnover / 100.0,
            burnout_rate,
            per_departure,
            inputs.burnout_turnover_relative_risk,
        )
    except StatsInputError as exc:
        errors["form"] = str(exc)
    return context
