"""Consortium pooling: contributions, pooled benchmarks, differential privacy, meta-analysis.

Pure (numpy, scipy, OpenDP; no Django, no Ibis). A member's contribution
(:mod:`.contribution`) carries only numbers its own privacy gate released; the consortium pools
them (:mod:`.pooling`), publishes a report with differential privacy (:mod:`.release`, noise
from OpenDP in :mod:`.dp`), and pools members' measured impacts per intervention
(:mod:`.evidence`, random effects in :mod:`.meta`). See docs/consortium.md.
"""

from __future__ import annotations

from clinwell.consortium._checks import Problem
from clinwell.consortium.contribution import (
    MIN_MEMBER_GATE,
    SCHEMA_NAME,
    SCHEMA_VERSION,
    CellValue,
    Contribution,
    ContributionError,
    ImpactRecord,
    period_kind,
    schema_document,
    schema_document_for_api,
)
from clinwell.consortium.evidence import (
    EvidenceError,
    EvidenceFile,
    PooledEffect,
    SystemImpact,
    evidence_document,
    parse_evidence,
    pool_impacts,
)
from clinwell.consortium.meta import MetaAnalysisError, MetaResult, random_effects
from clinwell.consortium.pooling import (
    DEFAULT_MIN_MEMBERS,
    PERCENTILES,
    BenchmarkCell,
    CellSums,
    MemberValue,
    benchmark_cell,
    benchmark_cells,
    cell_sums,
    member_percentiles,
    percentile_rank,
    pool_mean,
    pool_proportion,
    pooled_interval,
)
from clinwell.consortium.release import (
    BudgetExhaustedError,
    NoisyCell,
    ReleasePlan,
    check_budget,
    release_plan,
    release_report,
)
from clinwell.consortium.validate import parse_contribution
from clinwell.consortium.vocabulary import (
    ALL,
    PUBLIC_REPORT_MEASURES,
    ROLE_GROUPS,
    SPECIALTY_GROUPS,
    PooledMeasure,
    pooled_measure,
    pooled_measures,
)

__all__ = [
    "ALL",
    "DEFAULT_MIN_MEMBERS",
    "MIN_MEMBER_GATE",
    "PERCENTILES",
    "PUBLIC_REPORT_MEASURES",
    "ROLE_GROUPS",
    "SCHEMA_NAME",
    "SCHEMA_VERSION",
    "SPECIALTY_GROUPS",
    "BenchmarkCell",
    "BudgetExhaustedError",
    "CellSums",
    "CellValue",
    "Contribution",
    "ContributionError",
    "EvidenceError",
    "EvidenceFile",
    "ImpactRecord",
    "MemberValue",
    "MetaAnalysisError",
    "MetaResult",
    "NoisyCell",
    "PooledEffect",
    "PooledMeasure",
    "Problem",
    "ReleasePlan",
    "SystemImpact",
    "benchmark_cell",
    "benchmark_cells",
    "cell_sums",
    "check_budget",
    "evidence_document",
    "member_percentiles",
    "parse_contribution",
    "parse_evidence",
    "percentile_rank",
    "period_kind",
    "pool_impacts",
    "pool_mean",
    "pool_proportion",
    "pooled_interval",
    "pooled_measure",
    "pooled_measures",
    "random_effects",
    "release_plan",
    "release_report",
    "schema_document",
    "schema_document_for_api",
]
