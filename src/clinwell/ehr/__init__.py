"""EHR-use burden metrics from audit logs, as Ibis expressions on DuckDB (default) or PySpark.

Public API::

    from clinwell.ehr import compute_metrics, write_metrics
    result = compute_metrics("events.parquet", "schedule.parquet", period="week")
    result.metrics      # pandas DataFrame, one row per clinician and period
    write_metrics(result, "metrics.parquet")  # + metrics.params.json

See ``docs/ehr.md`` for input formats, definitions and references.
"""

from __future__ import annotations

from clinwell.ehr.api import (
    METADATA_KEY,
    MetricsResult,
    compute_metrics,
    read_metadata,
    sidecar_path,
    write_metrics,
)
from clinwell.ehr.engines import DEFAULT_MEMORY_LIMIT, connect
from clinwell.ehr.params import (
    ACTIVITIES,
    OUTPUT_COLUMNS,
    MetricParams,
    ParameterError,
)
from clinwell.ehr.problems import PROBLEM_KINDS, EhrInputError, EhrValidationError, Problem
from clinwell.ehr.readers import default_action_map

__all__ = [
    "ACTIVITIES",
    "DEFAULT_MEMORY_LIMIT",
    "METADATA_KEY",
    "OUTPUT_COLUMNS",
    "PROBLEM_KINDS",
    "EhrInputError",
    "EhrValidationError",
    "MetricParams",
    "MetricsResult",
    "ParameterError",
    "Problem",
    "compute_metrics",
    "connect",
    "default_action_map",
    "read_metadata",
    "sidecar_path",
    "write_metrics",
]
