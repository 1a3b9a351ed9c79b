"""Public entry point: compute the EHR-use metrics and write them with their parameters."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from clinwell import __version__
from clinwell.ehr import metrics as m
from clinwell.ehr.engines import DEFAULT_MEMORY_LIMIT, connect, default_temp_directory, engine_name
from clinwell.ehr.params import MetricParams
from clinwell.ehr.problems import EhrInputError, Problem
from clinwell.ehr.readers import Source, load, load_actions
from clinwell.ehr.validate import check_inputs

METADATA_KEY = b"clinwell.ehr"
"""Parquet key-value metadata key holding the run's parameters as JSON."""

Progress = Callable[[str], None]


class MetricsResult(NamedTuple):
    """What :func:`compute_metrics` returns (unpacks as ``metrics, params, problems, run``)."""

    metrics: pd.DataFrame
    """One row per clinician and period, columns :data:`~clinwell.ehr.params.OUTPUT_COLUMNS`."""
    params: MetricParams
    problems: tuple[Problem, ...]
    run: dict[str, Any]
    """Engine, memory limit, inputs, row counts, timings and clinwell version."""

    def metadata(self) -> dict[str, Any]:
        """Everything stored with the result: parameters, run facts, problems, definitions."""
        return {
            "parameters": self.params.to_dict(),
            "run": self.run,
            "problems": [p.to_dict() for p in self.problems],
            "definitions": DEFINITIONS,
        }


DEFINITIONS = {
    "active_time": "each event credited with the gap to the clinician's next event; gaps above "
    "idle_timeout dropped (gap_rule=drop) or capped at idle_timeout (gap_rule=cap); last event 0",
    "wow": "credit of events outside all scheduled sessions widened by buffer_minutes "
    "(wow_mode=schedule) or outside the clock window (wow_mode=clock)",
    "per_8h": "X8 = 8 * X_hours / scheduled_hours (Sinsky et al., JAMIA 2020;27(4):639-643)",
    "teamwork_orders_pct": "100 * signed orders entered by someone else / signed orders",
    "period": "ISO week starting Monday, or calendar month, of the event / session start",
    "method": "gap-based; not comparable with vendor active-time measures (e.g. Epic Signal's "
    "5-second timeout)",
}


def compute_metrics(
    events: Source,
    schedule: Source,
    actions: Source | None = None,
    orders: Source | None = None,
    *,
    period: str = "week",
    idle_timeout: int = 300,
    gap_rule: str = "drop",
    wow_mode: str = "schedule",
    buffer_minutes: int = 0,
    clock_start: str = "07:00",
    clock_end: str = "17:30",
    clock_days: Sequence[int] = (0, 1, 2, 3, 4),
    strict: bool = False,
    events_format: str = "auto",
    engine: str = "duckdb",
    con: Any = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    temp_directory: str | None = None,
    progress: Progress | None = None,
) -> MetricsResult:
    """Compute EHR-Time8, WOW8, Note-Time8, IB-Time8, Rx-Time8 and teamwork for orders.

    Parameters
    ----------
    events, schedule, actions, orders:
        A path to Parquet or CSV, a pandas DataFrame, or an Ibis table on ``con``. ``actions``
        defaults to the shipped Epic-style map; ``orders`` is optional. Events may be a
        Clarity ACCESS_LOG extract (``events_format="clarity"`` or detected by ``"auto"``).
    period, idle_timeout, gap_rule, wow_mode, buffer_minutes, clock_*, strict:
        See :class:`~clinwell.ehr.params.MetricParams`.
    engine, con, memory_limit, temp_directory:
        ``"duckdb"`` (default) or ``"pyspark"``; pass ``con`` to reuse an Ibis backend
        from :func:`~clinwell.ehr.engines.connect`.
    progress:
        Called with a short stage description as the run advances.

    Returns
    -------
    MetricsResult
        ``(metrics, params, problems, run)``. Formulas: see :mod:`clinwell.ehr.metrics`.

    Raises
    ------
    EhrInputError
        Unreadable input or missing columns; in strict mode (:class:`EhrValidationError`) the
        first bad row found.
    """
    params = MetricParams(
        period=period,  # type: ignore[arg-type]
        idle_timeout=idle_timeout,
        gap_rule=gap_rule,  # type: ignore[arg-type]
        wow_mode=wow_mode,  # type: ignore[arg-type]
        buffer_minutes=buffer_minutes,
        clock_start=clock_start,
        clock_end=clock_end,
        clock_days=tuple(clock_days),
        strict=strict,
    )
    say = progress or (lambda _stage: None)
    started = time.perf_counter()
    con = (
        con
        if con is not None
        else connect(engine, memory_limit=memory_limit, temp_directory=temp_directory)
    )
    eng = engine_name(con)
    say("Reading inputs")
    ev = load(con, events, "events", events_format)
    sc = load(con, schedule, "schedule")
    ac = load_actions(con, actions)
    od = load(con, orders, "orders") if orders is not None else None
    say("Validating inputs")
    checked = check_inputs(ev, sc, ac, od, strict=strict)
    if checked.sessions.empty:
        raise EhrInputError(f"{sc.label}: no valid scheduled session; cannot normalize per 8 hours")
    say(f"Computing active time and WOW on {eng}")
    credited = m.credited_events(checked.events, checked.actions, params, eng)
    pieces = m.session_pieces(checked.sessions, buffer_minutes) if wow_mode == "schedule" else None
    daily = m.daily_event_sums(m.outside_flag(credited, pieces, params))
    event_days = con.execute(daily)
    order_days = None
    if checked.orders is not None:
        say("Counting orders")
        order_days = con.execute(m.daily_order_counts(checked.orders, eng))
    say("Assembling metrics")
    table = m.assemble(m.scheduled_daily(checked.sessions), event_days, order_days, params.period)
    run = {
        "engine": eng,
        "memory_limit": memory_limit if eng == "duckdb" else None,
        "temp_directory": (temp_directory or default_temp_directory()) if eng == "duckdb" else None,
        "inputs": {
            "events": ev.label,
            "schedule": sc.label,
            "actions": ac.label,
            "orders": od.label if od is not None else None,
        },
        "events_counted": int(event_days["n_events"].sum()) if "n_events" in event_days else None,
        "sessions_used": len(checked.sessions),
        "rows_out": len(table),
        "seconds": round(time.perf_counter() - started, 3),
        "clinwell_version": __version__,
    }
    return MetricsResult(table, params, tuple(checked.problems), run)


def sidecar_path(path: str | Path) -> Path:
    """``metrics.parquet`` → ``metrics.params.json``."""
    p = Path(path)
    return p.with_name(p.stem + ".params.json")


def write_metrics(result: MetricsResult, path: str | Path) -> Path:
    """Write the metrics to ``.parquet`` (parameters in key-value metadata) or ``.csv``.

    A sidecar JSON with the same parameters is written next to it in both cases; returns its
    path.
    """
    out = Path(path)
    meta = json.dumps(result.metadata(), default=str, sort_keys=True)
    suffix = out.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise EhrInputError(f"output: {out}: expected a .parquet or .csv file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        table = pa.Table.from_pandas(result.metrics, preserve_index=False)
        merged = {**(table.schema.metadata or {}), METADATA_KEY: meta.encode()}
        pq.write_table(table.replace_schema_metadata(merged), out)
    else:
        result.metrics.to_csv(out, index=False)
    side = sidecar_path(out)
    side.write_text(json.dumps(json.loads(meta), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return side


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The parameters stored in a metrics Parquet file's key-value metadata."""
    meta = pq.read_schema(path).metadata or {}
    if METADATA_KEY not in meta:
        raise EhrInputError(f"{path}: no clinwell.ehr metadata in this Parquet file")
    return dict(json.loads(meta[METADATA_KEY]))
