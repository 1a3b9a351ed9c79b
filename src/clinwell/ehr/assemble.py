"""From daily sums to the per-period metrics table (shared by every engine).

- **Per 8 h.** ``X8 = 8 · X_hours / scheduled_hours`` (Sinsky et al., JAMIA 2020;27(4):639–643);
  empty when no time is scheduled in the period.
- **Teamwork for orders.** ``100 · team_orders / signed_orders``: signed orders entered by
  someone other than the signer, from the pooled counts of the period.
- **Inbox volume.** ``inbox_msgs8 = 8 · inbox_messages / scheduled_hours``: In Basket messages
  received per 8 hours of scheduled patient time (by message type in a second table when the
  messages input has a type).
- **Scheduled hours** count in the local day on which a session starts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clinwell.ehr.params import (
    HOURS_COLUMNS,
    MESSAGE_TYPE_COLUMNS,
    OUTPUT_COLUMNS,
    PER_8H,
)
from clinwell.ehr.zones import ZoneRules

US_PER_DAY = 86_400_000_000
US_PER_HOUR = 3_600_000_000
EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)
EVENT_SUMS: tuple[str, ...] = ("n_events", *(c.replace("_hours", "_us") for c in HOURS_COLUMNS[1:]))
"""Daily event sums: events counted, then µs of EHR, WOW and each activity."""


def period_start(day: pd.Series, period: str) -> pd.Series:
    """Monday of the ISO week, or first of the month, for day numbers since 1970-01-01."""
    days = day.to_numpy(dtype="int64")
    if period == "week":
        days = days - (days + EPOCH_WEEKDAY) % 7
        return pd.Series(days.astype("datetime64[D]"), index=day.index)
    months = days.astype("datetime64[D]").astype("datetime64[M]")
    return pd.Series(months.astype("datetime64[D]"), index=day.index)


def scheduled_daily(sessions: pd.DataFrame, rules: ZoneRules) -> pd.DataFrame:
    """Scheduled µs per clinician and local day of session start."""
    start = sessions["start_us"].to_numpy("int64")
    frame = pd.DataFrame(
        {
            "clinician_id": sessions["clinician_id"].astype(str),
            "day": rules.local(start) // US_PER_DAY,
            "scheduled_us": sessions["end_us"].to_numpy("int64") - start,
        }
    )
    return pd.DataFrame(
        frame.groupby(["clinician_id", "day"], as_index=False)["scheduled_us"].sum()
    )


def _per_8(numerator: np.ndarray, scheduled_hours: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(scheduled_hours > 0, 8 * numerator / scheduled_hours, np.nan)


def assemble(
    scheduled: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame | None,
    messages: pd.DataFrame | None,
    period: str,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The metrics table (:data:`OUTPUT_COLUMNS`) and, when messages carry a type, the
    messages-by-type table (:data:`MESSAGE_TYPE_COLUMNS`), from daily sums.

    ``orders`` / ``messages`` are None when that input was not given (their columns are then
    empty); a clinician-period with none of them counts 0.
    """
    totals: pd.DataFrame | None = None
    if messages is not None:
        totals = pd.DataFrame(
            messages.groupby(["clinician_id", "day"], as_index=False)["n_messages"].sum()
        )
    parts: list[pd.DataFrame | None] = [scheduled, events, orders, totals]
    long = pd.concat([p for p in parts if p is not None and len(p)], ignore_index=True)
    for c in ("scheduled_us", *EVENT_SUMS, "n_orders", "n_team", "n_messages"):
        long[c] = long[c].fillna(0).astype("int64") if c in long else 0
    long["clinician_id"] = long["clinician_id"].astype(str)
    long["period_start"] = period_start(long["day"].astype("int64"), period)
    int_cols = ["scheduled_us", *EVENT_SUMS, "n_orders", "n_team", "n_messages"]
    sums = long.groupby(["clinician_id", "period_start"], as_index=False)[int_cols].sum()
    sums = sums.sort_values(["clinician_id", "period_start"], kind="stable").reset_index(drop=True)
    out = pd.DataFrame({"clinician_id": sums["clinician_id"]})
    out["period_start"] = pd.to_datetime(sums["period_start"]).dt.date
    for name in HOURS_COLUMNS:
        out[name] = sums[name.replace("_hours", "_us")].to_numpy(dtype="int64") / US_PER_HOUR
    sched = out["scheduled_hours"].to_numpy()
    for target, source in PER_8H.items():
        out[target] = _per_8(out[source].to_numpy(), sched)
    n, team = sums["n_orders"].to_numpy(), sums["n_team"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["teamwork_orders_pct"] = np.where(n > 0, 100 * team / n, np.nan)
    missing = pd.array([pd.NA] * len(out), dtype="Int64")
    out["signed_orders"] = pd.array(n, dtype="Int64") if orders is not None else missing
    out["team_orders"] = pd.array(team, dtype="Int64") if orders is not None else missing
    received = sums["n_messages"].to_numpy()
    out["inbox_messages"] = pd.array(received, dtype="Int64") if messages is not None else missing
    out["inbox_msgs8"] = _per_8(received, sched) if messages is not None else np.nan
    return out[list(OUTPUT_COLUMNS)], _by_type(messages, sums, period)


def _by_type(messages: pd.DataFrame | None, sums: pd.DataFrame, period: str) -> pd.DataFrame | None:
    if messages is None or not (messages["message_type"].astype(str) != "").any():
        return None
    m = messages.assign(period_start=period_start(messages["day"].astype("int64"), period))
    m["clinician_id"] = m["clinician_id"].astype(str)
    g = m.groupby(["clinician_id", "period_start", "message_type"], as_index=False)[
        "n_messages"
    ].sum()
    sched = sums.set_index(["clinician_id", "period_start"])["scheduled_us"]
    hours = (
        sched.reindex(pd.MultiIndex.from_frame(pd.DataFrame(g[["clinician_id", "period_start"]])))
        .fillna(0)
        .to_numpy("int64")
        / US_PER_HOUR
    )
    out = pd.DataFrame(
        {
            "clinician_id": g["clinician_id"],
            "period_start": pd.to_datetime(g["period_start"]).dt.date,
            "message_type": g["message_type"].astype(str),
            "inbox_messages": g["n_messages"].astype("int64"),
            "inbox_msgs8": _per_8(g["n_messages"].to_numpy(), hours),
        }
    )
    out = out.sort_values(["clinician_id", "period_start", "message_type"], kind="stable")
    return out.reset_index(drop=True)[list(MESSAGE_TYPE_COLUMNS)]
