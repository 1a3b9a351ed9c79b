"""Annual cost of burnout-attributable physician turnover.

With :math:`N` physicians, annual turnover rate :math:`T`, burnout prevalence :math:`BO`,
cost per departure :math:`C` and relative risk :math:`RR` of leaving for burned-out versus
other physicians, the share of turnover attributable to burnout is Levin's population
attributable fraction

.. math:: AF = \\frac{BO\\,(RR-1)}{1 + BO\\,(RR-1)},

and the annual cost is :math:`N \\cdot T \\cdot AF \\cdot C`. With the worksheet's assumption
:math:`RR = 2` this is :math:`N \\cdot T \\cdot BO/(1+BO) \\cdot C`.

References
----------
Shanafelt T, Goh J, Sinsky C. The business case for investing in physician well-being.
JAMA Intern Med 2017;177(12):1826-1832 (worksheet; the 2x assumption).
The closed form is derived from the worksheet in clinwell's reference notes (it is not
quoted from the paper); it reproduces the paper's "2.5% of turnover attributable to burnout"
(0.07 x 0.54/1.54) and VITAL WorkLife's $3,681,818 for 300 physicians at $500k per departure.
"""

from __future__ import annotations

from dataclasses import dataclass

from clinwell.stats._common import StatsInputError

SOURCE = (
    "Shanafelt T, Goh J, Sinsky C. The Business Case for Investing in Physician Well-being. "
    "JAMA Intern Med 2017;177(12):1826-1832 (worksheet: burned-out physicians about 2x as "
    "likely to leave). Closed form N*T*BO(RR-1)/(1+BO(RR-1))*C derived from the worksheet, "
    "not quoted from the paper."
)
SOURCE_URL = "https://cld.bz/Y5fceMy/99/"


@dataclass(frozen=True)
class TurnoverCost:
    """Inputs, intermediate quantities and result of the turnover-cost estimate."""

    physicians: float
    turnover_rate: float
    burnout_rate: float
    cost_per_departure: float
    relative_risk: float
    attributable_fraction: float
    attributable_turnover_rate: float
    attributable_departures: float
    annual_cost: float
    formula: str
    source: str = SOURCE
    source_url: str = SOURCE_URL


def _rate(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise StatsInputError(f"{name} must be a rate between 0 and 1, got {value!r}")


def burnout_turnover_cost(
    physicians: float,
    turnover_rate: float,
    burnout_rate: float,
    cost_per_departure: float,
    relative_risk: float = 2.0,
) -> TurnoverCost:
    """Annual cost of turnover attributable to burnout, ``N*T*AF*C`` (see module docstring)."""
    if physicians < 0:
        raise StatsInputError(f"physicians must be non-negative, got {physicians!r}")
    if cost_per_departure < 0:
        raise StatsInputError(
            f"cost_per_departure must be non-negative, got {cost_per_departure!r}"
        )
    if relative_risk < 1.0:
        raise StatsInputError(f"relative_risk must be at least 1, got {relative_risk!r}")
    _rate("turnover_rate", turnover_rate)
    _rate("burnout_rate", burnout_rate)
    excess = burnout_rate * (relative_risk - 1.0)
    fraction = excess / (1.0 + excess)
    rate = turnover_rate * fraction
    departures = physicians * rate
    return TurnoverCost(
        physicians=physicians,
        turnover_rate=turnover_rate,
        burnout_rate=burnout_rate,
        cost_per_departure=cost_per_departure,
        relative_risk=relative_risk,
        attributable_fraction=fraction,
        attributable_turnover_rate=rate,
        attributable_departures=departures,
        annual_cost=departures * cost_per_departure,
        formula="N × T × BO(RR−1)/(1+BO(RR−1)) × C",
    )
