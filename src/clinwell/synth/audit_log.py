"""Synthetic EHR audit logs with planted ground truth for the EHR-use metrics.

Each clinician gets scheduled sessions (weekday mornings 07:30–12:30 and afternoons
13:00–17:30 on a 15-minute grid, some Saturday mornings) and *windows* of EHR activity: the
sessions themselves plus evening (19:00–21:00), early-morning (05:30–06:30) and Sunday windows
outside any session. Events fall on whole seconds. Inside a window consecutive events are
separated either by a *short* gap of at most 0.8·T seconds (T = idle timeout) or by an *idle*
gap of at least 2·T; windows are at least 30 minutes (≥ 2·T) apart. Every gap is therefore
clearly below or clearly above the timeout, and the generator knows, by construction, what the
engine must credit:

- a short gap is credited in full to the earlier event's activity;
- an idle gap is credited 0 (``gap_rule="drop"``) or T (``"cap"``); the last event gets 0;
- an event is outside work when its window is outside (schedule mode, any buffer ≤ 60 min),
  or is outside Monday–Friday 07:00–17:30 (clock mode).

The planted truth is aggregated with plain pandas (no engine code), in seconds:
``hours = seconds / 3600``, ``X8 = 8 · X_hours / scheduled_hours``,
``teamwork_orders_pct = 100 · team / orders``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from clinwell.ehr.params import OUTPUT_COLUMNS, PER_8H

ACTIONS: tuple[tuple[str, str], ...] = (
    ("Clinical Note Signed", "note"),
    ("Pend clinical note", "note"),
    ("In Basket message viewed", "inbox"),
    ("In Basket folder loaded", "inbox"),
    ("Order list changed", "order"),
    ("Active Orders viewed", "order"),
    ("Pharmacy for encounter modified", "prescription"),
    ("Results Review accessed", "results"),
    ("Notes viewed", "chart_review"),
    ("Report with patient data viewed", "chart_review"),
    ("Schedule loaded", "other"),
)
"""Actions used by the generator (all in clinwell's default Epic-style map)."""
UNMAPPED_ACTION = "Synthetic unmapped action"
"""Also emitted, deliberately missing from the action map: counts as ``other``."""
ACTION_WEIGHTS = np.array([10, 4, 12, 3, 6, 3, 3, 6, 10, 12, 4, 2], dtype=float)
REPORTED = ("note", "inbox", "order", "prescription", "chart_review")
MAX_BUFFER_MINUTES = 60
MAX_IDLE_TIMEOUT = 900
MESSAGE_TYPES = ("Patient Medical Advice Request", "Results", "Rx Request", "Staff Message")
"""In Basket message types of the generated messages (named as in published In Basket work)."""
MESSAGE_TYPE_WEIGHTS = np.array([4, 6, 3, 2], dtype=float)

_H, _M = 3600, 60
_SESSION, _SATURDAY, _OUTSIDE = 0, 1, 2


@dataclass(frozen=True)
class AuditLogSpec:
    """What to generate. Ground truth holds for ``idle_timeout`` and ``gap_rule`` as given,
    any schedule buffer of 0–60 minutes, and the default clock window."""

    clinicians: int = 20
    days: int = 28
    seed: int = 0
    start: date = date(2024, 1, 1)
    idle_timeout: int = 300
    gap_rule: str = "drop"
    with_details: bool = True
    """Add ``patient_id`` and ``workstation_id`` columns to events."""

    def __post_init__(self) -> None:
        if self.clinicians < 1 or self.days < 1:
            raise ValueError("clinicians and days must be at least 1")
        if not 10 <= self.idle_timeout <= MAX_IDLE_TIMEOUT:
            raise ValueError(f"idle_timeout must be 10–{MAX_IDLE_TIMEOUT} s for exact truth")
        if self.gap_rule not in ("drop", "cap"):
            raise ValueError("gap_rule must be 'drop' or 'cap'")


@dataclass
class Chunk:
    """Generated rows of some clinicians, plus the per-event planted facts."""

    events: pd.DataFrame  # clinician_id, event_time, action (+ details)
    schedule: pd.DataFrame  # clinician_id, start, end
    orders: pd.DataFrame  # order_id, clinician_id, entered_by, event_time
    messages: pd.DataFrame  # clinician_id, received_time, message_type
    planted: pd.DataFrame  # clinician_id, day, credit_s, activity, out_sched, out_clock


def clinician_id(i: int) -> str:
    """``C00001`` style ids."""
    return f"C{i + 1:05d}"


def _windows(rng: np.random.Generator, spec: AuditLogSpec) -> tuple[np.ndarray, np.ndarray]:
    """Sessions (day, lo, hi) and activity windows (day, lo, hi, kind), seconds of day."""
    sessions: list[tuple[int, int, int]] = []
    windows: list[tuple[int, int, int, int]] = []
    first_weekday = spec.start.weekday()
    forced = next(d for d in range(7) if (first_weekday + d) % 7 < 5)
    for d in range(spec.days):
        wd = (first_weekday + d) % 7
        if wd < 5 and (d == forced or rng.random() < 0.9):
            am = 7 * _H + 30 * _M + 15 * _M * int(rng.integers(0, 5))
            day_sessions = [(am, am + 3 * _H + 15 * _M * int(rng.integers(0, 5)))]
            if rng.random() < 0.85:
                pm = 13 * _H + 15 * _M * int(rng.integers(0, 3))
                day_sessions.append((pm, pm + 3 * _H + 15 * _M * int(rng.integers(0, 3))))
            if rng.random() < 0.2:
                windows.append((d, 5 * _H + 30 * _M, 6 * _H + 30 * _M, _OUTSIDE))
            for lo, hi in day_sessions:
                sessions.append((d, lo, hi))
                windows.append((d, lo, hi, _SESSION))
            if rng.random() < 0.6:
                windows.append((d, 19 * _H, 21 * _H, _OUTSIDE))
        elif wd == 5 and rng.random() < 0.15:
            sessions.append((d, 8 * _H, 12 * _H))
            windows.append((d, 8 * _H, 12 * _H, _SATURDAY))
        elif wd == 6 and rng.random() < 0.3:
            windows.append((d, 10 * _H, 11 * _H, _OUTSIDE))
    return np.array(sessions, dtype="int64").reshape(-1, 3), np.array(
        windows, dtype="int64"
    ).reshape(-1, 4)


def _gaps(rng: np.random.Generator, n: int, timeout: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` virtual gaps (s) and whether each is short (≤ 0.8·T) rather than idle (≥ 2·T)."""
    short_max = int(0.8 * timeout)
    kind = rng.random(n)
    small = rng.integers(1, min(20, short_max) + 1, n)
    medium = rng.integers(1, short_max + 1, n)
    idle = rng.integers(2 * timeout, 2 * timeout + 1800, n)
    is_short = kind >= 0.01
    gaps = np.where(kind < 0.01, idle, np.where(kind < 0.9, small, medium))
    return gaps.astype("int64"), is_short


def _one_clinician(i: int, spec: AuditLogSpec) -> dict[str, Any]:
    rng = np.random.default_rng([spec.seed, i])
    sessions, windows = _windows(rng, spec)
    lengths = windows[:, 2] - windows[:, 1]
    cum = np.concatenate([[0], np.cumsum(lengths)])
    total = int(cum[-1])
    parts: list[np.ndarray] = []
    shorts: list[np.ndarray] = []
    v_end = 0
    while v_end < total:
        g, s = _gaps(rng, max(1000, total // 25), spec.idle_timeout)
        parts.append(g)
        shorts.append(s)
        v_end += int(g.sum())
    gaps = np.concatenate(parts)
    is_short = np.concatenate(shorts)
    v = int(rng.integers(0, 60)) + np.concatenate([[0], np.cumsum(gaps)])
    keep = v < total
    v = v[keep]
    w = np.searchsorted(cum, v, side="right") - 1
    day = windows[w, 0]
    tod = windows[w, 1] + (v - cum[w])
    kind = windows[w, 3]
    n = len(v)
    nxt_short = np.zeros(n, dtype=bool)
    nxt_short[:-1] = is_short[: n - 1] & (w[1:] == w[:-1])
    gap_next = np.zeros(n, dtype="int64")
    gap_next[:-1] = gaps[: n - 1]
    idle_credit = spec.idle_timeout if spec.gap_rule == "cap" else 0
    credit = np.where(nxt_short, gap_next, idle_credit)
    if n:
        credit[-1] = 0
    action_idx = rng.choice(len(ACTION_WEIGHTS), size=n, p=ACTION_WEIGHTS / ACTION_WEIGHTS.sum())
    n_orders = rng.poisson(3, len(sessions))
    o_session = np.repeat(np.arange(len(sessions)), n_orders)
    o_len = sessions[o_session, 2] - sessions[o_session, 1]
    o_tod = sessions[o_session, 1] + (rng.random(len(o_session)) * o_len).astype("int64")
    p_team = rng.uniform(0.0, 0.8)
    team = rng.random(len(o_session)) < p_team
    m_days = np.unique(sessions[:, 0]) if len(sessions) else np.zeros(0, dtype="int64")
    n_msgs = rng.poisson(15, len(m_days))
    m_day = np.repeat(m_days, n_msgs)
    m_tod = rng.integers(6 * _H, 20 * _H, len(m_day))
    m_type = rng.choice(
        len(MESSAGE_TYPES), size=len(m_day), p=MESSAGE_TYPE_WEIGHTS / MESSAGE_TYPE_WEIGHTS.sum()
    )
    return {
        "i": i,
        "sessions": sessions,
        "day": day,
        "tod": tod,
        "kind": kind,
        "credit": credit,
        "action": action_idx,
        "o_day": sessions[o_session, 0],
        "o_tod": o_tod,
        "o_team": team,
        "o_nurse": rng.integers(1, 200, len(o_session)),
        "m_day": m_day,
        "m_tod": m_tod,
        "m_type": m_type,
    }


def _us(base: int, day: np.ndarray, tod: np.ndarray) -> np.ndarray:
    out: np.ndarray = ((base + day * 86400 + tod) * 1_000_000).astype("datetime64[us]")
    return out


def _chunk(ids: range, spec: AuditLogSpec) -> Chunk:
    base = int(np.datetime64(spec.start.isoformat(), "s").astype("int64"))
    names = [a for a, _ in ACTIONS] + [UNMAPPED_ACTION]
    acts = np.array([b for _, b in ACTIONS] + ["other"], dtype=object)
    cids = [clinician_id(i) for i in ids]
    gen = [_one_clinician(i, spec) for i in ids]

    def cat(key: str) -> np.ndarray:
        return np.concatenate([c[key] for c in gen])

    def owner(key: str) -> pd.Categorical[str]:
        codes = np.repeat(np.arange(len(gen)), [len(c[key]) for c in gen])
        return pd.Categorical.from_codes(codes, categories=pd.Index(cids))

    day, tod = cat("day"), cat("tod")
    events = pd.DataFrame(
        {
            "clinician_id": owner("day"),
            "event_time": _us(base, day, tod),
            "action": pd.Categorical.from_codes(cat("action"), categories=pd.Index(names)),
        }
    )
    if spec.with_details:
        events["patient_id"] = [f"P{x:06d}" for x in (day * 7 + tod // 1800) % 999983]
        events["workstation_id"] = [
            f"WS{int(x) % 97:03d}" for x in events["clinician_id"].cat.codes
        ]
    sessions = np.concatenate([c["sessions"] for c in gen]).reshape(-1, 3)
    schedule = pd.DataFrame(
        {
            "clinician_id": np.repeat(cids, [len(c["sessions"]) for c in gen]).astype(object),
            "start": _us(base, sessions[:, 0], sessions[:, 1]),
            "end": _us(base, sessions[:, 0], sessions[:, 2]),
        }
    )
    o_owner = np.repeat(np.array(cids, dtype=object), [len(c["o_day"]) for c in gen])
    nurses = np.array([f"RN{x:04d}" for x in cat("o_nurse")], dtype=object)
    orders = pd.DataFrame(
        {
            "order_id": [f"{o}-O{k:07d}" for k, o in enumerate(o_owner)],
            "clinician_id": o_owner,
            "entered_by": np.where(cat("o_team"), nurses, o_owner),
            "event_time": _us(base, cat("o_day"), cat("o_tod")),
        }
    )
    messages = pd.DataFrame(
        {
            "clinician_id": np.repeat(np.array(cids, dtype=object), [len(c["m_day"]) for c in gen]),
            "received_time": _us(base, cat("m_day"), cat("m_tod")),
            "message_type": np.array(MESSAGE_TYPES, dtype=object)[cat("m_type")],
        }
    )
    weekday = (spec.start.weekday() + day) % 7
    in_clock = (weekday < 5) & (tod >= 7 * _H) & (tod < 17 * _H + 30 * _M)
    planted = pd.DataFrame(
        {
            "clinician_id": owner("day"),
            "day": day,
            "credit_s": cat("credit"),
            "activity": acts[cat("action")],
            "out_sched": cat("kind") == _OUTSIDE,
            "out_clock": ~in_clock,
        }
    )
    return Chunk(events, schedule, orders, messages, planted)


def iter_chunks(spec: AuditLogSpec, chunk_clinicians: int = 100) -> Iterator[Chunk]:
    """Generate clinicians in chunks; the result does not depend on the chunk size."""
    for lo in range(0, spec.clinicians, chunk_clinicians):
        yield _chunk(range(lo, min(spec.clinicians, lo + chunk_clinicians)), spec)


def daily_truth(chunk: Chunk) -> pd.DataFrame:
    """Planted seconds per clinician and day (EHR, WOW both ways, each activity) and orders."""
    p = chunk.planted
    sums = pd.DataFrame(
        {
            "clinician_id": p["clinician_id"],
            "day": p["day"],
            "ehr_s": p["credit_s"],
            "wow_s": p["credit_s"].where(p["out_sched"], 0),
            "wow_clock_s": p["credit_s"].where(p["out_clock"], 0),
            **{f"{a}_s": p["credit_s"].where(p["activity"] == a, 0) for a in REPORTED},
        }
    )
    sched = pd.DataFrame(
        {
            "clinician_id": chunk.schedule["clinician_id"],
            "date": chunk.schedule["start"].dt.normalize(),
            "scheduled_s": (chunk.schedule["end"] - chunk.schedule["start"]).dt.total_seconds(),
        }
    )
    orders = pd.DataFrame(
        {
            "clinician_id": chunk.orders["clinician_id"],
            "date": chunk.orders["event_time"].dt.normalize(),
            "n_orders": 1,
            "n_team": (chunk.orders["entered_by"] != chunk.orders["clinician_id"]).astype("int64"),
        }
    )
    received = pd.DataFrame(
        {
            "clinician_id": chunk.messages["clinician_id"],
            "date": chunk.messages["received_time"].dt.normalize(),
            "n_messages": 1,
        }
    )
    sums["date"] = chunk.events["event_time"].dt.normalize().to_numpy()
    sums = (
        sums.drop(columns="day")
        .groupby(["clinician_id", "date"], as_index=False, observed=True)
        .sum()
    )
    sums["clinician_id"] = sums["clinician_id"].astype(str)
    parts = [sums, sched, orders, received]
    long = pd.concat(parts, ignore_index=True).fillna(0)
    value_cols = [c for c in long.columns if c not in ("clinician_id", "date")]
    return long.groupby(["clinician_id", "date"], as_index=False)[value_cols].sum()


def ground_truth(
    daily: pd.DataFrame,
    period: str = "week",
    wow_mode: str = "schedule",
    orders: bool = True,
    messages: bool = False,
) -> pd.DataFrame:
    """The metrics the engine must recover, from planted daily seconds (plain pandas).

    ``orders`` / ``messages``: whether the run was given those inputs (their count columns are
    empty otherwise)."""
    d = daily.copy()
    dates = pd.to_datetime(d["date"])
    if period == "week":
        d["period_start"] = (dates - pd.to_timedelta(dates.dt.weekday, unit="D")).dt.date
    elif period == "month":
        d["period_start"] = dates.dt.to_period("M").dt.start_time.dt.date
    else:
        raise ValueError(f"period must be 'week' or 'month', got {period!r}")
    value_cols = [c for c in d.columns if c not in ("clinician_id", "date", "period_start")]
    g = d.groupby(["clinician_id", "period_start"], as_index=False)[value_cols].sum()
    g = g.sort_values(["clinician_id", "period_start"], kind="stable").reset_index(drop=True)
    out = pd.DataFrame({"clinician_id": g["clinician_id"], "period_start": g["period_start"]})
    wow = "wow_clock_s" if wow_mode == "clock" else "wow_s"
    for name, col in [("scheduled", "scheduled_s"), ("ehr", "ehr_s"), ("wow", wow)] + [
        (a, f"{a}_s") for a in REPORTED
    ]:
        out[f"{name}_hours"] = g[col].to_numpy(dtype="int64") / 3600
    sched = out["scheduled_hours"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        for target, source in PER_8H.items():
            out[target] = np.where(sched > 0, 8 * out[source].to_numpy() / sched, np.nan)
    n = g["n_orders"].to_numpy(dtype="int64")
    team = g["n_team"].to_numpy(dtype="int64")
    received = g["n_messages"].to_numpy(dtype="int64")
    none = pd.array([pd.NA] * len(out), dtype="Int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["teamwork_orders_pct"] = np.where((n > 0) & orders, 100 * team / n, np.nan)
        out["inbox_msgs8"] = np.where(sched > 0, 8 * received / sched, np.nan)
    out["signed_orders"] = pd.array(n, dtype="Int64") if orders else none
    out["team_orders"] = pd.array(team, dtype="Int64") if orders else none
    out["inbox_messages"] = pd.array(received, dtype="Int64") if messages else none
    if not messages:
        out["inbox_msgs8"] = np.nan
    return out[list(OUTPUT_COLUMNS)]


@dataclass
class AuditLog:
    """A whole generated log held in memory (small runs and tests)."""

    spec: AuditLogSpec
    events: pd.DataFrame
    schedule: pd.DataFrame
    actions: pd.DataFrame
    orders: pd.DataFrame
    messages: pd.DataFrame
    daily: pd.DataFrame

    def truth(
        self,
        period: str = "week",
        wow_mode: str = "schedule",
        orders: bool = True,
        messages: bool = False,
    ) -> pd.DataFrame:
        """Planted metrics for ``period`` and ``wow_mode``, for a run given the orders and
        (or not) the messages."""
        return ground_truth(self.daily, period, wow_mode, orders, messages)


def action_map() -> pd.DataFrame:
    """The site action map written with the log (the unmapped action is left out on purpose)."""
    return pd.DataFrame(ACTIONS, columns=["action", "activity"])


def generate_audit_log(spec: AuditLogSpec | None = None, **kwargs: Any) -> AuditLog:
    """Generate a whole log in memory: ``generate_audit_log(clinicians=5, days=14, seed=1)``."""
    spec = spec or AuditLogSpec(**kwargs)
    chunk = _chunk(range(spec.clinicians), spec)
    events = chunk.events.assign(
        clinician_id=chunk.events["clinician_id"].astype(str),
        action=chunk.events["action"].astype(str),
    )
    return AuditLog(
        spec,
        events,
        chunk.schedule,
        action_map(),
        chunk.orders,
        chunk.messages,
        daily_truth(chunk),
    )


def write_audit_log(
    spec: AuditLogSpec,
    directory: str | Path,
    *,
    chunk_clinicians: int = 100,
    progress: Any = None,
) -> dict[str, Any]:
    """Write ``events.parquet``, ``schedule.parquet``, ``orders.parquet``, ``actions.csv``,
    ``truth_{week,month}[_clock].parquet`` and ``spec.json`` into ``directory``.

    Events are written chunk by chunk, so a billion events need little memory. Returns a
    summary (file paths and row counts). ``progress(done_clinicians)`` is called per chunk.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    writer: pq.ParquetWriter | None = None
    schedules, orders, messages, dailies = [], [], [], []
    n_events = 0
    try:
        for chunk in iter_chunks(spec, chunk_clinicians):
            table = pa.Table.from_pandas(chunk.events, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(out / "events.parquet", table.schema, compression="zstd")
            writer.write_table(table, row_group_size=1_000_000)
            n_events += len(chunk.events)
            schedules.append(chunk.schedule)
            orders.append(chunk.orders)
            messages.append(chunk.messages)
            dailies.append(daily_truth(chunk))
            if progress is not None:
                progress(min(spec.clinicians, len(schedules) * chunk_clinicians))
    finally:
        if writer is not None:
            writer.close()
    schedule = pd.concat(schedules, ignore_index=True)
    order_frame = pd.concat(orders, ignore_index=True)
    daily = pd.concat(dailies, ignore_index=True)
    schedule.to_parquet(out / "schedule.parquet", index=False)
    order_frame.to_parquet(out / "orders.parquet", index=False)
    message_frame = pd.concat(messages, ignore_index=True)
    message_frame.to_parquet(out / "messages.parquet", index=False)
    action_map().to_csv(out / "actions.csv", index=False)
    for period in ("week", "month"):
        for mode, suffix in (("schedule", ""), ("clock", "_clock")):
            ground_truth(daily, period, mode).to_parquet(
                out / f"truth_{period}{suffix}.parquet", index=False
            )
    info = {
        "spec": {**asdict(spec), "start": spec.start.isoformat()},
        "truth_holds_for": {
            "idle_timeout": spec.idle_timeout,
            "gap_rule": spec.gap_rule,
            "buffer_minutes": f"0–{MAX_BUFFER_MINUTES}",
            "clock_window": "Mon–Fri 07:00–17:30 (truth_*_clock)",
        },
        "rows": {
            "events": n_events,
            "schedule": len(schedule),
            "orders": len(order_frame),
            "messages": len(message_frame),
        },
    }
    (out / "spec.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info
