"""One pass over events already sorted by clinician and time (the fast engine).

Audit-log extracts are usually written one clinician after another, in time order. For such a
Parquet file, sorting again — what a SQL window ``PARTITION BY clinician ORDER BY time`` does —
is wasted work: each clinician's gaps can be taken in one pass over the file. This module reads
the file row group by row group (the next one is read on a second thread while the current one
is computed), with the clinician and action columns as Parquet dictionaries (each distinct text
handled once, not once per row), checks every event as :mod:`clinwell.ehr.validate` does, and
adds each event's credit to its clinician's local day, with numpy:

- credit of event *i*: ``t[i+1] − t[i]`` when the next event is the same clinician's, dropped
  or capped above the idle timeout, 0 for a clinician's last event; events at the same instant
  are ordered by activity, so the gap goes to the highest activity code of the tie, exactly as
  the general engine's ``ORDER BY t, code``;
- outside work: the event's instant lies in none of the clinician's merged sessions
  (``searchsorted``), or outside the clock window in local time.

The last events of a row group wait for the next one (their gap is not known yet), so row-group
boundaries change nothing. The result is the general engine's daily sums, exactly.

If the file turns out not to be sorted (a clinician reappears after another one, or time goes
backwards within a clinician), the scan stops and the caller runs the general engine instead:
the row groups' statistics usually tell before anything is read.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from clinwell.ehr.assemble import EVENT_SUMS
from clinwell.ehr.metrics import OTHER, US_PER_DAY, US_PER_MINUTE, merged_sessions
from clinwell.ehr.params import ACTIVITIES, TIME_ACTIVITIES, MetricParams
from clinwell.ehr.problems import Problem
from clinwell.ehr.validate import N_EXAMPLES, rules_for
from clinwell.ehr.zones import ZoneRules

COLUMNS = ("clinician_id", "event_time", "action")
EPOCH_WEEKDAY = 3
N_CODES = len(ACTIVITIES)


PROBLEM_ORDER = (
    "unparseable_timestamp",
    "missing_value",
    "unscheduled_clinician",
    "unmapped_action",
    "ambiguous_local_time",
    "nonexistent_local_time",
)


class Unsorted(Exception):
    """The events are not sorted by clinician and time: use the general engine."""


@dataclass
class ScanResult:
    """Daily sums, the last event of every clinician, the instants' range, the problems."""

    daily: pd.DataFrame
    tails: pd.DataFrame
    lo: int | None
    hi: int | None
    problems: list[Problem]
    events: int
    row_groups: int
    unmapped: dict[str, int]


def scannable(source: Any, events_format: str) -> pq.ParquetFile | None:
    """The Parquet file to scan, or None when ``source`` is not a canonical Parquet file with a
    typed timestamp column (CSV, DataFrames, Clarity extracts and text times use the general
    engine)."""
    if events_format == "clarity" or not isinstance(source, str | Path):
        return None
    path = Path(source)
    if not path.is_file() or path.suffix.lower() not in (".parquet", ".pq"):
        return None
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowInvalid):
        return None
    by_lower = {name.lower(): name for name in schema.names}
    if not all(c in by_lower for c in COLUMNS):
        return None
    if not pa.types.is_timestamp(schema.field(by_lower["event_time"]).type):
        return None
    names = [by_lower[c] for c in COLUMNS]
    for name in (names[0], names[2]):
        kind = schema.field(name).type
        text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
        if not text and not pa.types.is_dictionary(kind):
            return None
    pf = pq.ParquetFile(path, read_dictionary=[names[0], names[2]])
    pf._clinwell_path = str(path)  # to reopen it per thread
    pf._clinwell_dictionaries = [names[0], names[2]]
    return pf


def _column_indices(pf: pq.ParquetFile) -> list[int]:
    by_lower = {name.lower(): i for i, name in enumerate(pf.schema_arrow.names)}
    return [by_lower[c] for c in COLUMNS]


def _sorted_by_statistics(pf: pq.ParquetFile) -> bool:
    """False when two row groups' clinician ranges overlap (the file is not sorted by
    clinician); True when they do not or the statistics are missing."""
    meta = pf.metadata
    col = _column_indices(pf)[0]
    previous_max = None
    for i in range(meta.num_row_groups):
        stats = meta.row_group(i).column(col).statistics
        if stats is None or not stats.has_min_max:
            return True
        lo, hi = stats.min, stats.max
        if previous_max is not None and lo < previous_max:
            return False
        previous_max = hi
    return True


def _time_range(pf: pq.ParquetFile) -> tuple[int | None, int | None]:
    """Smallest and largest event time (µs, as stored) from the row groups' statistics."""
    meta = pf.metadata
    col = _column_indices(pf)[1]
    lo = hi = None
    for i in range(meta.num_row_groups):
        stats = meta.row_group(i).column(col).statistics
        if stats is None or not stats.has_min_max:
            return None, None
        a, b = pd.Timestamp(stats.min), pd.Timestamp(stats.max)
        a_us, b_us = a.value // 1000, b.value // 1000
        lo = a_us if lo is None else min(lo, a_us)
        hi = b_us if hi is None else max(hi, b_us)
    return lo, hi


@dataclass
class _Flags:
    """Counts and first examples of each kind of bad row."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def add(self, key: str, mask: np.ndarray, rows: Any, offset: int) -> None:
        n = int(mask.sum())
        if not n:
            return
        self.counts[key] = self.counts.get(key, 0) + n
        found = self.examples.setdefault(key, [])
        if len(found) < N_EXAMPLES:
            for i in np.flatnonzero(mask)[: N_EXAMPLES - len(found)]:
                found.append(rows(int(i), offset))


class _Scanner:
    def __init__(
        self,
        pf: pq.ParquetFile,
        label: str,
        sessions: pd.DataFrame,
        actions: pd.DataFrame,
        params: MetricParams,
        tails: pd.DataFrame | None,
        plan: list[tuple[int, int, int | None]] | None = None,
    ) -> None:
        self.pf, self.label, self.params = pf, label, params
        self.plan = (
            plan if plan is not None else [(i, 0, None) for i in range(pf.metadata.num_row_groups)]
        )
        self.amap = dict(
            zip(
                actions["action"].astype(str),
                actions["activity"].map(ACTIVITIES.index).astype("int64"),
                strict=True,
            )
        )
        self.scheduled = set(sessions["clinician_id"].astype(str))
        self.gid: dict[str, int] = {}
        self.names: list[str] = []
        merged = merged_sessions(sessions, params.buffer_minutes)
        # each clinician's merged sessions as one sorted list of bounds lo0, hi0, lo1, hi1, ...:
        # an instant is inside a session when an odd number of bounds are <= it
        self.session_by_name = {
            str(cid): np.column_stack(
                [g["lo"].to_numpy("int64"), g["hi"].to_numpy("int64")]
            ).ravel()
            for cid, g in merged.groupby("clinician_id", sort=False)
        }
        self.finished = np.zeros(0, dtype=bool)
        self.tail_rows: dict[int, tuple[int, int]] = {}
        if tails is not None:
            for cid, t, code in zip(tails["clinician_id"], tails["t"], tails["code"], strict=True):
                self.tail_rows[self._id(str(cid))] = (int(t), int(code))
        self.flags = _Flags()
        self.unmapped: dict[str, int] = {}
        self.out: list[dict[str, np.ndarray]] = []
        self.last: dict[int, tuple[int, int]] = {}
        self.carry = {k: np.zeros(0, dtype=np.int64) for k in ("g", "t", "code", "counted")}
        self.lo: int | None = None
        self.hi: int | None = None
        self.events = 0
        time_type = pf.schema_arrow.field(_column_indices(pf)[1]).type
        self.zoned = time_type.tz is not None
        lo, hi = _time_range(pf)
        self.rules: ZoneRules = rules_for(params.time_zone, lo, hi)

    def _id(self, name: str) -> int:
        gid = self.gid.get(name)
        if gid is None:
            gid = self.gid[name] = len(self.names)
            self.names.append(name)
            if gid >= len(self.finished):
                self.finished = np.concatenate([self.finished, np.zeros(max(64, gid), bool)])
        return gid

    # -- reading ---------------------------------------------------------------------------
    def _batches(self) -> Iterator[tuple[int, pa.Table]]:
        """The planned row groups (or slices of them), each with the file row of its first row;
        the next one is read on a second thread while this one is computed."""
        cols = _column_indices(self.pf)
        names = [self.pf.schema_arrow.names[i] for i in cols]
        meta = self.pf.metadata
        firsts = np.concatenate(
            [[0], np.cumsum([meta.row_group(i).num_rows for i in range(meta.num_row_groups)])]
        )
        plan = self.plan
        with ThreadPoolExecutor(max_workers=1) as pool:
            read = self.pf.read_row_group
            ahead = pool.submit(read, plan[0][0], columns=names) if plan else None
            for k, (group, start, stop) in enumerate(plan):
                assert ahead is not None
                table = ahead.result()
                if k + 1 < len(plan):
                    ahead = pool.submit(read, plan[k + 1][0], columns=names)
                if start or stop is not None:
                    table = table.slice(
                        start, (stop if stop is not None else table.num_rows) - start
                    )
                yield int(firsts[group]) + start, table

    @staticmethod
    def _dictionary(col: pa.ChunkedArray) -> tuple[np.ndarray, list[Any]]:
        arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
        if not pa.types.is_dictionary(arr.type):
            arr = pc.dictionary_encode(arr)
        indices = arr.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        return indices, arr.dictionary.to_pylist()

    # -- one row group ---------------------------------------------------------------------
    def chunk(self, offset: int, table: pa.Table) -> None:
        c_idx, c_names = self._dictionary(table.column(0))
        a_idx, a_names = self._dictionary(table.column(2))
        times = table.column(1)
        time_arr = times.combine_chunks() if times.num_chunks != 1 else times.chunk(0)
        unit_arr = pc.cast(time_arr, pa.timestamp("us", time_arr.type.tz), safe=False)
        if unit_arr.null_count:
            bad_time = unit_arr.is_null().to_numpy(zero_copy_only=False)
            unit_arr = unit_arr.fill_null(0)
        else:
            bad_time = np.zeros(len(unit_arr), dtype=bool)
        values = unit_arr.to_numpy(zero_copy_only=False).view(np.int64)

        c_blank = np.array([v is None or not str(v).strip() for v in c_names] + [True])
        c_gid = np.array([self._id(str(v)) if v is not None else -1 for v in c_names] + [-1])
        c_sched = np.array([str(v) in self.scheduled for v in c_names] + [True])
        a_blank = np.array([v is None or not str(v).strip() for v in a_names] + [True])
        a_code = np.array([self.amap.get(str(v), OTHER) for v in a_names] + [OTHER])
        a_unmapped = np.array([str(v) not in self.amap for v in a_names] + [False])

        no_id = c_blank[c_idx]
        no_action = a_blank[a_idx]
        unscheduled = ~no_id & ~c_sched[c_idx]
        unmapped = ~no_action & a_unmapped[a_idx]
        if a_unmapped.any():
            per_entry = np.bincount(a_idx[unmapped], minlength=len(a_names))
            for entry in np.flatnonzero(per_entry):
                name = str(a_names[entry])
                self.unmapped[name] = self.unmapped.get(name, 0) + int(per_entry[entry])

        def row(i: int, base: int) -> dict[str, str]:
            cid = c_names[c_idx[i]] if c_idx[i] >= 0 else None
            act = a_names[a_idx[i]] if a_idx[i] >= 0 else None
            when = "" if bad_time[i] else str(pd.Timestamp(values[i], unit="us"))
            return {
                "row": str(base + i + 1),
                "clinician_id": "" if cid is None else str(cid),
                "event_time": when,
                "action": "" if act is None else str(act),
            }

        for key, mask in (
            ("bad_time", bad_time),
            ("no_id", no_id),
            ("no_action", no_action),
            ("unscheduled", unscheduled),
            ("unmapped", unmapped),
        ):
            self.flags.add(key, mask, row, offset)
        keep = ~(bad_time | no_id | no_action | unscheduled)
        every = bool(keep.all())
        t = values if every else values[keep]
        if not self.zoned and not self.rules.fixed:
            t, ambiguous, nonexistent = self.rules.instants(t)
            kept_rows = np.flatnonzero(keep)
            self.flags.add("ambiguous", ambiguous, lambda i, b: row(int(kept_rows[i]), b), offset)
            self.flags.add(
                "nonexistent", nonexistent, lambda i, b: row(int(kept_rows[i]), b), offset
            )
        elif not self.zoned:
            t = t - self.rules.offsets[0]
        g = c_gid[c_idx] if every else c_gid[c_idx[keep]]
        code = a_code[a_idx] if every else a_code[a_idx[keep]]
        self.events += len(t)
        if len(t):
            lo, hi = int(t.min()), int(t.max())
            self.lo = lo if self.lo is None else min(self.lo, lo)
            self.hi = hi if self.hi is None else max(self.hi, hi)
        self._credit(g, t, code, np.ones(len(t), dtype=np.int64), final=False)

    def _with_tails(
        self, g: np.ndarray, t: np.ndarray, code: np.ndarray, counted: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        """Put each previous run's last event (``tails``) before its clinician's first event."""
        if not self.tail_rows or not len(g):
            return g, t, code, counted
        starts = np.flatnonzero(np.concatenate([[True], g[1:] != g[:-1]]))
        at, rows = [], []
        for s in starts:
            tail = self.tail_rows.pop(int(g[s]), None)
            if tail is not None:
                at.append(s)
                rows.append((int(g[s]), *tail))
        if not at:
            return g, t, code, counted
        where = np.array(at)
        tg, tt, tc = (np.array([r[k] for r in rows], dtype=np.int64) for k in range(3))
        return (
            np.insert(g, where, tg),
            np.insert(t, where, tt),
            np.insert(code, where, tc),
            np.insert(counted, where, 0),
        )

    def _credit(
        self, g: np.ndarray, t: np.ndarray, code: np.ndarray, counted: np.ndarray, final: bool
    ) -> None:
        g, t, code, counted = self._with_tails(g, t, code, counted)
        g = np.concatenate([self.carry["g"], g])
        t = np.concatenate([self.carry["t"], t])
        code = np.concatenate([self.carry["code"], code])
        counted = np.concatenate([self.carry["counted"], counted])
        n = len(g)
        if n == 0:
            return
        same = g[1:] == g[:-1]
        gap = t[1:] - t[:-1]
        if np.any(same & (gap < 0)):
            raise Unsorted("time goes backwards within a clinician")
        run_starts = np.flatnonzero(np.concatenate([[True], ~same]))
        run_ids = g[run_starts]
        first_continues = len(self.carry["g"]) > 0 and run_ids[0] == self.carry["g"][-1]
        new_runs = run_ids[1:] if first_continues else run_ids
        if len(np.unique(run_ids)) != len(run_ids) or self.finished[new_runs].any():
            raise Unsorted("a clinician's events are not contiguous")
        self.finished[run_ids[:-1]] = True
        if final:
            m = n
        else:
            last_g, last_t = g[-1], t[-1]
            tail_len = 1
            while tail_len < n and g[n - 1 - tail_len] == last_g and t[n - 1 - tail_len] == last_t:
                tail_len += 1
            m = n - tail_len
        self.carry = {
            "g": g[m:].copy(),
            "t": t[m:].copy(),
            "code": code[m:].copy(),
            "counted": counted[m:].copy(),
        }
        if m == 0:
            return
        code = code.copy()
        tie = same[: m - 1] & (gap[: m - 1] == 0)  # rows k and k+1 at the same instant
        if tie.any():
            new_group = np.concatenate([[True], ~tie])
            starts = np.flatnonzero(new_group)
            code[:m] = np.maximum.reduceat(code[:m], starts)[np.cumsum(new_group) - 1]
        timeout = self.params.idle_timeout * 1_000_000
        idle = timeout if self.params.gap_rule == "cap" else 0
        nxt_same = same[:m] if m < n else np.append(same, False)[:m]
        g_m, t_m, c_m, k_m = g[:m], t[:m], code[:m], counted[:m]
        step = np.append(gap, 0)[:m]
        credit = step.copy()
        credit[step > timeout] = idle
        credit[~nxt_same] = 0
        local = self.rules.local(t_m)
        day = local // US_PER_DAY
        outside = self._outside(g_m, t_m, local, day)
        # (clinician, day) segments are contiguous. Per segment and activity the credits are
        # summed by bincount in float64, exact while a sum stays below 2**53 µs (285 years).
        change = np.concatenate([[True], (g_m[1:] != g_m[:-1]) | (day[1:] != day[:-1])])
        starts = np.flatnonzero(change)
        seg = np.cumsum(change) - 1
        nseg = len(starts)
        by_code = np.bincount(seg * N_CODES + c_m, weights=credit, minlength=nseg * N_CODES)
        by_code = np.rint(by_code).astype(np.int64).reshape(nseg, N_CODES)
        outside_credit = np.bincount(seg, weights=np.where(outside, credit, 0), minlength=nseg)
        sums: dict[str, np.ndarray] = {
            "g": g_m[starts],
            "day": day[starts],
            "n_events": np.add.reduceat(k_m, starts),
            "ehr_us": by_code.sum(axis=1),
            "wow_us": np.rint(outside_credit).astype(np.int64),
        }
        for name in TIME_ACTIVITIES:
            sums[f"{name}_us"] = by_code[:, ACTIVITIES.index(name)]
        self.out.append(sums)
        ends = np.flatnonzero(np.append(g_m[1:] != g_m[:-1], True))
        for e in ends:
            self.last[int(g_m[e])] = (int(t_m[e]), int(c_m[e]))

    def _outside(
        self, g: np.ndarray, t: np.ndarray, local: np.ndarray, day: np.ndarray
    ) -> np.ndarray:
        p = self.params
        if p.wow_mode == "clock":
            start = _minutes(p.clock_start) * US_PER_MINUTE
            end = _minutes(p.clock_end) * US_PER_MINUTE
            tod = local - day * US_PER_DAY
            dow = (day + EPOCH_WEEKDAY) % 7
            inside = np.isin(dow, list(p.clock_days)) & (tod >= start) & (tod < end)
            return np.asarray(~inside, dtype=bool)
        outside = np.ones(len(t), dtype=bool)
        bounds = np.flatnonzero(np.concatenate([[True], g[1:] != g[:-1], [True]]))
        for a, b in itertools.pairwise(bounds):
            edges = self.session_by_name.get(self.names[int(g[a])])
            if edges is not None:  # [lo, hi): inside when an odd number of edges are <= t
                outside[a:b] = np.searchsorted(edges, t[a:b], side="right") % 2 == 0
        return outside

    def run(self) -> ScanResult:
        groups = 0
        for offset, table in self._batches():
            self.chunk(offset, table)
            groups += 1
        empty = np.zeros(0, dtype=np.int64)
        self._credit(empty, empty, empty, empty, final=True)
        return ScanResult(
            self._daily(),
            self._tails(),
            self.lo,
            self.hi,
            self._problems(),
            self.events,
            groups,
            self.unmapped,
        )

    def _daily(self) -> pd.DataFrame:
        cols = ["g", "day", *EVENT_SUMS]
        if not self.out:
            frame = pd.DataFrame({c: pd.Series(dtype="int64") for c in cols})
        else:
            frame = pd.DataFrame({c: np.concatenate([o[c] for o in self.out]) for c in cols})
        frame = frame.groupby(["g", "day"], as_index=False, sort=False)[list(EVENT_SUMS)].sum()
        names = np.array(self.names, dtype=object)
        frame.insert(0, "clinician_id", names[frame["g"].to_numpy("int64")] if len(frame) else [])
        return frame.drop(columns="g")

    def _tails(self) -> pd.DataFrame:
        gids = sorted(self.last)
        return pd.DataFrame(
            {
                "clinician_id": [self.names[g] for g in gids],
                "t": np.array([self.last[g][0] for g in gids], dtype=np.int64),
                "code": np.array([self.last[g][1] for g in gids], dtype=np.int64),
            }
        )

    def _problems(self) -> list[Problem]:
        lab = self.label
        spec = (
            ("bad_time", "unparseable_timestamp", "event_time", True),
            ("no_id", "missing_value", "clinician_id", True),
            ("no_action", "missing_value", "action", True),
            ("unscheduled", "unscheduled_clinician", "clinician_id", True),
            ("unmapped", "unmapped_action", "action", False),
            ("ambiguous", "ambiguous_local_time", "event_time", False),
            ("nonexistent", "nonexistent_local_time", "event_time", False),
        )
        return [
            Problem(
                kind,
                lab,
                column,
                self.flags.counts[key],
                tuple(self.flags.examples.get(key, ())),
                excluded,
            )
            for key, kind, column, excluded in spec
            if self.flags.counts.get(key)
        ]


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def scan_events(
    pf: pq.ParquetFile,
    label: str,
    sessions: pd.DataFrame,
    actions: pd.DataFrame,
    params: MetricParams,
    tails: pd.DataFrame | None = None,
    threads: int = 1,
) -> ScanResult:
    """Daily sums of a sorted Parquet file in one pass; raise :class:`Unsorted` otherwise.

    The Parquet reader decompresses on its own threads and the next row group is read while
    this one is computed. With ``threads=2`` and enough row groups the file is also cut in two
    at a change of clinician near its middle and each part scanned on its own thread (no
    clinician spans the cut, so the parts' daily sums add up); on the shared 2-core project
    machine that was slower than one thread (docs/performance.md), so it is not the default.
    """
    if not _sorted_by_statistics(pf):
        raise Unsorted("row groups overlap in clinician ids")
    plans = _split(pf) if threads > 1 else None
    if plans is None:
        result = _Scanner(pf, label, sessions, actions, params, tails).run()
    else:
        with ThreadPoolExecutor(max_workers=len(plans)) as pool:
            parts = list(
                pool.map(
                    lambda plan: _Scanner(
                        _reopen(pf), label, sessions, actions, params, tails, plan
                    ).run(),
                    plans,
                )
            )
        result = _combine(parts)
    if tails is not None and len(tails):  # clinicians without new events keep their last one
        absent = tails[~tails["clinician_id"].astype(str).isin(result.tails["clinician_id"])]
        result.tails = pd.concat([result.tails, absent], ignore_index=True)
    return result


def _reopen(pf: pq.ParquetFile) -> pq.ParquetFile:
    """The same file opened again, so that each thread has its own reader."""
    return pq.ParquetFile(
        pf._clinwell_path,
        read_dictionary=pf._clinwell_dictionaries,
    )


def _split(pf: pq.ParquetFile) -> list[list[tuple[int, int, int | None]]] | None:
    """Two plans of (row group, start, stop) cut at the first change of clinician at or after
    the middle row group, or None when the file is too small or no such change exists."""
    n = pf.metadata.num_row_groups
    if n < 4:
        return None
    col = pf.schema_arrow.names[_column_indices(pf)[0]]
    previous_last = pf.read_row_group(n // 2 - 1, columns=[col]).column(0).to_pylist()[-1]
    for group in range(n // 2, n):
        ids = pf.read_row_group(group, columns=[col]).column(0).to_pylist()
        cut: int | None = 0
        if not ids or ids[0] == previous_last:
            cut = next((i for i in range(1, len(ids)) if ids[i] != ids[0]), None)
        if cut is not None:
            Plan = list[tuple[int, int, int | None]]
            first: Plan = [(i, 0, None) for i in range(group)]
            if cut:
                first.append((group, 0, cut))
            second: Plan = [(group, cut, None)]
            second.extend((i, 0, None) for i in range(group + 1, n))
            return [first, second]
        previous_last = ids[-1] if ids else previous_last
    return None


def _combine(parts: list[ScanResult]) -> ScanResult:
    """Two parts' results as one; a clinician in both parts means the file is not sorted."""
    names = [set(p.tails["clinician_id"]) for p in parts]
    if names[0] & names[1]:
        raise Unsorted("a clinician's events are not contiguous")
    problems: dict[tuple[str, str, str], Problem] = {}
    for part in parts:
        for p in part.problems:
            key = (p.kind, p.source, p.column)
            if key in problems:
                q = problems[key]
                examples = (q.examples + p.examples)[:N_EXAMPLES]
                problems[key] = Problem(
                    p.kind, p.source, p.column, q.count + p.count, examples, p.excluded
                )
            else:
                problems[key] = p
    unmapped: dict[str, int] = {}
    for part in parts:
        for k, v in part.unmapped.items():
            unmapped[k] = unmapped.get(k, 0) + v
    los = [p.lo for p in parts if p.lo is not None]
    his = [p.hi for p in parts if p.hi is not None]
    order = {kind: i for i, kind in enumerate(PROBLEM_ORDER)}
    return ScanResult(
        pd.concat([p.daily for p in parts], ignore_index=True),
        pd.concat([p.tails for p in parts], ignore_index=True),
        min(los) if los else None,
        max(his) if his else None,
        sorted(problems.values(), key=lambda p: (order.get(p.kind, 99), p.column)),
        sum(p.events for p in parts),
        sum(p.row_groups for p in parts),
        unmapped,
    )
