"""Validation of audit-log inputs: find bad rows, report them, exclude them or stop.

Checks, in the order strict mode applies them:

1. action map: empty action, activity outside :data:`~clinwell.ehr.params.ACTIVITIES`,
   the same action mapped to different activities;
2. schedule: unparseable or empty ``start``/``end``, empty clinician id, sessions whose end is
   not after their start, sessions that start before an earlier session of the same clinician
   has ended (the earliest-starting session is kept);
3. events: unparseable or empty ``event_time``, empty clinician id or action, clinicians with
   no valid scheduled session (``unscheduled_clinician``);
4. orders: unparseable ``event_time``, empty clinician id or ``entered_by``.

Events whose action is not in the map are counted (``unmapped_action``, informational) and
attributed to ``other``. The action map and schedule are small and are checked in pandas;
events and orders are checked on the engine in one pass each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from clinwell.ehr.params import ACTIVITIES
from clinwell.ehr.problems import EhrValidationError, Problem
from clinwell.ehr.readers import Loaded, parse_timestamp

N_EXAMPLES = 5


@dataclass
class Checked:
    """Validated inputs: small tables in pandas, event-scale tables as Ibis expressions."""

    events: ir.Table  # clinician_id, event_time (timestamp), action
    sessions: pd.DataFrame  # clinician_id, start_us, end_us (int64 µs since epoch)
    actions: pd.DataFrame  # action, activity (unique actions)
    orders: ir.Table | None  # clinician_id, entered_by, event_time
    problems: list[Problem]


class _Collector:
    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.problems: list[Problem] = []

    def add(self, problem: Problem) -> None:
        if problem.count == 0:
            return
        if self.strict and problem.severity == "error":
            raise EhrValidationError(problem)
        self.problems.append(problem)


def _examples(frame: pd.DataFrame) -> tuple[dict[str, str], ...]:
    rows = frame.head(N_EXAMPLES).astype(object).where(frame.head(N_EXAMPLES).notna(), None)
    return tuple(
        {str(k): "" if v is None else str(v) for k, v in r.items()} for r in rows.to_dict("records")
    )


def check_actions(loaded: Loaded, col: _Collector) -> pd.DataFrame:
    """Validate the action map; return unique ``action → activity`` rows."""
    frame = loaded.table.execute()
    frame["activity"] = frame["activity"].str.strip().str.lower()
    empty = frame["action"].isna() | (frame["action"].astype(str).str.strip() == "")
    col.add(
        Problem("missing_value", loaded.label, "action", int(empty.sum()), _examples(frame[empty]))
    )
    bad = ~empty & ~frame["activity"].isin(ACTIVITIES)
    col.add(
        Problem("invalid_activity", loaded.label, "activity", int(bad.sum()), _examples(frame[bad]))
    )
    good = frame[~empty & ~bad].drop_duplicates(["action", "activity"])
    dup = good["action"].duplicated(keep=False)
    col.add(
        Problem("duplicate_action", loaded.label, "action", int(dup.sum()), _examples(good[dup]))
    )
    return pd.DataFrame(good[~dup].reset_index(drop=True)[["action", "activity"]])


def to_us(values: pd.Series) -> np.ndarray:
    """Naive timestamps as int64 microseconds since 1970-01-01."""
    return values.astype("datetime64[us]").to_numpy().astype("int64")


def check_schedule(loaded: Loaded, col: _Collector) -> pd.DataFrame:
    """Validate sessions; return ``clinician_id, start_us, end_us`` of the good ones."""
    t = loaded.table
    frame = t.mutate(start_ts=parse_timestamp(t.start), end_ts=parse_timestamp(t.end)).execute()
    raw = frame[["clinician_id", "start", "end"]]
    for name in ("start", "end"):
        bad = frame[f"{name}_ts"].isna()
        col.add(
            Problem(
                "unparseable_timestamp", loaded.label, name, int(bad.sum()), _examples(raw[bad])
            )
        )
    no_id = frame["clinician_id"].isna() | (frame["clinician_id"].str.strip() == "")
    col.add(
        Problem(
            "missing_value", loaded.label, "clinician_id", int(no_id.sum()), _examples(raw[no_id])
        )
    )
    ok = frame[~no_id & frame["start_ts"].notna() & frame["end_ts"].notna()].copy()
    ok["start_us"], ok["end_us"] = to_us(ok["start_ts"]), to_us(ok["end_ts"])
    neg = ok["end_us"] <= ok["start_us"]
    col.add(
        Problem(
            "negative_session",
            loaded.label,
            "end",
            int(neg.sum()),
            _examples(ok.loc[neg, raw.columns]),
        )
    )
    ok = ok[~neg].sort_values(["clinician_id", "start_us", "end_us"], kind="stable")
    prior_end = ok.groupby("clinician_id", sort=False)["end_us"].transform(
        lambda s: s.cummax().shift(1)
    )
    over = (ok["start_us"] < prior_end).to_numpy()
    col.add(
        Problem(
            "overlapping_session",
            loaded.label,
            "start",
            int(over.sum()),
            _examples(ok.loc[over, raw.columns]),
        )
    )
    return pd.DataFrame(ok.loc[~over, ["clinician_id", "start_us", "end_us"]]).reset_index(
        drop=True
    )


def _count_and_examples(
    table: ir.Table, conditions: dict[str, ir.BooleanValue], show: list[str]
) -> dict[str, tuple[int, tuple[dict[str, str], ...]]]:
    """One pass counting every condition, then up to five example rows for each hit."""
    counts = table.aggregate(**{k: c.cast("int64").sum() for k, c in conditions.items()}).execute()
    out: dict[str, tuple[int, tuple[dict[str, str], ...]]] = {}
    for key, cond in conditions.items():
        value = counts[key].iloc[0] if len(counts) else 0
        n = 0 if pd.isna(value) else int(value)
        examples: tuple[dict[str, str], ...] = ()
        if n:
            examples = _examples(table.filter(cond).select(*show).limit(N_EXAMPLES).execute())
        out[key] = (n, examples)
    return out


def _blank(value: ir.StringValue) -> ir.BooleanValue:
    return value.isnull() | (value.strip() == "")


def check_events(
    loaded: Loaded, sessions: pd.DataFrame, actions: pd.DataFrame, col: _Collector
) -> ir.Table:
    """Validate events in one engine pass; return the good rows with a parsed timestamp."""
    raw = loaded.table
    t = raw.mutate(_ts=parse_timestamp(raw.event_time))
    scheduled = ibis.memtable(pd.DataFrame({"clinician_id": sessions["clinician_id"].unique()}))
    known = ibis.memtable(pd.DataFrame({"action": actions["action"].astype(str)}))
    bad_time = t._ts.isnull()
    no_id = _blank(t.clinician_id)
    no_action = _blank(t.action)
    unscheduled = ~no_id & ~t.clinician_id.isin(scheduled.clinician_id)
    unmapped = ~no_action & ~t.action.isin(known.action)
    conditions = {
        "bad_time": bad_time,
        "no_id": no_id,
        "no_action": no_action,
        "unscheduled": unscheduled,
        "unmapped": unmapped,
    }
    found = _count_and_examples(t, conditions, ["clinician_id", "event_time", "action"])
    lab = loaded.label
    col.add(Problem("unparseable_timestamp", lab, "event_time", *found["bad_time"]))
    col.add(Problem("missing_value", lab, "clinician_id", *found["no_id"]))
    col.add(Problem("missing_value", lab, "action", *found["no_action"]))
    col.add(Problem("unscheduled_clinician", lab, "clinician_id", *found["unscheduled"]))
    col.add(Problem("unmapped_action", lab, "action", *found["unmapped"], excluded=False))
    keep = ~(bad_time | no_id | no_action | unscheduled)
    return t.filter(keep).select("clinician_id", "action", event_time=t._ts)


def check_orders(loaded: Loaded, col: _Collector) -> ir.Table:
    """Validate orders in one engine pass; return the good rows with a parsed timestamp."""
    raw = loaded.table
    t = raw.mutate(_ts=parse_timestamp(raw.event_time))
    conditions = {
        "bad_time": t._ts.isnull(),
        "no_id": _blank(t.clinician_id),
        "no_entered": _blank(t.entered_by),
    }
    found = _count_and_examples(
        t, conditions, ["order_id", "clinician_id", "entered_by", "event_time"]
    )
    col.add(Problem("unparseable_timestamp", loaded.label, "event_time", *found["bad_time"]))
    col.add(Problem("missing_value", loaded.label, "clinician_id", *found["no_id"]))
    col.add(Problem("missing_value", loaded.label, "entered_by", *found["no_entered"]))
    keep = ~(conditions["bad_time"] | conditions["no_id"] | conditions["no_entered"])
    return t.filter(keep).select("clinician_id", "entered_by", event_time=t._ts)


def check_inputs(
    events: Loaded,
    schedule: Loaded,
    actions: Loaded,
    orders: Loaded | None,
    *,
    strict: bool,
) -> Checked:
    """Run every check; in strict mode raise :class:`EhrValidationError` at the first problem."""
    col = _Collector(strict)
    action_map = check_actions(actions, col)
    sessions = check_schedule(schedule, col)
    good_events = check_events(events, sessions, action_map, col)
    good_orders = check_orders(orders, col) if orders is not None else None
    return Checked(good_events, sessions, action_map, good_orders, col.problems)


def describe(problems: list[Problem]) -> list[dict[str, Any]]:
    """Problems as JSON-ready dictionaries."""
    return [p.to_dict() for p in problems]
