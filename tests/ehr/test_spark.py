"""The same cases on PySpark: results must equal DuckDB's exactly (and the planted truth)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from clinwell.ehr import compute_metrics
from clinwell.synth.audit_log import AuditLog

from .cases import ACTIONS, CASES
from .test_validate import messy  # noqa: F401  (fixture)

pytestmark = pytest.mark.spark


def test_hand_computed_cases_agree_exactly(spark_con: Any) -> None:
    for case in CASES:
        args = (case.events, case.schedule, ACTIONS, case.orders)
        duck = compute_metrics(*args, **case.kwargs).metrics
        spark = compute_metrics(*args, **case.kwargs, con=spark_con).metrics
        pd.testing.assert_frame_equal(spark, duck, check_exact=True, obj=case.name)


def test_planted_truth_on_spark(spark_con: Any, small_log: AuditLog) -> None:
    log = small_log
    for period, mode, buffer in (("week", "schedule", 30), ("month", "clock", 0)):
        kwargs: dict[str, Any] = {"period": period, "wow_mode": mode, "buffer_minutes": buffer}
        args = (log.events, log.schedule, log.actions, log.orders)
        spark = compute_metrics(*args, **kwargs, con=spark_con)
        duck = compute_metrics(*args, **kwargs)
        pd.testing.assert_frame_equal(spark.metrics, log.truth(period, mode), check_exact=True)
        pd.testing.assert_frame_equal(spark.metrics, duck.metrics, check_exact=True)
        assert spark.run["engine"] == "pyspark"


def test_bad_csv_rows_reported_alike(spark_con: Any, messy: dict[str, Path]) -> None:  # noqa: F811
    args = (messy["events"], messy["schedule"], messy["actions"])
    spark = compute_metrics(*args, con=spark_con)
    duck = compute_metrics(*args)
    pd.testing.assert_frame_equal(spark.metrics, duck.metrics, check_exact=True)
    counts = sorted((p.kind, p.column, p.count) for p in spark.problems)
    assert counts == sorted((p.kind, p.column, p.count) for p in duck.problems)
