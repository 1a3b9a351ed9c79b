"""Adding a month: only the new events are read, and the result equals a full run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clinwell.ehr import EhrInputError, MetricParams, compute_metrics, write_metrics
from clinwell.synth.audit_log import AuditLog, generate_audit_log

SPLIT = pd.Timestamp("2024-02-01")


@pytest.fixture(scope="module")
def two_months() -> AuditLog:
    return generate_audit_log(clinicians=4, days=56, seed=21)


def _halves(frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    early = frame[column] < SPLIT
    return frame[early].reset_index(drop=True), frame[~early].reset_index(drop=True)


def _parquet(frame: pd.DataFrame, path: Path) -> Path:
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=3000)
    return path


@pytest.mark.parametrize("period", ["week", "month"])
@pytest.mark.parametrize("as_files", [False, True], ids=["window", "scan"])
def test_adding_a_month_equals_a_full_run(
    two_months: AuditLog, period: str, as_files: bool, tmp_path: Path
) -> None:
    log = two_months
    params = MetricParams(period=period)  # type: ignore[arg-type]
    jan_events, feb_events = _halves(log.events, "event_time")
    jan_orders, feb_orders = _halves(log.orders, "event_time")
    jan_msgs, feb_msgs = _halves(log.messages, "received_time")
    if as_files:
        jan_events = _parquet(jan_events, tmp_path / "jan.parquet")  # type: ignore[assignment]
        feb_events = _parquet(feb_events, tmp_path / "feb.parquet")  # type: ignore[assignment]
    full = compute_metrics(
        log.events, log.schedule, log.actions, log.orders, log.messages, params=params
    )
    jan = compute_metrics(
        jan_events, log.schedule, log.actions, jan_orders, jan_msgs, params=params
    )
    write_metrics(jan, tmp_path / "jan-metrics.parquet")
    both = compute_metrics(
        feb_events,
        log.schedule,
        log.actions,
        feb_orders,
        feb_msgs,
        params=params,
        previous=tmp_path / "jan-metrics.parquet",
    )
    pd.testing.assert_frame_equal(both.metrics, full.metrics, check_exact=True)
    pd.testing.assert_frame_equal(both.message_types, full.message_types, check_exact=True)
    assert both.run["incremental"] is True
    assert both.run["events_counted"] == len(log.events) - len(
        jan_events if not as_files else log.events[log.events["event_time"] < SPLIT]
    )
    recomputed = both.run["periods_recomputed"]
    assert 0 < recomputed < len(full.metrics)
    if as_files:
        assert both.run["strategy"] == "scan"


def test_events_before_the_previous_run_are_refused(two_months: AuditLog, tmp_path: Path) -> None:
    log = two_months
    jan_events, _ = _halves(log.events, "event_time")
    jan = compute_metrics(jan_events, log.schedule, log.actions)
    with pytest.raises(EhrInputError, match="before the previous run's latest event"):
        compute_metrics(log.events, log.schedule, log.actions, previous=jan.state)


def test_changed_parameters_are_refused(two_months: AuditLog) -> None:
    log = two_months
    jan_events, feb_events = _halves(log.events, "event_time")
    jan = compute_metrics(jan_events, log.schedule, log.actions)
    with pytest.raises(EhrInputError, match="parameter idle_timeout"):
        compute_metrics(
            feb_events,
            log.schedule,
            log.actions,
            params=MetricParams(idle_timeout=120),
            previous=jan.state,
        )
