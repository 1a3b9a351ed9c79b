"""Public entry point: compute the EHR-use metrics and write them with their parameters."""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from clinwell import __version__
from clinwell.ehr import metrics as m
from clinwell.ehr.assemble import EVENT_SUMS, assemble, period_start, scheduled_daily
from clinwell.ehr.engines import DEFAULT_MEMORY_LIMIT, connect, default_temp_directory, engine_name
from clinwell.ehr.methods import methods_block
from clinwell.ehr.params import OUTPUT_COLUMNS, MetricParams
from clinwell.ehr.problems import EhrInputError, Problem
from clinwell.ehr.readers import Source, label_of, load, load_actions
from clinwell.ehr.scan import Unsorted, scan_events, scannable
from clinwell.ehr.state import (
    RunState,
    actions_digest,
    add_daily,
    read_state,
    state_dir,
    write_state,
)
from clinwell.ehr.validate import (
    Collector,
    Timed,
    check_actions,
    check_events,
    check_messages,
    check_orders,
    check_schedule,
    rules_for,
)
from clinwell.spreadsheet import safe_frame

METADATA_KEY = b"clinwell.ehr"
"""Parquet key-value metadata key holding the run's parameters as JSON."""

STRATEGIES = ("auto", "scan", "window")
Progress = Callable[[str], None]
DAY = m.US_PER_DAY


class MetricsResult(NamedTuple):
    """What :func:`compute_metrics` returns (unpacks as ``metrics, params, problems, run``)."""

    metrics: pd.DataFrame
    """One row per clinician and period, columns :data:`~clinwell.ehr.params.OUTPUT_COLUMNS`."""
    params: MetricParams
    problems: tuple[Problem, ...]
    run: dict[str, Any]
    """Engine, memory limit, inputs, row counts, timings and clinwell version."""
    message_types: pd.DataFrame | None = None
    """Messages received by type, when the messages input has a ``message_type`` column."""
    state: RunState | None = None
    """What the next incremental run needs (see :mod:`clinwell.ehr.state`)."""

    def methods(self) -> dict[str, str]:
        """The methods block (:func:`clinwell.ehr.methods.methods_block`)."""
        return methods_block(self.params.to_dict(), self.run, [p.to_dict() for p in self.problems])

    def metadata(self) -> dict[str, Any]:
        """Everything stored with the result: parameters, run facts, problems, definitions,
        and the methods block."""
        return {
            "parameters": self.params.to_dict(),
            "run": self.run,
            "problems": [p.to_dict() for p in self.problems],
            "definitions": DEFINITIONS,
            "methods": self.methods(),
        }


DEFINITIONS = {
    "active_time": "each event credited with the gap to the clinician's next event; gaps above "
    "idle_timeout dropped (gap_rule=drop) or capped at idle_timeout (gap_rule=cap); last event 0",
    "wow": "credit of events outside all scheduled sessions widened by buffer_minutes "
    "(wow_mode=schedule) or outside the clock window (wow_mode=clock)",
    "per_8h": "X8 = 8 * X_hours / scheduled_hours (Sinsky et al., JAMIA 2020;27(4):639-643)",
    "teamwork_orders_pct": "100 * team_orders / signed_orders (pooled counts of the period)",
    "inbox_msgs8": "8 * inbox_messages / scheduled_hours: In Basket messages received per 8 h",
    "period": "ISO week starting Monday, or calendar month, of the local event / session start",
    "time": "durations between true instants; calendar rules in the time_zone parameter",
    "method": "gap-based; not comparable with vendor active-time measures (e.g. Epic Signal's "
    "5-second timeout)",
}


def _check_previous(previous: RunState, params: MetricParams, digest: str) -> None:
    mine, theirs = params.to_dict(), dict(previous.parameters)
    changed = [k for k in mine if k != "strict" and mine[k] != theirs.get(k)]
    if changed:
        k = changed[0]
        raise EhrInputError(
            f"previous: parameter {k} was {theirs.get(k)!r}, now {mine[k]!r}: an incremental "
            "run needs the same parameters (run the full computation)"
        )
    if digest != previous.actions_digest:
        raise EhrInputError(
            "previous: the action map changed since the previous run (run the full computation)"
        )


def _merge_sessions(
    previous: RunState, new: pd.DataFrame, buffer_minutes: int, label: str
) -> pd.DataFrame:
    """Frozen old sessions (they may hold old events) plus the new schedule's later ones."""
    if previous.through is None:
        return new
    buf = buffer_minutes * m.US_PER_MINUTE
    old = previous.sessions
    frozen = old[old["start_us"] - buf <= previous.through]
    early = new[new["start_us"] - buf <= previous.through]
    known = set(zip(frozen["clinician_id"], frozen["start_us"], frozen["end_us"], strict=True))
    for row in early.itertuples(index=False):
        if (row.clinician_id, row.start_us, row.end_us) not in known:
            when = pd.Timestamp(int(row.start_us), unit="us")  # type: ignore[arg-type]
            raise EhrInputError(
                f"{label}: clinician {row.clinician_id}: a session starting {when} UTC could "
                "hold events of the previous run but is not one of its sessions (run the full "
                "computation)"
            )
    later = new[new["start_us"] - buf > previous.through]
    merged = pd.concat([frozen, later], ignore_index=True)
    return merged.sort_values(["clinician_id", "start_us"], kind="stable").reset_index(drop=True)


def _not_before(previous: RunState | None, first: int | None, label: str) -> None:
    if previous is None or previous.through is None or first is None:
        return
    if first < previous.through:
        raise EhrInputError(
            f"{label}: the earliest time ({pd.Timestamp(first, unit='us')} UTC) is before the "
            f"previous run's latest event ({pd.Timestamp(previous.through, unit='us')} UTC): "
            "an incremental run takes only later data (run the full computation)"
        )


def compute_metrics(
    events: Source,
    schedule: Source,
    actions: Source | None = None,
    orders: Source | None = None,
    messages: Source | None = None,
    *,
    params: MetricParams | None = None,
    events_format: str = "auto",
    engine: str = "duckdb",
    strategy: str = "auto",
    con: Any = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    temp_directory: str | None = None,
    previous: RunState | str | Path | None = None,
    keep_state: bool = True,
    progress: Progress | None = None,
) -> MetricsResult:
    """Compute EHR-Time8, WOW8, Note-Time8, IB-Time8, Rx-Time8, teamwork for orders and inbox
    volume per clinician and period.

    Parameters
    ----------
    events, schedule, actions, orders, messages:
        A path to Parquet or CSV, a pandas DataFrame, or an Ibis table on ``con``. ``actions``
        defaults to the shipped Epic-style map; ``orders`` and ``messages`` are optional.
        Events may be a Clarity ACCESS_LOG extract (``events_format="clarity"`` or detected by
        ``"auto"``).
    params:
        Every choice that changes the numbers (:class:`~clinwell.ehr.params.MetricParams`).
    strategy:
        ``"auto"`` (default): a Parquet events file sorted by clinician and time is read in
        one pass (:mod:`clinwell.ehr.scan`), anything else by the engine's window; ``"scan"``
        or ``"window"`` force one (``"scan"`` falls back to the window when the file is not
        sorted). Both give identical results.
    engine, con, memory_limit, temp_directory:
        ``"duckdb"`` (default) or ``"pyspark"``; pass ``con`` to reuse an Ibis backend
        from :func:`~clinwell.ehr.engines.connect`.
    previous:
        The state of a previous run (:class:`~clinwell.ehr.state.RunState`, or the path of its
        metrics file): only the new events are read and only the periods they touch are
        computed again (:mod:`clinwell.ehr.state`).
    keep_state:
        Keep what a later incremental run needs (``result.state``); the window engine then
        reads every clinician's last event in one more query. ``False`` skips it.
    progress:
        Called with a short stage description as the run advances.

    Raises
    ------
    EhrInputError
        Unreadable input or missing columns; in strict mode (:class:`EhrValidationError`) the
        first bad row found.
    """
    params = params or MetricParams()
    if strategy not in STRATEGIES:
        raise EhrInputError(f"strategy: expected one of {', '.join(STRATEGIES)}, got {strategy!r}")
    if isinstance(previous, str | Path):
        previous = read_state(previous)
    say = progress or (lambda _stage: None)
    started = time.perf_counter()
    con = (
        con
        if con is not None
        else connect(engine, memory_limit=memory_limit, temp_directory=temp_directory)
    )
    eng = engine_name(con)
    zone = params.time_zone
    say("Reading inputs")
    sc = load(con, schedule, "schedule")
    ac = load_actions(con, actions)
    od = load(con, orders, "orders") if orders is not None else None
    ms = load(con, messages, "messages") if messages is not None else None
    parquet = scannable(events, events_format) if strategy != "window" and eng == "duckdb" else None
    ev = None if parquet is not None else load(con, events, "events", events_format)
    say("Validating inputs")
    col = Collector(params.strict)
    action_map = check_actions(ac, col)
    digest = actions_digest(action_map)
    if previous is not None:
        _check_previous(previous, params, digest)
    sessions = check_schedule(sc, col, zone, eng)
    if previous is not None:
        sessions = _merge_sessions(previous, sessions, params.buffer_minutes, sc.label)
    if sessions.empty:
        raise EhrInputError(f"{sc.label}: no valid scheduled session; cannot normalize per 8 hours")
    tails = previous.tails if previous is not None else None
    say(f"Computing active time and WOW on {eng}")
    used = "window"
    scanned = None
    if parquet is not None:
        try:
            scanned = scan_events(
                parquet, label_of(events, "events"), sessions, action_map, params, tails
            )
            used = "scan"
        except Unsorted as why:
            used = f"window (events not sorted by clinician and time: {why})"
            ev = load(con, events, "events", events_format)
    if scanned is not None:
        for problem in scanned.problems:
            col.add(problem)
        col.unmapped.update(scanned.unmapped)
        event_days, new_tails = scanned.daily, scanned.tails
        first, last = scanned.lo, scanned.hi
    else:
        assert ev is not None
        timed = check_events(ev, sessions, action_map, col, zone, eng)
        event_days, new_tails, first, last = _window(
            con, timed, sessions, action_map, params, tails, keep_state or previous is not None
        )
    _not_before(previous, first, label_of(events, "events"))
    order_days = None
    if od is not None:
        say("Counting orders")
        order_days = _engine_days(
            con, check_orders(od, col, zone, eng), zone, m.daily_order_counts, previous, od.label
        )
    message_days = None
    if ms is not None:
        say("Counting messages")
        message_days = _engine_days(
            con,
            check_messages(ms, col, zone, eng),
            zone,
            m.daily_message_counts,
            previous,
            ms.label,
        )
    say("Assembling metrics")
    rules = rules_for(zone, int(sessions["start_us"].min()), int(sessions["start_us"].max()))
    scheduled = scheduled_daily(sessions, rules)
    if previous is not None:
        state_daily = add_daily(previous.daily, event_days, ["clinician_id", "day"])
        assert state_daily is not None
        all_orders = add_daily(previous.orders, order_days, ["clinician_id", "day"])
        all_messages = add_daily(
            previous.messages, message_days, ["clinician_id", "day", "message_type"]
        )
        touched = _touched(params.period, event_days, order_days, message_days, scheduled, previous)
        table, by_type = assemble(scheduled, state_daily, all_orders, all_messages, params.period)
        untouched = ~_keys(previous.metrics).isin(touched).to_numpy()
        table = _merge_tables(previous.metrics[untouched], table, touched)
        known = [x for x in (previous.through, last) if x is not None]
        through = max(known) if known else None
        tails_all = pd.concat([previous.tails, new_tails], ignore_index=True)
        tails_all = tails_all.drop_duplicates("clinician_id", keep="last").reset_index(drop=True)
        recomputed = len(touched)
    else:
        state_daily, all_orders, all_messages = event_days, order_days, message_days
        table, by_type = assemble(scheduled, event_days, order_days, message_days, params.period)
        through, tails_all, recomputed = last, new_tails, None
    state = (
        None
        if not keep_state
        else RunState(
            parameters=params.to_dict(),
            actions_digest=digest,
            through=through,
            daily=state_daily,
            orders=all_orders,
            messages=all_messages,
            sessions=sessions,
            tails=tails_all,
            metrics=table,
        )
    )
    run = {
        "engine": eng,
        "strategy": used,
        "memory_limit": memory_limit if eng == "duckdb" else None,
        "temp_directory": (temp_directory or default_temp_directory()) if eng == "duckdb" else None,
        "inputs": {
            "events": label_of(events, "events"),
            "schedule": sc.label,
            "actions": ac.label,
            "orders": od.label if od is not None else None,
            "messages": ms.label if ms is not None else None,
        },
        "source_kind": "Epic Clarity ACCESS_LOG events"
        if events_format == "clarity"
        else "EHR audit-log events",
        "events_counted": int(event_days["n_events"].sum()) if len(event_days) else 0,
        "sessions_used": len(sessions),
        "rows_out": len(table),
        "first_period": str(table["period_start"].min()) if len(table) else None,
        "last_period": str(table["period_start"].max()) if len(table) else None,
        "unmapped_actions": sorted(col.unmapped.items(), key=lambda kv: (-kv[1], kv[0]))[:200],
        "incremental": previous is not None,
        "periods_recomputed": recomputed,
        "seconds": round(time.perf_counter() - started, 3),
        "clinwell_version": __version__,
    }
    return MetricsResult(table, params, tuple(col.problems), run, by_type, state)


def _window(
    con: Any,
    timed: Timed,
    sessions: pd.DataFrame,
    actions: pd.DataFrame,
    params: MetricParams,
    tails: pd.DataFrame | None,
    with_tails: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame, int | None, int | None]:
    """Daily sums, last events, earliest and latest instant: the general engine."""
    lo = timed.lo if timed.lo is not None else 0
    hi = timed.hi if timed.hi is not None else 0
    span = (lo - 2 * DAY, hi + 2 * DAY)
    rules = rules_for(params.time_zone, timed.lo, timed.hi)
    credited = m.credited_events(timed.table, actions, params, tails)
    pieces = (
        m.session_pieces(sessions, params.buffer_minutes) if params.wow_mode == "schedule" else None
    )
    daily = con.execute(m.daily_event_sums(m.outside_flag(credited, pieces, params, rules, span)))
    daily["clinician_id"] = daily["clinician_id"].astype(str)
    for c in EVENT_SUMS:
        daily[c] = daily[c].fillna(0).astype("int64")  # a sum over no rows is NULL in SQL
    if not with_tails:
        empty = pd.DataFrame({"clinician_id": [], "t": [], "code": []})
        return daily, empty, None, None
    ev = timed.table
    amap = m.activity_codes(actions)
    import ibis

    coded = ev.left_join(ibis.memtable(amap), "action")
    code = ibis.coalesce(coded.code, ibis.literal(m.OTHER, "int8")).cast("int64")
    last_key = (coded.t * 8 + code).max()
    ends = con.execute(coded.group_by("clinician_id").aggregate(key=last_key, first=coded.t.min()))
    new_tails = pd.DataFrame(
        {
            "clinician_id": ends["clinician_id"].astype(str),
            "t": ends["key"].to_numpy("int64") // 8,
            "code": ends["key"].to_numpy("int64") % 8,
        }
    )
    first = int(ends["first"].min()) if len(ends) else None
    last = int(new_tails["t"].max()) if len(new_tails) else None
    return daily, new_tails, first, last


def _engine_days(
    con: Any,
    timed: Timed,
    zone: str,
    daily: Callable[..., Any],
    previous: RunState | None,
    label: str,
) -> pd.DataFrame:
    lo = timed.lo if timed.lo is not None else 0
    hi = timed.hi if timed.hi is not None else 0
    span = (lo - 2 * DAY, hi + 2 * DAY)
    rules = rules_for(zone, timed.lo, timed.hi)
    frame = con.execute(daily(timed.table, rules, span))
    frame["clinician_id"] = frame["clinician_id"].astype(str)
    if previous is not None and len(frame):
        first = con.execute(timed.table.t.min())
        _not_before(previous, None if pd.isna(first) else int(first), label)
    return pd.DataFrame(frame)


def _keys(table: pd.DataFrame) -> pd.Series:
    return table["clinician_id"].astype(str) + "|" + table["period_start"].astype(str)


def _touched(
    period: str,
    events: pd.DataFrame,
    orders: pd.DataFrame | None,
    messages: pd.DataFrame | None,
    scheduled: pd.DataFrame,
    previous: RunState,
) -> set[str]:
    """``clinician|period`` keys that received new events, orders, messages or sessions."""
    old = scheduled_daily(
        previous.sessions, rules_for(str(previous.parameters["time_zone"]), None, None)
    )
    merged = scheduled.merge(old, on=["clinician_id", "day"], how="outer", suffixes=("", "_old"))
    changed = merged[merged["scheduled_us"].fillna(-1) != merged["scheduled_us_old"].fillna(-1)]
    values = [c for c in events.columns if c not in ("clinician_id", "day")]
    events = events[(events[values] != 0).any(axis=1)]  # a last old event given 0 changes nothing
    keys: set[str] = set()
    for f in (events, orders, messages, changed):
        if f is not None and len(f):
            starts = period_start(f["day"].astype("int64"), period).dt.date.astype(str)
            keys |= set(f["clinician_id"].astype(str) + "|" + starts)
    return keys


def _merge_tables(kept: pd.DataFrame, fresh: pd.DataFrame, touched: set[str]) -> pd.DataFrame:
    """Previous rows of untouched periods plus the recomputed rows of touched ones."""
    recomputed = fresh[_keys(fresh).isin(touched).to_numpy()]
    both = pd.concat([kept, recomputed], ignore_index=True)
    both = both.sort_values(["clinician_id", "period_start"], kind="stable").reset_index(drop=True)
    for c in ("signed_orders", "team_orders", "inbox_messages"):
        both[c] = both[c].astype("Int64")
    return both[list(OUTPUT_COLUMNS)]


def sidecar_path(path: str | Path) -> Path:
    """``metrics.parquet`` → ``metrics.params.json``."""
    p = Path(path)
    return p.with_name(p.stem + ".params.json")


def message_types_path(path: str | Path) -> Path:
    """``metrics.parquet`` → ``metrics.message_types.parquet`` (same suffix)."""
    p = Path(path)
    return p.with_name(p.stem + ".message_types" + p.suffix)


def _write_table(frame: pd.DataFrame, out: Path, meta: str) -> None:
    """Write ``frame`` to ``out`` atomically (a temporary file renamed over it)."""
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    try:
        if out.suffix.lower() == ".parquet":
            table = pa.Table.from_pandas(frame, preserve_index=False)
            merged = {**(table.schema.metadata or {}), METADATA_KEY: meta.encode()}
            pq.write_table(table.replace_schema_metadata(merged), tmp)
        else:  # opened in spreadsheets: ids like "=HYPERLINK(...)" must stay text
            safe_frame(frame).to_csv(tmp, index=False)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_metrics(result: MetricsResult, path: str | Path, *, state: bool = True) -> Path:
    """Write the metrics to ``.parquet`` (parameters in key-value metadata) or ``.csv``.

    Next to it: ``NAME.params.json`` (parameters, run facts, problems, the methods block),
    ``NAME.message_types.*`` when messages carried a type, and ``NAME.state/`` for incremental
    runs (unless ``state=False``). Each file is written to a temporary name and renamed, so a
    failed write leaves no half-written output. Returns the sidecar's path.
    """
    out = Path(path)
    meta = json.dumps(result.metadata(), default=str, sort_keys=True)
    suffix = out.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise EhrInputError(f"output: {out}: expected a .parquet or .csv file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_table(result.metrics, out, meta)
    if result.message_types is not None:
        _write_table(result.message_types, message_types_path(out), meta)
    if state and result.state is not None:
        write_state(result.state, state_dir(out))
    side = sidecar_path(out)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{side.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(json.loads(meta), indent=2, sort_keys=True) + "\n")
    os.replace(tmp, side)
    return side


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The parameters stored in a metrics Parquet file's key-value metadata."""
    meta = pq.read_schema(path).metadata or {}
    if METADATA_KEY not in meta:
        raise EhrInputError(f"{path}: no clinwell.ehr metadata in this Parquet file")
    return dict(json.loads(meta[METADATA_KEY]))
