"""The turnover cost of burnout as a range, for the executive overview and the board report.

One estimate (:func:`clinwell.stats.burnout_turnover_cost`, ``N*T*AF*C``) depends on three
inputs nobody knows exactly: the burnout rate (a released estimate with its 95% interval),
the cost of one departure (``$500,000`` to more than ``$1 million``) and the relative risk of
leaving for burned-out physicians (about 2, up to 2.68 in one study). The cost rises with
each of them, so the range runs from all three at their low ends to all three at their
high ends. The number of physicians is the roster's, turnover the national mean.
"""

from __future__ import annotations

from typing import Any

from clinwell.knowledge import cost_of_burnout_inputs
from clinwell.stats import StatsInputError, burnout_turnover_cost


def _money(value: float) -> str:
    """``$1.2 million``, ``$850,000``: rounded the way a board reads money."""
    if value >= 1_000_000:
        return f"${value / 1_000_000:.1f} million"
    if value >= 10_000:
        return f"${round(value, -3):,.0f}"
    return f"${value:,.0f}"


def turnover_cost_range(est: dict[str, Any] | None, physicians: int) -> dict[str, Any] | None:
    """Low and high annual cost of burnout-attributable turnover, or None without a rate.

    ``est`` is the group's released burnout estimate (``estimate``, ``lower``, ``upper``).
    """
    if not est or est.get("estimate") is None or physicians <= 0:
        return None
    inputs = cost_of_burnout_inputs()
    rate = float(est["estimate"])
    lower = float(est["lower"]) if est.get("lower") is not None else rate
    upper = float(est["upper"]) if est.get("upper") is not None else rate
    try:
        low = burnout_turnover_cost(
            physicians,
            inputs.national_turnover_rate,
            lower,
            inputs.turnover_cost_low,
            inputs.burnout_turnover_relative_risk,
        )
        high = burnout_turnover_cost(
            physicians,
            inputs.national_turnover_rate,
            upper,
            inputs.turnover_cost_high,
            inputs.burnout_turnover_relative_risk_high,
        )
    except StatsInputError:
        return None
    return {
        "low": low.annual_cost,
        "high": high.annual_cost,
        "low_display": _money(low.annual_cost),
        "high_display": _money(high.annual_cost),
        "departures_low": low.attributable_departures,
        "departures_high": high.attributable_departures,
        "physicians": physicians,
        "turnover": inputs.national_turnover_rate,
        "burnout": rate,
        "burnout_lower": lower,
        "burnout_upper": upper,
        "cost_low": inputs.turnover_cost_low,
        "cost_high": inputs.turnover_cost_high,
        "cost_low_display": _money(inputs.turnover_cost_low),
        "cost_high_display": _money(inputs.turnover_cost_high),
        "rr_low": inputs.burnout_turnover_relative_risk,
        "rr_high": inputs.burnout_turnover_relative_risk_high,
        "rr_note": inputs.relative_risk_note,
        "formula": low.formula,
        "sources": [{"title": s.title, "url": s.url} for s in inputs.sources],
        "worksheet_source": low.source_url,
    }
