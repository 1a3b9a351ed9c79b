"""Benchmark: EHR-use metrics on synthetic audit logs.

Contenders, each run in its own process so that peak memory (max RSS) is its own:

- ``cli``: the whole ``clinwell ehr metrics`` command as a user runs it (start-up, reading,
  validation, metrics, writing the Parquet output, its sidecar and state), timed from outside;
- ``sql-cli``: the hand-written DuckDB SQL (``benchmarks/ehr_hand_sql.py``) as a whole process
  too (Python start-up, ``import duckdb`` and nothing else, the query, ``COPY ... TO`` a
  Parquet file), timed from outside;
- ``ours``: :func:`clinwell.ehr.compute_metrics` in process (validation + metrics);
- ``sql``: the hand-written DuckDB SQL query in process (same definitions, no validation);
- ``pandas``: a per-clinician pandas loop in the style of published research code
  (sslou/publications 2021_burnout_lmm/measure_access_logs.py), vectorized within each
  clinician, on a subsample of clinicians (``--sample-clinicians``), extrapolated linearly;
- ``pandas-rows``: the same loop walking rows with ``iterrows`` as that code does.

Usage::

    python benchmarks/bench_ehr.py generate --clinicians 1000 --days 190 -o var/bench/ehr100m
    python benchmarks/bench_ehr.py run ours   var/bench/ehr100m [--memory-limit 8GB]
    python benchmarks/bench_ehr.py run sql    var/bench/ehr100m [--memory-limit 8GB]
    python benchmarks/bench_ehr.py run pandas var/bench/ehr100m --sample-clinicians 20
    python benchmarks/bench_ehr.py all var/bench/ehr100m --sample-clinicians 20
    python benchmarks/bench_ehr.py whole var/bench/ehr20m --repeat 3   # cli vs sql-cli, alternating

Each run prints one JSON line: seconds, events, events per second, peak RSS, and whether the
result equals the planted ground truth.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from clinwell.ehr import compute_metrics
from clinwell.synth.audit_log import AuditLogSpec, write_audit_log

sys.path.insert(0, str(Path(__file__).parent))
from ehr_hand_sql import HAND_SQL

TIMEOUT_S = 300
ACTIVITY_CODES = {"note": 0, "inbox": 1, "order": 2, "prescription": 3, "chart_review": 4}


def peak_rss_mib() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def count_events(d: Path) -> int:
    return int(pq.ParquetFile(d / "events.parquet").metadata.num_rows)


def matches_truth(d: Path, got: pd.DataFrame, cols: list[str]) -> bool:
    truth = pd.read_parquet(d / "truth_week.parquet")
    cols = [c for c in cols if c in truth.columns]
    got = got.sort_values(["clinician_id", "period_start"]).reset_index(drop=True)
    truth = truth.sort_values(["clinician_id", "period_start"]).reset_index(drop=True)
    if len(got) != len(truth):
        return False
    for c in cols:
        if not np.array_equal(
            got[c].to_numpy(dtype=float), truth[c].to_numpy(dtype=float), equal_nan=True
        ):
            return False
    return True


def run_ours(d: Path, memory_limit: str) -> dict[str, object]:
    start = time.perf_counter()
    result = compute_metrics(
        d / "events.parquet",
        d / "schedule.parquet",
        d / "actions.csv",
        d / "orders.parquet",
        memory_limit=memory_limit,
    )
    seconds = time.perf_counter() - start
    ok = matches_truth(d, result.metrics, list(result.metrics.columns[2:]))
    return {"seconds": seconds, "events": result.run["events_counted"], "matches_truth": ok}


def run_sql(d: Path, memory_limit: str) -> dict[str, object]:
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    start = time.perf_counter()
    got = con.execute(HAND_SQL.format(d=d, timeout=300_000_000)).df()
    seconds = time.perf_counter() - start
    cols = [c for c in got.columns if c.endswith("_hours")] + ["teamwork_orders_pct"]
    got["period_start"] = pd.to_datetime(got["period_start"]).dt.date
    return {
        "seconds": seconds,
        "events": count_events(d),
        "matches_truth": matches_truth(d, got, cols),
    }


def whole_command(contender: str, d: Path, out: Path, memory_limit: str) -> dict[str, object]:
    """Run one whole-command contender in a fresh process; wall time and peak RSS (GNU time)."""
    if contender == "cli":
        exe = str(Path(sys.executable).with_name("clinwell"))
        cmd = [exe, "ehr", "metrics", "--events", str(d / "events.parquet")]
        cmd += ["--schedule", str(d / "schedule.parquet"), "--actions", str(d / "actions.csv")]
        cmd += ["--orders", str(d / "orders.parquet"), "--memory-limit", memory_limit]
        cmd += ["-o", str(out)]
    else:
        script = str(Path(__file__).with_name("ehr_hand_sql.py"))
        cmd = [sys.executable, script, str(d), str(out), memory_limit]
    timed = ["/usr/bin/time", "-f", "%e %M", *cmd]
    done = subprocess.run(timed, capture_output=True, text=True, check=True)
    seconds, kib = done.stderr.strip().splitlines()[-1].split()
    got = pd.read_parquet(out)
    if contender == "sql-cli":
        got["period_start"] = pd.to_datetime(got["period_start"]).dt.date
    cols = [c for c in got.columns if c.endswith("_hours")] + ["teamwork_orders_pct"]
    return {
        "contender": contender,
        "seconds": float(seconds),
        "peak_rss_mib": round(int(kib) / 1024, 1),
        "events": count_events(d),
        "matches_truth": matches_truth(d, got, cols),
    }


def pandas_one_clinician(
    ev: pd.DataFrame, sessions: pd.DataFrame, amap: dict[str, str], timeout: int = 300
) -> pd.DataFrame:
    """Per-clinician computation in the style of published research code."""
    ev = ev.sort_values("event_time").reset_index(drop=True)
    ev["activity"] = ev["action"].map(amap).fillna("other")
    delta = ev["event_time"].shift(-1) - ev["event_time"]
    secs = delta.dt.total_seconds()
    ev["credit"] = secs.where(secs <= timeout, 0).fillna(0)
    starts = sessions["start"].sort_values().to_numpy()
    ends = sessions.sort_values("start")["end"].to_numpy()
    times = ev["event_time"].to_numpy()
    idx = np.searchsorted(starts, times, side="right") - 1
    inside = (idx >= 0) & (times < ends[np.clip(idx, 0, None)])
    ev["outside"] = ~inside
    ev["week"] = ev["event_time"].dt.to_period("W-SUN").dt.start_time
    out = ev.groupby("week").agg(ehr=("credit", "sum"))
    out["wow"] = ev[ev["outside"]].groupby("week")["credit"].sum()
    for act in ACTIVITY_CODES:
        out[act] = ev[ev["activity"] == act].groupby("week")["credit"].sum()
    return out.fillna(0)


def rowwise_one_clinician(
    ev: pd.DataFrame, sessions: pd.DataFrame, amap: dict[str, str], timeout: int = 300
) -> dict[tuple[object, str], float]:
    """Row-by-row version (``iterrows``), as in the published research code."""
    ev = ev.sort_values("event_time").reset_index(drop=True)
    spans = list(zip(sessions["start"], sessions["end"], strict=True))
    totals: dict[tuple[object, str], float] = {}
    prev = None
    for _, row in ev.iterrows():
        if prev is not None:
            gap = (row["event_time"] - prev["event_time"]).total_seconds()
            if gap <= timeout:
                week = prev["event_time"].to_period("W-SUN").start_time
                act = amap.get(prev["action"], "other")
                totals[(week, act)] = totals.get((week, act), 0.0) + gap
                if not any(a <= prev["event_time"] < b for a, b in spans):
                    totals[(week, "wow")] = totals.get((week, "wow"), 0.0) + gap
        prev = row
    return totals


def run_pandas(d: Path, sample: int, rowwise: bool = False) -> dict[str, object]:
    start = time.perf_counter()
    clinicians = sorted(
        r[0]
        for r in duckdb.sql(f"SELECT DISTINCT clinician_id FROM '{d}/schedule.parquet'").fetchall()
    )[:sample]
    in_list = ", ".join(f"'{c}'" for c in clinicians)
    events = duckdb.sql(
        f"SELECT * FROM '{d}/events.parquet' WHERE clinician_id IN ({in_list})"
    ).df()
    load_s = time.perf_counter() - start
    schedule = pd.read_parquet(d / "schedule.parquet")
    amap = dict(pd.read_csv(d / "actions.csv").itertuples(index=False, name=None))
    start = time.perf_counter()
    n = 0
    for cid in clinicians:  # the per-clinician loop
        ev = events[events["clinician_id"] == cid]
        n += len(ev)
        one = rowwise_one_clinician if rowwise else pandas_one_clinician
        one(ev, schedule[schedule["clinician_id"] == cid], amap)
    seconds = time.perf_counter() - start
    total = count_events(d)
    return {
        "seconds": seconds,
        "load_seconds": load_s,
        "events": n,
        "total_events": total,
        "extrapolated_seconds": seconds * total / n,
        "extrapolated_seconds_with_load": (seconds + load_s) * total / n,
        "sample_clinicians": len(clinicians),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="cmd", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--clinicians", type=int, required=True)
    gen.add_argument("--days", type=int, required=True)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("-o", "--out", type=Path, required=True)
    run = sub.add_parser("run")
    run.add_argument("contender", choices=["ours", "sql", "pandas", "pandas-rows"])
    run.add_argument("data", type=Path)
    run.add_argument("--memory-limit", default="50%")
    run.add_argument("--sample-clinicians", type=int, default=20)
    whole = sub.add_parser("whole")
    whole.add_argument("data", type=Path)
    whole.add_argument("--repeat", type=int, default=3)
    whole.add_argument("--memory-limit", default="50%")
    both = sub.add_parser("all")
    both.add_argument("data", type=Path)
    both.add_argument("--memory-limit", default="50%")
    both.add_argument("--sample-clinicians", type=int, default=20)
    args = parser.parse_args(argv)
    if args.cmd == "generate":
        start = time.perf_counter()
        spec = AuditLogSpec(
            clinicians=args.clinicians, days=args.days, seed=args.seed, with_details=False
        )
        info = write_audit_log(spec, args.out, chunk_clinicians=50)
        info["seconds"] = round(time.perf_counter() - start, 1)
        print(json.dumps(info["rows"] | {"seconds": info["seconds"]}))
    elif args.cmd == "whole":
        out_dir = args.data / "out"
        out_dir.mkdir(exist_ok=True)
        for i in range(args.repeat):
            for contender in ("sql-cli", "cli") if i % 2 == 0 else ("cli", "sql-cli"):
                out = out_dir / f"{contender}.parquet"
                res = whole_command(contender, args.data, out, args.memory_limit)
                print(json.dumps(res | {"round": i + 1}), flush=True)
    elif args.cmd == "run":
        if args.contender == "ours":
            res = run_ours(args.data, args.memory_limit)
        elif args.contender == "sql":
            res = run_sql(args.data, args.memory_limit)
        else:
            rowwise = args.contender == "pandas-rows"
            res = run_pandas(args.data, args.sample_clinicians, rowwise=rowwise)
        secs = float(res.get("extrapolated_seconds", res["seconds"]))  # type: ignore[arg-type]
        total = int(res.get("total_events", res["events"]))  # type: ignore[call-overload]
        res |= {"contender": args.contender, "events_per_second": total / secs}
        res |= {"peak_rss_mib": round(peak_rss_mib(), 1), "memory_limit": args.memory_limit}
        print(json.dumps(res))
    else:
        for contender in ("sql", "ours", "pandas"):
            cmd = [sys.executable, __file__, "run", contender, str(args.data)]
            cmd += ["--memory-limit", args.memory_limit]
            cmd += ["--sample-clinicians", str(args.sample_clinicians)]
            subprocess.run(cmd, check=False, env=os.environ.copy())


if __name__ == "__main__":
    main()
