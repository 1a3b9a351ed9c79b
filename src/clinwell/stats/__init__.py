"""Pure statistical estimators used by results, reports and the CLI.

Every estimator documents its formula and source; see ``docs/statistics.md``.
"""

from __future__ import annotations

from clinwell.stats._common import Interval, StatsInputError
from clinwell.stats.change import (
    Difference,
    mean_difference,
    mean_difference_p_values,
    proportion_difference,
    proportion_difference_p_values,
)
from clinwell.stats.cost import TurnoverCost, burnout_turnover_cost
from clinwell.stats.drivers import DriverAnalysis, DriverImportance, relative_weights
from clinwell.stats.means import mean_interval, t_interval_from_summary
from clinwell.stats.multiple import BHResult, benjamini_hochberg
from clinwell.stats.national import (
    MixedSeriesError,
    NationalComparison,
    NationalFigure,
    NationalSeries,
    compare_with_national,
    national_trend,
)
from clinwell.stats.proportions import proportion, wilson_interval
from clinwell.stats.quadrant import (
    ImportancePerformance,
    QuadrantItem,
    importance_performance,
    pomp,
    relative_performance,
)
from clinwell.stats.reliability import AlphaResult, cronbach_alpha
from clinwell.stats.weighting import RakingResult, kish_effective_sample_size, rake

__all__ = [
    "AlphaResult",
    "BHResult",
    "Difference",
    "DriverAnalysis",
    "DriverImportance",
    "ImportancePerformance",
    "Interval",
    "MixedSeriesError",
    "NationalComparison",
    "NationalFigure",
    "NationalSeries",
    "QuadrantItem",
    "RakingResult",
    "StatsInputError",
    "TurnoverCost",
    "benjamini_hochberg",
    "burnout_turnover_cost",
    "compare_with_national",
    "cronbach_alpha",
    "importance_performance",
    "kish_effective_sample_size",
    "mean_difference",
    "mean_difference_p_values",
    "mean_interval",
    "national_trend",
    "pomp",
    "proportion",
    "proportion_difference",
    "proportion_difference_p_values",
    "rake",
    "relative_performance",
    "relative_weights",
    "t_interval_from_summary",
    "wilson_interval",
]
