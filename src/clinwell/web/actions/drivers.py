"""From survey output columns to the knowledge base's driver keys and measures.

``OUTPUT_DRIVERS`` is data: which driver keys of ``clinwell.knowledge.vocabulary()`` an
instrument output column measures. It is clinwell's own mapping (the item bank and the
vocabulary were written to match, but no published crosswalk exists); a test checks that
every key exists in the vocabulary and every column in the instrument library.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from clinwell.instruments import load_library
from clinwell.knowledge import vocabulary
from clinwell.web.results.services.catalog import MeasureInfo, describe

OUTPUT_DRIVERS: Final[dict[str, tuple[str, ...]]] = {
    "org_wellbeing.leadership": ("leadership",),
    "org_wellbeing.teamwork": ("teamwork",),
    "org_wellbeing.trust": ("trust",),
    "org_wellbeing.feeling_valued": ("feeling_valued",),
    "org_wellbeing.feels_valued": ("feeling_valued",),
    "org_wellbeing.team_structure": ("teamwork", "workflow"),
    "org_wellbeing.team_stability": ("team_stability",),
    "org_wellbeing.workflow": ("workflow", "work_chaos"),
    "org_wellbeing.documentation_time": ("documentation_time_pressure",),
    "org_wellbeing.ehr_after_hours": ("ehr_time_at_home",),
    "org_wellbeing.work_control": ("work_control",),
    "org_wellbeing.work_life_balance": ("work_life_balance",),
    "org_wellbeing.sleep": ("sleep",),
    "admin_burden.prior_auth_per_week": ("prior_authorization",),
    "admin_burden.prior_auth_hours": ("prior_authorization",),
    "admin_burden.inbox_per_day": ("inbox_burden",),
    "admin_burden.after_hours_ehr": ("ehr_time_at_home",),
    "admin_burden.quality_measures": ("quality_measures",),
    "mini_z2.work_pace_emr_stress": ("documentation_time_pressure", "ehr_time_at_home"),
}

#: The administrative-burden columns of the advocacy report (prior authorization first).
BURDEN_COLUMNS: Final = (
    "admin_burden.prior_auth_per_week",
    "admin_burden.prior_auth_hours",
    "admin_burden.quality_measures",
    "admin_burden.inbox_per_day",
    "admin_burden.after_hours_ehr",
)


class UnknownMeasureError(ValueError):
    """A target measure that no instrument produces (field ``target_measure``)."""


def measure_drivers(measure: MeasureInfo) -> tuple[str, ...]:
    """The driver keys a measure measures (:data:`OUTPUT_DRIVERS`)."""
    return OUTPUT_DRIVERS.get(measure.column, ())


@cache
def measures() -> dict[str, MeasureInfo]:
    """Every score and flag column of the instrument library, by column name, described as
    the results pages describe them (:func:`clinwell.web.results.services.catalog.describe`)."""
    return {
        column.name: describe(instrument, column)
        for instrument in load_library().values()
        for column in instrument.outputs()
        if column.kind in ("score", "flag")
    }


def measure_info(name: str) -> MeasureInfo:
    try:
        return measures()[name]
    except KeyError:
        raise UnknownMeasureError(
            f"target_measure: {name!r} is not an output column of any instrument"
        ) from None


def domain_drivers(domain: str) -> tuple[str, ...]:
    """The vocabulary's driver keys classified under ``domain``."""
    return tuple(t.id for t in vocabulary().drivers if t.domain == domain)
