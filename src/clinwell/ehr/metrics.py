"""The EHR-use metrics as Ibis expressions (DuckDB or PySpark): the general engine.

Definitions (references in ``docs/ehr.md``):

- **Active time.** A clinician's events are sorted by instant; each event is credited with the
  gap to that clinician's next event, ``g_i = t_{i+1} − t_i``. A gap longer than the idle
  timeout ``T`` is idle: dropped (credit 0) or capped (credit ``T``). The last event of a
  clinician has no successor and gets no credit. (Gap method: Lou et al.,
  sslou/publications 2021_burnout_lmm/measure_access_logs.py; timeout and rule are reported
  with the result as Rule et al., JAMIA 2024, ask.)
- **Activity time.** The credit of an event goes to the activity its action maps to
  (unmapped actions: ``other``). Ties in time are ordered by activity so that every engine
  credits the same activity.
- **WOW (work outside work).** The credit of an event whose instant lies in none of the
  clinician's sessions ``[start − b, end + b)`` (schedule mode), or outside the clock window
  in local time (clock mode) (Sinsky et al., JAMIA 2020;27(4):639–643).
- **Days and periods** are those of the organization's calendar (local time).

All durations are integer microseconds between instants, so every engine gives the same
answer; the sorted scan (:mod:`clinwell.ehr.scan`) computes the same daily sums in one pass.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from clinwell.ehr.params import ACTIVITIES, TIME_ACTIVITIES, MetricParams
from clinwell.ehr.zones import ZoneRules, local_expr

US_PER_DAY = 86_400_000_000
US_PER_HOUR = 3_600_000_000
US_PER_MINUTE = 60_000_000
EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)
OTHER = ACTIVITIES.index("other")


def activity_codes(actions: pd.DataFrame) -> pd.DataFrame:
    """``action → code`` (the activity's index in :data:`ACTIVITIES`)."""
    return pd.DataFrame(
        {
            "action": actions["action"].astype(str),
            "code": actions["activity"].map(ACTIVITIES.index).astype("int8"),
        }
    )


def session_pieces(sessions: pd.DataFrame, buffer_minutes: int) -> pd.DataFrame:
    """Sessions widened by the buffer, merged where they overlap, and split at UTC midnight.

    Returns ``clinician_id, day, lo, hi`` (µs instants) with non-overlapping ``[lo, hi)`` per
    clinician, each within one UTC day, so events can be matched by an equi-join on
    (clinician, UTC day).
    """
    merged = merged_sessions(sessions, buffer_minutes)
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


def merged_sessions(sessions: pd.DataFrame, buffer_minutes: int) -> pd.DataFrame:
    """``clinician_id, lo, hi``: sessions widened by the buffer and merged where they overlap,
    sorted by clinician and start."""
    buf = buffer_minutes * US_PER_MINUTE
    s = sessions.assign(lo=sessions["start_us"] - buf, hi=sessions["end_us"] + buf)
    s = s.sort_values(["clinician_id", "lo"], kind="stable")
    prior = s.groupby("clinician_id", sort=False)["hi"].transform(lambda x: x.cummax().shift(1))
    island = (s["lo"] > prior) | prior.isna()
    s["island"] = island.groupby(s["clinician_id"], sort=False).cumsum()
    merged = s.groupby(["clinician_id", "island"], sort=False).agg(
        lo=("lo", "min"), hi=("hi", "max")
    )
    return merged.reset_index()[["clinician_id", "lo", "hi"]]


def credited_events(
    events: ir.Table, actions: pd.DataFrame, params: MetricParams, tails: pd.DataFrame | None
) -> ir.Table:
    """Events (``clinician_id, t, action``) with ``code`` (activity index), ``credit`` (µs)
    and ``counted`` (false for the previous run's last events, ``tails``, which are there only
    to receive the gap to the first new event)."""
    amap = ibis.memtable(activity_codes(actions))
    ev = events.left_join(amap, "action").select(
        "clinician_id",
        "t",
        code=ibis.coalesce(amap.code, ibis.literal(OTHER, "int8")),
        counted=ibis.literal(True),
    )
    if tails is not None and len(tails):
        prior = ibis.memtable(
            pd.DataFrame(
                {
                    "clinician_id": tails["clinician_id"].astype(str),
                    "t": tails["t"].astype("int64"),
                    "code": tails["code"].astype("int8"),
                    "counted": False,
                }
            )
        )
        ev = ev.union(prior.cast(ev.schema()), distinct=False)
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
    return ev.mutate(credit=credit)


def outside_flag(
    ev: ir.Table,
    pieces: pd.DataFrame | None,
    params: MetricParams,
    rules: ZoneRules,
    span: tuple[int, int],
) -> ir.Table:
    """Add the local ``day`` and boolean ``outside``: the event lies outside work."""
    local = local_expr(ev.t, rules, *span)
    ev = ev.mutate(day=local // US_PER_DAY, tod=local % US_PER_DAY)
    if params.wow_mode == "clock":
        start = _minutes(params.clock_start) * US_PER_MINUTE
        end = _minutes(params.clock_end) * US_PER_MINUTE
        dow = (ev.day + EPOCH_WEEKDAY) % 7
        inside = dow.isin(list(params.clock_days)) & (ev.tod >= start) & (ev.tod < end)
        return ev.mutate(outside=~inside)
    if pieces is None:
        raise ValueError("schedule mode needs session pieces")
    ev = ev.mutate(uday=ev.t // US_PER_DAY)
    p = ibis.memtable(pieces).rename(p_clinician="clinician_id", p_day="day")
    joined = ev.left_join(
        p,
        [ev.clinician_id == p.p_clinician, ev.uday == p.p_day, ev.t >= p.lo, ev.t < p.hi],
    )
    return joined.select(
        "clinician_id", "day", "code", "credit", "counted", outside=joined.lo.isnull()
    )


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def daily_event_sums(ev: ir.Table) -> ir.Table:
    """Per clinician and local day: events and integer µs of EHR, WOW and each activity."""
    sums: dict[str, Any] = {
        "n_events": ev.counted.cast("int64").sum(),
        "ehr_us": ev.credit.sum(),
        "wow_us": ev.credit.sum(where=ev.outside),
    }
    for name in TIME_ACTIVITIES:
        sums[f"{name}_us"] = ev.credit.sum(where=ev.code == ACTIVITIES.index(name))
    return ev.group_by(["clinician_id", "day"]).aggregate(**sums)


def daily_order_counts(orders: ir.Table, rules: ZoneRules, span: tuple[int, int]) -> ir.Table:
    """Per signing clinician and local day: signed orders and those entered by someone else."""
    t = orders.mutate(day=local_expr(orders.t, rules, *span) // US_PER_DAY)
    team = (t.entered_by != t.clinician_id).cast("int64")
    return t.group_by(["clinician_id", "day"]).aggregate(n_orders=t.count(), n_team=team.sum())


def daily_message_counts(messages: ir.Table, rules: ZoneRules, span: tuple[int, int]) -> ir.Table:
    """Per recipient, local day and message type: messages received."""
    t = messages.mutate(day=local_expr(messages.t, rules, *span) // US_PER_DAY)
    return t.group_by(["clinician_id", "day", "message_type"]).aggregate(n_messages=t.count())
