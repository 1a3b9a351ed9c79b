"""EHR-use burden metrics from audit logs: one pass over sorted Parquet, or Ibis expressions on
DuckDB (default) or PySpark.

Public API::

    from clinwell.ehr import MetricParams, compute_metrics, write_metrics
    result = compute_metrics("events.parquet", "schedule.parquet",
                             params=MetricParams(period="week", time_zone="America/Chicago"))
    result.metrics      # pandas DataFrame, one row per clinician and period
    write_metrics(result, "metrics.parquet")  # + metrics.params.json (with the methods block)

See ``docs/ehr.md`` for input formats, definitions and references. The names below are loaded
on first use, so that ``import clinwell.ehr.params`` (the CLI's option choices) stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "METADATA_KEY": "clinwell.ehr.api",
    "MetricsResult": "clinwell.ehr.api",
    "compute_metrics": "clinwell.ehr.api",
    "read_metadata": "clinwell.ehr.api",
    "sidecar_path": "clinwell.ehr.api",
    "write_metrics": "clinwell.ehr.api",
    "DEFAULT_MEMORY_LIMIT": "clinwell.ehr.engines",
    "connect": "clinwell.ehr.engines",
    "ACTIVITIES": "clinwell.ehr.params",
    "OUTPUT_COLUMNS": "clinwell.ehr.params",
    "MetricParams": "clinwell.ehr.params",
    "ParameterError": "clinwell.ehr.params",
    "PROBLEM_KINDS": "clinwell.ehr.problems",
    "EhrInputError": "clinwell.ehr.problems",
    "EhrValidationError": "clinwell.ehr.problems",
    "Problem": "clinwell.ehr.problems",
    "default_action_map": "clinwell.ehr.readers",
    "methods_block": "clinwell.ehr.methods",
}

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
    "methods_block",
    "read_metadata",
    "sidecar_path",
    "write_metrics",
]

if TYPE_CHECKING:
    from clinwell.ehr.api import (
        METADATA_KEY,
        MetricsResult,
        compute_metrics,
        read_metadata,
        sidecar_path,
        write_metrics,
    )
    from clinwell.ehr.engines import DEFAULT_MEMORY_LIMIT, connect
    from clinwell.ehr.methods import methods_block
    from clinwell.ehr.params import ACTIVITIES, OUTPUT_COLUMNS, MetricParams, ParameterError
    from clinwell.ehr.problems import PROBLEM_KINDS, EhrInputError, EhrValidationError, Problem
    from clinwell.ehr.readers import default_action_map


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'clinwell.ehr' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
