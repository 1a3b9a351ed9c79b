"""The EHR-use metrics: active time by inter-event gaps, work outside scheduled time, per 8 h.

Definitions (references in ``docs/ehr.md``):

- **Active time.** A clinician's events are sorted by time; each event is credited with the
  gap to that clinician's next event, ``g_i = t_{i+1} − t_i``. A gap longer than the idle
  timeout ``T`` is idle: dropped (credit 0) or capped (credit ``T``). The last event of a
  clinician has no successor and gets no credit. (Gap method: Lou et al.,
  sslou/publications 2021_burnout_lmm/measure_access_logs.py; timeout and rule are reported
  with the result as Rule et al., JAMIA 2024, ask.)
- **Activity time.** The credit of an event goes to the activity its action maps to
  (unmapped actions: ``other``). Ties in time are ordered by activity so that every engine
  credits the same activity.
- **WOW (work outside work).** The credit of an event whose time lies in none of the
  clinician's sessions ``[start − b, end + b)`` (schedule mode), or outside the clock window
  (clock mode) (Sinsky et al., JAMIA 2020;27(4):639–643).
- **Per 8 h.** ``X8 = 8 · X_hours / scheduled_hours`` (Sinsky et al. 2020); NULL when no time
  is scheduled in the period.
- **Teamwork for orders.** ``100 · (signed orders entered by someone else) / (signed orders)``.

All durations are summed as integer microseconds, so every engine gives the same answer; only
the final division into hours is floating point.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from clinwell.ehr.engines import epoch_us
from clinwell.ehr.params import ACTIVITIES, OUTPUT_COLUMNS, TIME_ACTIVITIES, MetricParams

US_PER_DAY = 86_400_000_000
US_PER_HOUR = 3_600_000_000
US_PER_MINUTE = 60_000_000
EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)


def session_pieces(sessions: pd.DataFrame, buffer_minutes: int) -> pd.DataFrame:
    """Sessions widened by the buffer, merged where they overlap, and split at midnight.

    Returns ``clinician_id, day, lo, hi`` (µs) with non-overlapping ``[lo, hi)`` per clinician,
    each within one day, so events can be matched by an equi-join on (clinician, day).
    """
    buf = buffer_minutes * US_PER_MINUTE
    s = sessions.assign(lo=sessions["start_us"] - buf, hi=sessions["end_us"] + buf)
    s = s.sort_values(["clinician_id", "lo"], kind="stable")
    prior = s.groupby("clinician_id", sort=False)["hi"].transform(lambda x: x.cummax().shift(1))
    island = (s["lo"] > prior) | prior.isna()
    s["island"] = island.groupby(s["clinician_id"], sort=False).cumsum()
    merged = s.groupby(["clinician_id", "island"], sort=False).agg(
        lo=("lo", "min"), hi=("hi", "max")
    )
    merged = merged.reset_index()
    first = merged["lo"].to_numpy() // US_PER_DAY
    last = (merged["hi"].to_numpy() - 1) // US_PER_DAY
    reps = (last - first + 1).astype("int64")
    idx = np.repeat(np.arange(len(merged)), reps)
    offset = np.arange(len(idx)) - np.repeat(np.cumsum(reps) - reps, reps)
    day = first[idx] + offset
    lo = np.maximum(merged["lo"].to_numpy()[idx], day * US_PER_DAY)
    hi = np.minimum(merged["hi"].to_numpy()[idx], (day + 1) * US_PER_DAY)
    return pd.DataFrame(
        {
            "clinician_id": merged["clinician_id"].to_numpy()[idx],
            "day": day.astype("int64"),
            "lo": lo.astype("int64"),
            "hi": hi.astype("int64"),
        }
    )


def credited_events(
    events: ir.Table, actions: pd.DataFrame, params: MetricParams, engine: str
) -> ir.Table:
    """Events with ``t`` (µs), ``day``, ``code`` (activity index) and ``credit`` (µs)."""
    codes = pd.DataFrame(
        {
            "action": actions["action"].astype(str),
            "code": actions["activity"].map(ACTIVITIES.index).astype("int8"),
        }
    )
    amap = ibis.memtable(codes)
    other = ACTIVITIES.index("other")
    ev = events.select("clinician_id", "action", t=epoch_us(events.event_time, engine))
    ev = ev.left_join(amap, "action").select(
        "clinician_id", "t", code=ibis.coalesce(amap.code, ibis.literal(other, "int8"))
    )
    window = ibis.window(group_by=ev.clinician_id, order_by=[ev.t, ev.code])
    nxt = ev.t.lead().over(window)
    gap = nxt - ev.t
    timeout = params.idle_timeout * 1_000_000
    idle_credit = timeout if params.gap_rule == "cap" else 0
    credit = ibis.cases(
        (nxt.isnull(), ibis.literal(0, "int64")),
        (gap > timeout, ibis.literal(idle_credit, "int64")),
        else_=gap,
    )
    return ev.mutate(credit=credit, day=ev.t // US_PER_DAY)


def outside_flag(ev: ir.Table, pieces: pd.DataFrame | None, params: MetricParams) -> ir.Table:
    """Add boolean ``outside``: the event lies outside work (schedule or clock mode)."""
    if params.wow_mode == "clock":
        start = _minutes(params.clock_start) * US_PER_MINUTE
        end = _minutes(params.clock_end) * US_PER_MINUTE
        dow = (ev.day + EPOCH_WEEKDAY) % 7
        tod = ev.t - ev.day * US_PER_DAY
        inside = dow.isin(list(params.clock_days)) & (tod >= start) & (tod < end)
        return ev.mutate(outside=~inside)
    if pieces is None:
        raise ValueError("schedule mode needs session pieces")
    p = ibis.memtable(pieces).rename(p_clinician="clinician_id", p_day="day")
    joined = ev.left_join(
        p,
        [ev.clinician_id == p.p_clinician, ev.day == p.p_day, ev.t >= p.lo, ev.t < p.hi],
    )
    return joined.select("clinician_id", "day", "code", "credit", outside=joined.lo.isnull())


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def daily_event_sums(ev: ir.Table) -> ir.Table:
    """Per clinician and day: integer µs of EHR, WOW and each reported activity."""
    sums: dict[str, Any] = {
        "n_events": ev.count(),
        "ehr_us": ev.credit.sum(),
        "wow_us": ev.credit.sum(where=ev.outside),
    }
    for name in TIME_ACTIVITIES:
        sums[f"{name}_us"] = ev.credit.sum(where=ev.code == ACTIVITIES.index(name))
    return ev.group_by(["clinician_id", "day"]).aggregate(**sums)


def daily_order_counts(orders: ir.Table, engine: str) -> ir.Table:
    """Per signing clinician and day: signed orders and those entered by someone else."""
    t = orders.mutate(day=epoch_us(orders.event_time, engine) // US_PER_DAY)
    team = (t.entered_by != t.clinician_id).cast("int64")
    return t.group_by(["clinician_id", "day"]).aggregate(n_orders=t.count(), n_team=team.sum())


def period_start(day: pd.Series, period: str) -> pd.Series:
    """Monday of the ISO week, or first of the month, for day numbers since 1970-01-01."""
    days = day.to_numpy(dtype="int64")
    if period == "week":
        days = days - (days + EPOCH_WEEKDAY) % 7
        return pd.Series(days.astype("datetime64[D]"), index=day.index)
    months = days.astype("datetime64[D]").astype("datetime64[M]")
    return pd.Series(months.astype("datetime64[D]"), index=day.index)


def scheduled_daily(sessions: pd.DataFrame) -> pd.DataFrame:
    """Scheduled µs per clinician and day of session start (a session counts where it starts)."""
    frame = pd.DataFrame(
        {
            "clinician_id": sessions["clinician_id"],
            "day": sessions["start_us"] // US_PER_DAY,
            "scheduled_us": sessions["end_us"] - sessions["start_us"],
        }
    )
    return pd.DataFrame(
        frame.groupby(["clinician_id", "day"], as_index=False)["scheduled_us"].sum()
    )


def assemble(
    scheduled: pd.DataFrame, events: pd.DataFrame, orders: pd.DataFrame | None, period: str
) -> pd.DataFrame:
    """Combine daily sums into the per-period metrics table with :data:`OUTPUT_COLUMNS`."""
    parts = [scheduled, events] + ([orders] if orders is not None else [])
    long = pd.concat([p for p in parts if len(p)], ignore_index=True)
    int_cols = [c for c in long.columns if c.endswith("_us") or c.startswith("n_")]
    for c in int_cols:
        long[c] = long[c].fillna(0).astype("int64")
    long["period_start"] = period_start(long["day"].astype("int64"), period)
    sums = long.groupby(["clinician_id", "period_start"], as_index=False)[int_cols].sum()
    sums = sums.sort_values(["clinician_id", "period_start"], kind="stable").reset_index(drop=True)
    out = pd.DataFrame({"clinician_id": sums["clinician_id"].astype(str)})
    out["period_start"] = pd.to_datetime(sums["period_start"]).dt.date
    for name in ("scheduled", "ehr", "wow", *TIME_ACTIVITIES):
        col = f"{name}_us"
        values = sums[col] if col in sums else pd.Series(0, index=sums.index)
        out[f"{name}_hours"] = values.to_numpy(dtype="int64") / US_PER_HOUR
    sched = out["scheduled_hours"].to_numpy()
    for target, source in (
        ("ehr_time8", "ehr_hours"),
        ("wow8", "wow_hours"),
        ("note_time8", "note_hours"),
        ("ib_time8", "inbox_hours"),
        ("rx_time8", "prescription_hours"),
    ):
        with np.errstate(divide="ignore", invalid="ignore"):
            value = 8 * out[source].to_numpy() / sched
        out[target] = np.where(sched > 0, value, np.nan)
    if "n_orders" in sums:
        n, team = sums["n_orders"].to_numpy(), sums["n_team"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            out["teamwork_orders_pct"] = np.where(n > 0, 100 * team / n, np.nan)
    else:
        out["teamwork_orders_pct"] = np.nan
    return out[list(OUTPUT_COLUMNS)]
