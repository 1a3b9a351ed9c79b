"""National benchmark series and the inputs of the cost-of-burnout worksheet.

Two series that must not be mixed: the AMA Organizational Biopsy national comparison (organizations
that chose to survey with the AMA, 2022-2024; six KPIs) and the national MBI surveys of
Shanafelt et al. (national samples, 2011-2023; burnout only). Proportions are fractions.
Cost inputs follow Shanafelt, Goh and Sinsky (JAMA Intern Med 2017) and Han et al. (Ann Intern
Med 2019). Data file: ``data/benchmarks.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from clinwell.knowledge._data import (
    Fields,
    Source,
    check_unique,
    read_data_file,
    unknown,
)
from clinwell.knowledge.vocabulary import vocabulary

FILE = "benchmarks.yaml"


@dataclass(frozen=True, slots=True)
class BenchmarkPoint:
    """One published value: ``value`` is a fraction, or hours for ``weekly_hours``."""

    year: int
    measure: str
    value: float
    sample_size: int | None
    sample_note: str | None
    note: str | None
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class BenchmarkSeries:
    id: str
    title: str
    population: str
    measure_definitions: dict[str, str]
    sources: tuple[Source, ...]
    points: tuple[BenchmarkPoint, ...]
    note: str | None

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({p.year for p in self.points}))

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(self.measure_definitions)

    def value(self, year: int, measure: str) -> float | None:
        """The published value, or None when the series has no figure for that year and measure."""
        if measure not in self.measure_definitions:
            raise unknown(f"measure of series {self.id!r}", measure, list(self.measure_definitions))
        for p in self.points:
            if p.year == year and p.measure == measure:
                return p.value
        return None

    def latest(self, measure: str) -> BenchmarkPoint | None:
        """The most recent point of ``measure``."""
        points = [p for p in self.points if p.measure == measure]
        return max(points, key=lambda p: p.year) if points else None


@dataclass(frozen=True, slots=True)
class CostInputs:
    """Inputs of the cost-of-burnout worksheet and the national cost estimates."""

    turnover_cost_low: float
    turnover_cost_high: float
    turnover_cost_note: str
    national_turnover_rate: float
    national_burnout_rate: float
    burnout_turnover_relative_risk: float
    burnout_turnover_relative_risk_high: float
    relative_risk_note: str
    worksheet_note: str
    national_annual_cost_usd: float
    national_annual_cost_range_usd: tuple[float, float]
    cost_per_employed_physician_usd: float
    sources: tuple[Source, ...]


def _series(e: Fields, measures: frozenset[str]) -> BenchmarkSeries:
    defs_fields = e.map_("measure_definitions")
    definitions: dict[str, str] = {}
    for key in defs_fields.raw:
        name = str(key)
        if name not in measures:
            raise defs_fields.error(name, "is not a measure of vocabulary.yaml")
        definitions[name] = defs_fields.str_(name)
    base_sources = e.sources()
    points: list[BenchmarkPoint] = []
    for y in e.entries("years", key="year"):
        year = y.int_("year")
        values = y.map_("values")
        notes = y.map_("notes") if y.has("notes") else None
        extra = y.sources("extra_sources") if y.has("extra_sources") else ()
        for key in values.raw:
            measure = str(key)
            if measure not in definitions:
                raise values.error(measure, f"has no definition in series {e.str_('id')!r}")
            value = values.float_(measure)
            if measure != "weekly_hours" and not 0 <= value <= 1:
                raise values.error(measure, f"a proportion must lie in [0, 1], got {value}")
            note = notes.str_(measure) if notes is not None and notes.has(measure) else None
            points.append(
                BenchmarkPoint(
                    year,
                    measure,
                    value,
                    y.opt_int("sample_size"),
                    y.opt_str("sample_note"),
                    note,
                    extra or base_sources,
                )
            )
    check_unique([str(p.year) for p in points if p.measure == "burnout"], file=e.file, what="year")
    return BenchmarkSeries(
        id=e.str_("id"),
        title=e.str_("title"),
        population=e.str_("population"),
        measure_definitions=definitions,
        sources=base_sources,
        points=tuple(points),
        note=e.opt_str("note"),
    )


def parse_benchmarks(root: Fields) -> tuple[tuple[BenchmarkSeries, ...], CostInputs]:
    """Build the benchmark series and the cost inputs from the parsed ``benchmarks.yaml``."""
    measures = vocabulary().measure_ids
    series = tuple(_series(e, measures) for e in root.entries("series"))
    check_unique([s.id for s in series], file=root.file, what="series id")
    c = root.map_("cost_of_burnout")
    low, high = c.float_("turnover_cost_low"), c.float_("turnover_cost_high")
    if not 0 < low <= high:
        raise c.error("turnover_cost_high", "must be at least turnover_cost_low (both positive)")
    rr, rr_high = (
        c.float_("burnout_turnover_relative_risk"),
        c.float_("burnout_turnover_relative_risk_high"),
    )
    if not 1 <= rr <= rr_high:
        raise c.error(
            "burnout_turnover_relative_risk_high",
            "must be at least burnout_turnover_relative_risk (both at least 1)",
        )
    span = c.raw.get("national_annual_cost_range_usd")
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(v, int) for v in span)):
        raise c.error("national_annual_cost_range_usd", "must be a [low, high] pair of integers")
    cost = CostInputs(
        turnover_cost_low=low,
        turnover_cost_high=high,
        turnover_cost_note=c.str_("turnover_cost_note"),
        national_turnover_rate=c.float_("national_turnover_rate"),
        national_burnout_rate=c.float_("national_burnout_rate"),
        burnout_turnover_relative_risk=rr,
        burnout_turnover_relative_risk_high=rr_high,
        relative_risk_note=c.str_("relative_risk_note"),
        worksheet_note=c.str_("worksheet_note"),
        national_annual_cost_usd=c.float_("national_annual_cost_usd"),
        national_annual_cost_range_usd=(float(span[0]), float(span[1])),
        cost_per_employed_physician_usd=c.float_("cost_per_employed_physician_usd"),
        sources=c.sources(),
    )
    return series, cost


@cache
def _shipped() -> tuple[tuple[BenchmarkSeries, ...], CostInputs]:
    return parse_benchmarks(read_data_file(FILE))


def national_benchmarks() -> dict[str, BenchmarkSeries]:
    """The national benchmark series by id (``ama_org_biopsy``, ``shanafelt_national_mbi``)."""
    return {s.id: s for s in _shipped()[0]}


def cost_of_burnout_inputs() -> CostInputs:
    """Turnover cost range and national means for the Shanafelt/Goh/Sinsky worksheet."""
    return _shipped()[1]
