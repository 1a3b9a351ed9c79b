"""Validation of audit-log inputs: find bad rows, report them, exclude them or stop.

Checks, in the order strict mode applies them:

1. action map: empty action, activity outside :data:`~clinwell.ehr.params.ACTIVITIES`,
   the same action mapped to different activities;
2. schedule: unparseable or empty ``start``/``end``, empty clinician id, sessions whose end is
   not after their start, sessions that start before an earlier session of the same clinician
   has ended (the earliest-starting session is kept);
3. events: unparseable or empty ``event_time``, empty clinician id or action, clinicians with
   no valid scheduled session (``unscheduled_clinician``);
4. orders: unparseable ``event_time``, empty clinician id or ``entered_by``;
5. messages: unparseable ``received_time``, empty clinician id.

Events whose action is not in the map are counted (``unmapped_action``, informational) and
attributed to ``other``. Wall-clock times that are ambiguous or do not exist in the
organization's zone are counted too (informational; see :mod:`clinwell.ehr.zones`). The action
map and schedule are small and are checked in pandas; events, orders and messages are checked
on the engine in one pass each (the sorted scan of :mod:`clinwell.ehr.scan` checks events
itself, with the same rules).
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from clinwell.ehr.params import ACTIVITIES
from clinwell.ehr.problems import EhrValidationError, Problem
from clinwell.ehr.readers import Loaded, parse_time
from clinwell.ehr.zones import ZoneRules, ambiguity_exprs, instant_expr, years_of, zone_rules

N_EXAMPLES = 5
UNMAPPED_LISTED = 200


@dataclass
class Collector:
    """Collects problems; in strict mode the first error raises :class:`EhrValidationError`."""

    strict: bool
    problems: list[Problem] = field(default_factory=list)
    unmapped: dict[str, int] = field(default_factory=dict)
    """Events per action missing from the action map (the most frequent, for the mapping page)."""

    def add(self, problem: Problem) -> None:
        if problem.count == 0:
            return
        problem = with_line_numbers(problem)
        if self.strict and problem.severity == "error":
            raise EhrValidationError(problem)
        self.problems.append(problem)


CSV_SEARCH_BYTES = 2_000_000_000
"""How far into a CSV file the line numbers of examples are looked for (past it, none)."""


def with_line_numbers(problem: Problem) -> Problem:
    """The problem with each example's line number in its CSV file (``row``; line 1 is the
    header), found by reading the file until every example is matched. The engines do not
    keep line numbers; the one-pass scan and vendor extracts give rows themselves."""
    path = Path(problem.source)
    if (
        not problem.examples
        or all("row" in e for e in problem.examples)
        or not path.is_file()
        or not path.name.lower().endswith((".csv", ".csv.gz", ".txt"))
    ):
        return problem
    pending = [dict(e) for e in problem.examples]
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    read = 0
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as fh:
        rows = csv.reader(fh)
        header = [h.strip().lower() for h in next(rows, [])]
        index = {name: i for i, name in enumerate(header)}
        keys = [k for k in pending[0] if k in index]
        if not keys:
            return problem
        for line, row in enumerate(rows, start=2):
            read += sum(len(v) for v in row) + len(row)
            if read > CSV_SEARCH_BYTES:
                break
            values = {k: row[index[k]] if index[k] < len(row) else "" for k in keys}
            for e in pending:
                if "row" not in e and all(values[k].strip() == e[k].strip() for k in keys):
                    e["row"] = str(line)
                    break
            if all("row" in e for e in pending):
                break
    ordered = tuple({"row": e["row"], **e} if "row" in e else e for e in pending)
    return dataclasses.replace(problem, examples=ordered)


def examples_of(frame: pd.DataFrame) -> tuple[dict[str, str], ...]:
    """Up to five rows as ``{column: text}`` (empty text for missing values)."""
    head = frame.head(N_EXAMPLES)
    rows = head.astype(object).where(head.notna(), None)
    return tuple(
        {str(k): "" if v is None else str(v) for k, v in r.items()} for r in rows.to_dict("records")
    )


def check_actions(loaded: Loaded, col: Collector) -> pd.DataFrame:
    """Validate the action map; return unique ``action → activity`` rows."""
    frame = loaded.table.execute()
    frame["activity"] = frame["activity"].str.strip().str.lower()
    empty = frame["action"].isna() | (frame["action"].astype(str).str.strip() == "")
    col.add(
        Problem(
            "missing_value", loaded.label, "action", int(empty.sum()), examples_of(frame[empty])
        )
    )
    bad = ~empty & ~frame["activity"].isin(ACTIVITIES)
    col.add(
        Problem(
            "invalid_activity", loaded.label, "activity", int(bad.sum()), examples_of(frame[bad])
        )
    )
    good = frame[~empty & ~bad].drop_duplicates(["action", "activity"])
    dup = good["action"].duplicated(keep=False)
    col.add(
        Problem("duplicate_action", loaded.label, "action", int(dup.sum()), examples_of(good[dup]))
    )
    return pd.DataFrame(good[~dup].reset_index(drop=True)[["action", "activity"]])


def wall_to_instants(
    values: np.ndarray, has_offset: np.ndarray, rules: ZoneRules
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Instants of µs values (instants where ``has_offset``, wall-clock times elsewhere), with
    masks of ambiguous and nonexistent wall-clock times."""
    instants, ambiguous, nonexistent = rules.instants(values)
    keep = np.asarray(has_offset, dtype=bool)
    return (
        np.where(keep, values, instants),
        ambiguous & ~keep,
        nonexistent & ~keep,
    )


def rules_for(zone: str, lo: int | None, hi: int | None) -> ZoneRules:
    """The zone's offsets over the years from ``lo`` to ``hi`` (µs; any year when unknown)."""
    if lo is None or hi is None:
        return zone_rules(zone)
    first, last = years_of(lo, hi)
    return zone_rules(zone, first, last)


def add_time_problems(
    col: Collector,
    label: str,
    column: str,
    ambiguous: np.ndarray,
    nonexistent: np.ndarray,
    raw: pd.DataFrame,
) -> None:
    """Report ambiguous and nonexistent wall-clock times (informational: rows are kept)."""
    for kind, mask in (
        ("ambiguous_local_time", ambiguous),
        ("nonexistent_local_time", nonexistent),
    ):
        col.add(Problem(kind, label, column, int(mask.sum()), examples_of(raw[mask]), False))


def check_schedule(loaded: Loaded, col: Collector, zone: str, engine: str) -> pd.DataFrame:
    """Validate sessions; return ``clinician_id, start_us, end_us`` (instants) of the good ones."""
    t = loaded.table
    s_v, s_off = parse_time(t.start, engine)
    e_v, e_off = parse_time(t.end, engine)
    frame = t.mutate(_s=s_v, _so=s_off, _e=e_v, _eo=e_off).execute()
    raw = frame[["clinician_id", "start", "end"]]
    for name, key in (("start", "_s"), ("end", "_e")):
        bad = frame[key].isna()
        col.add(
            Problem(
                "unparseable_timestamp", loaded.label, name, int(bad.sum()), examples_of(raw[bad])
            )
        )
    no_id = frame["clinician_id"].isna() | (frame["clinician_id"].str.strip() == "")
    col.add(
        Problem(
            "missing_value", loaded.label, "clinician_id", int(no_id.sum()), examples_of(raw[no_id])
        )
    )
    ok = frame[~no_id & frame["_s"].notna() & frame["_e"].notna()].copy()
    values = np.concatenate([ok["_s"].to_numpy("int64"), ok["_e"].to_numpy("int64")])
    rules = rules_for(
        zone, int(values.min()) if len(values) else None, int(values.max()) if len(values) else None
    )
    ok["start_us"], amb_s, non_s = wall_to_instants(
        ok["_s"].to_numpy("int64"), ok["_so"].to_numpy(bool), rules
    )
    ok["end_us"], amb_e, non_e = wall_to_instants(
        ok["_e"].to_numpy("int64"), ok["_eo"].to_numpy(bool), rules
    )
    shown = ok[raw.columns]
    add_time_problems(col, loaded.label, "start", amb_s, non_s, shown)
    add_time_problems(col, loaded.label, "end", amb_e, non_e, shown)
    neg = ok["end_us"] <= ok["start_us"]
    col.add(
        Problem(
            "negative_session",
            loaded.label,
            "end",
            int(neg.sum()),
            examples_of(ok.loc[neg, raw.columns]),
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
            examples_of(ok.loc[over, raw.columns]),
        )
    )
    return pd.DataFrame(ok.loc[~over, ["clinician_id", "start_us", "end_us"]]).reset_index(
        drop=True
    )


def count_and_examples(
    table: ir.Table,
    conditions: dict[str, ir.BooleanValue],
    show: list[str],
    extra: dict[str, ir.Value] | None = None,
) -> tuple[dict[str, tuple[int, tuple[dict[str, str], ...]]], dict[str, Any]]:
    """One pass counting every condition (and the ``extra`` aggregates), then up to five
    example rows for each condition that holds somewhere."""
    aggs: dict[str, ir.Value] = {k: c.cast("int64").sum() for k, c in conditions.items()}
    aggs.update(extra or {})
    counts = table.aggregate(**aggs).execute()
    out: dict[str, tuple[int, tuple[dict[str, str], ...]]] = {}
    for key, cond in conditions.items():
        value = counts[key].iloc[0] if len(counts) else 0
        n = 0 if pd.isna(value) else int(value)
        examples: tuple[dict[str, str], ...] = ()
        if n:
            examples = examples_of(table.filter(cond).select(*show).limit(N_EXAMPLES).execute())
        out[key] = (n, examples)
    values = {}
    for key in extra or {}:
        value = counts[key].iloc[0] if len(counts) else None
        values[key] = None if value is None or pd.isna(value) else int(value)
    return out, values


def blank(value: ir.StringValue) -> ir.BooleanValue:
    return value.isnull() | (value.strip() == "")


@dataclass(frozen=True)
class Timed:
    """An engine table whose time column became instants, with their range."""

    table: ir.Table
    lo: int | None
    hi: int | None


def _instants(
    t: ir.Table,
    keep: ir.BooleanValue,
    zone: str,
    lo: int | None,
    hi: int | None,
    label: str,
    column: str,
    show: list[str],
    col: Collector,
) -> tuple[ir.Table, ir.IntegerValue]:
    """``t`` with ``_t``: the instant of ``_v`` (already one where ``_off``), on kept rows."""
    rules = rules_for(zone, lo, hi)
    if rules.fixed or lo is None or hi is None:
        return t, t._v - int(rules.offsets[0]) * (~t._off).cast("int64")
    day = 86_400_000_000
    if not rules.between(lo - 2 * day, hi + 2 * day)[0]:  # one offset over the whole range
        offset = int(rules.local(np.array([lo]))[0] - lo)
        return t, t._v - offset * (~t._off).cast("int64")
    wall = instant_expr(t._v, rules, lo, hi)
    ambiguous, nonexistent = ambiguity_exprs(t._v, rules, lo, hi)
    found, _ = count_and_examples(
        t.filter(keep & ~t._off),
        {"ambiguous": ambiguous, "nonexistent": nonexistent},
        show,
    )
    for kind, key in (
        ("ambiguous_local_time", "ambiguous"),
        ("nonexistent_local_time", "nonexistent"),
    ):
        col.add(Problem(kind, label, column, *found[key], excluded=False))
    return t, ibis.ifelse(t._off, t._v, wall)


def check_events(
    loaded: Loaded,
    sessions: pd.DataFrame,
    actions: pd.DataFrame,
    col: Collector,
    zone: str,
    engine: str,
) -> Timed:
    """Validate events in one engine pass; return the good rows with their instant ``t``."""
    raw = loaded.table
    v, off = parse_time(raw.event_time, engine)
    t = raw.mutate(_v=v, _off=off)
    scheduled = ibis.memtable(pd.DataFrame({"clinician_id": sessions["clinician_id"].unique()}))
    known = ibis.memtable(pd.DataFrame({"action": actions["action"].astype(str)}))
    bad_time = t._v.isnull()
    no_id = blank(t.clinician_id)
    no_action = blank(t.action)
    unscheduled = ~no_id & ~t.clinician_id.isin(scheduled.clinician_id)
    unmapped = ~no_action & ~t.action.isin(known.action)
    conditions = {
        "bad_time": bad_time,
        "no_id": no_id,
        "no_action": no_action,
        "unscheduled": unscheduled,
        "unmapped": unmapped,
    }
    show = ["clinician_id", "event_time", "action"]
    found, span = count_and_examples(t, conditions, show, {"lo": t._v.min(), "hi": t._v.max()})
    lab = loaded.label
    col.add(Problem("unparseable_timestamp", lab, "event_time", *found["bad_time"]))
    col.add(Problem("missing_value", lab, "clinician_id", *found["no_id"]))
    col.add(Problem("missing_value", lab, "action", *found["no_action"]))
    col.add(Problem("unscheduled_clinician", lab, "clinician_id", *found["unscheduled"]))
    col.add(Problem("unmapped_action", lab, "action", *found["unmapped"], excluded=False))
    if found["unmapped"][0]:
        rows = t.filter(unmapped)
        top = rows.group_by("action").aggregate(n=rows.count())
        frame = top.order_by(ibis.desc("n")).limit(UNMAPPED_LISTED).execute()
        col.unmapped.update(zip(frame["action"].astype(str), frame["n"].astype(int), strict=True))
    keep = ~(bad_time | no_id | no_action | unscheduled)
    t, instant = _instants(t, keep, zone, span["lo"], span["hi"], lab, "event_time", show, col)
    good = t.filter(keep).select("clinician_id", "action", t=instant)
    return Timed(good, span["lo"], span["hi"])


def check_orders(loaded: Loaded, col: Collector, zone: str, engine: str) -> Timed:
    """Validate orders in one engine pass; return the good rows with their instant ``t``."""
    raw = loaded.table
    v, off = parse_time(raw.event_time, engine)
    t = raw.mutate(_v=v, _off=off)
    conditions = {
        "bad_time": t._v.isnull(),
        "no_id": blank(t.clinician_id),
        "no_entered": blank(t.entered_by),
    }
    show = ["order_id", "clinician_id", "entered_by", "event_time"]
    found, span = count_and_examples(t, conditions, show, {"lo": t._v.min(), "hi": t._v.max()})
    col.add(Problem("unparseable_timestamp", loaded.label, "event_time", *found["bad_time"]))
    col.add(Problem("missing_value", loaded.label, "clinician_id", *found["no_id"]))
    col.add(Problem("missing_value", loaded.label, "entered_by", *found["no_entered"]))
    keep = ~(conditions["bad_time"] | conditions["no_id"] | conditions["no_entered"])
    t, instant = _instants(
        t, keep, zone, span["lo"], span["hi"], loaded.label, "event_time", show, col
    )
    good = t.filter(keep).select("clinician_id", "entered_by", t=instant)
    return Timed(good, span["lo"], span["hi"])


def check_messages(loaded: Loaded, col: Collector, zone: str, engine: str) -> Timed:
    """Validate received messages; return ``clinician_id, t, message_type`` of the good rows."""
    raw = loaded.table
    v, off = parse_time(raw.received_time, engine)
    t = raw.mutate(_v=v, _off=off)
    conditions = {"bad_time": t._v.isnull(), "no_id": blank(t.clinician_id)}
    show = ["clinician_id", "received_time"]
    found, span = count_and_examples(t, conditions, show, {"lo": t._v.min(), "hi": t._v.max()})
    col.add(Problem("unparseable_timestamp", loaded.label, "received_time", *found["bad_time"]))
    col.add(Problem("missing_value", loaded.label, "clinician_id", *found["no_id"]))
    keep = ~(conditions["bad_time"] | conditions["no_id"])
    t, instant = _instants(
        t, keep, zone, span["lo"], span["hi"], loaded.label, "received_time", show, col
    )
    kind = (
        t.message_type.strip().fill_null("")
        if "message_type" in t.columns
        else ibis.literal("", "string")
    )
    good = t.filter(keep).select("clinician_id", t=instant, message_type=kind)
    return Timed(good, span["lo"], span["hi"])
