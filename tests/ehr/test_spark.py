"""The same cases on PySpark: results must equal DuckDB's exactly (and the planted truth)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from clinwell.ehr import MetricParams, compute_metrics
from clinwell.synth.audit_log import AuditLog

from .cases import ACTIONS, CASES, GAPS_EVENTS, SCHEDULE_A
from .test_validate import messy  # noqa: F401  (fixture)

pytestmark = pytest.mark.spark


def test_hand_computed_cases_agree_exactly(spark_con: Any) -> None:
    for case in CASES:
        args = (case.events, case.schedule, ACTIONS, case.orders)
        params = MetricParams(**case.kwargs)
        duck = compute_metrics(*args, params=params).metrics
        spark = compute_metrics(*args, params=params, con=spark_con, keep_state=False).metrics
        pd.testing.assert_frame_equal(spark, duck, check_exact=True, obj=case.name)


def test_cap_rule_with_a_non_default_timeout(spark_con: Any) -> None:
    """Gaps longer than a 120 s timeout are credited 120 s, on Spark as on DuckDB (hand-computed:
    60 s note, 0.5 s inbox, and the 299.5 s, 600 s and 300 s gaps capped at 120 s)."""
    params = MetricParams(gap_rule="cap", idle_timeout=120)
    spark = compute_metrics(
        GAPS_EVENTS, SCHEDULE_A, ACTIONS, con=spark_con, keep_state=False, params=params
    )
    duck = compute_metrics(GAPS_EVENTS, SCHEDULE_A, ACTIONS, params=params)
    row = spark.metrics.iloc[0]
    assert row["ehr_hours"] == (60 + 0.5 + 120 + 120 + 120) / 3600
    assert row["note_hours"] == 60 / 3600
    assert row["inbox_hours"] == 0.5 / 3600
    assert row["prescription_hours"] == 120 / 3600
    assert row["order_hours"] == 120 / 3600
    assert row["chart_review_hours"] == 120 / 3600
    assert spark.params.idle_timeout == 120
    assert spark.params.gap_rule == "cap"
    pd.testing.assert_frame_equal(spark.metrics, duck.metrics, check_exact=True)


def test_planted_truth_on_spark(spark_con: Any, small_log: AuditLog) -> None:
    log = small_log
    for period, mode, buffer in (("week", "schedule", 30), ("month", "clock", 0)):
        params = MetricParams(period=period, wow_mode=mode, buffer_minutes=buffer)  # type: ignore[arg-type]
        args = (log.events, log.schedule, log.actions, log.orders)
        spark = compute_metrics(*args, params=params, con=spark_con, keep_state=False)
        duck = compute_metrics(*args, params=params)
        pd.testing.assert_frame_equal(spark.metrics, log.truth(period, mode), check_exact=True)
        pd.testing.assert_frame_equal(spark.metrics, duck.metrics, check_exact=True)
        assert spark.run["engine"] == "pyspark"


def test_bad_csv_rows_reported_alike(spark_con: Any, messy: dict[str, Path]) -> None:  # noqa: F811
    args = (messy["events"], messy["schedule"], messy["actions"])
    spark = compute_metrics(*args, con=spark_con, keep_state=False)
    duck = compute_metrics(*args)
    pd.testing.assert_frame_equal(spark.metrics, duck.metrics, check_exact=True)
    counts = sorted((p.kind, p.column, p.count) for p in spark.problems)
    assert counts == sorted((p.kind, p.column, p.count) for p in duck.problems)
