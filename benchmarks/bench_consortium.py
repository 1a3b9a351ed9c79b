"""Benchmark: a statewide consortium — 200 member systems × 10,000 respondents each.

Stages (each timed; the script checks that every engine gives the same pooled numbers):

1. **members** — each synthetic member system scores its 10,000 respondents and releases its
   contribution through its own privacy gate (``clinwell.synth.consortium``: generate, score
   with the instrument library, ``clinwell.privacy.release`` over the role dimension). This
   is work every member does on its own machine; the figure is per member.
2. **files** — the consortium validates the 200 contribution files
   (``parse_contribution``), then pools one period three ways: DuckDB over the cells
   (``clinwell.consortium.files.pool_frame``, what ``clinwell consortium pool`` runs), the
   pandas ``groupby`` an analyst would write, and the pure-Python loop
   (``benchmark_cells``).
3. **database** — in a fresh database (SQLite file, and PostgreSQL when
   ``--postgres URL`` is given): store the 200 contributions (``receive_contribution``), pool
   the period in SQL (``period_benchmarks``), publish a DP release (``release_period``) and
   pool the impacts (``pooled_evidence``). Each database runs in its own subprocess (Django
   reads its settings once).
4. **accuracy** — the error the differential privacy adds: ``--draws`` releases of the same
   data at ε = 1 and ε = 2 per release, for this consortium and for a demo-sized one (12
   members, 250–700 respondents); per public-report measure, the root-mean-square difference
   between the released and the exact pooled value, and how often a cell is "too imprecise".

Run:  OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_consortium.py \\
        --members 200 --respondents 10000 --draws 200 \\
        --postgres postgresql://postgres@127.0.0.1:5432/clinwell_bench_consortium
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

BURNOUT = "single_item_burnout.burnout"


def _seconds(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def members_stage(members: int, respondents: int, folder: Path) -> dict[str, Any]:
    from clinwell.synth.consortium import generate_consortium

    started = time.perf_counter()
    truth = []
    cells = impacts = 0
    for j in range(members):
        one = generate_consortium(
            1, seed=9000 + j, respondents=(respondents, respondents), names=[f"Member {j + 1}"]
        )
        contribution = one.contributions[0]
        (folder / f"{contribution.member_id}.contribution.json").write_text(
            contribution.dumps(), encoding="utf-8"
        )
        truth.append(one.truth[0])
        cells += len(contribution.cells)
        impacts += len(contribution.impacts)
    total = _seconds(started)
    return {
        "members": members,
        "respondents_total": sum(t.respondents for t in truth),
        "cells": cells,
        "impacts": impacts,
        "seconds_total": total,
        "seconds_per_member": round(total / members, 3),
        "true_pooled_burnout": sum(t.burnout * t.respondents for t in truth)
        / sum(t.respondents for t in truth),
    }


def _pandas_pool(frame: Any) -> dict[tuple[str, str, str], tuple[float, float]]:
    """The analyst's pandas version: sums per cell, then the pooled estimate."""
    import numpy as np

    from clinwell.consortium import pooled_measures

    known = pooled_measures()
    frame = frame.assign(
        flagged=np.rint(frame["n"] * frame["estimate"]),
        total=frame["n"] * frame["estimate"],
        squares=(frame["n"] - 1) * frame["sd"].fillna(0.0) ** 2
        + frame["n"] * frame["estimate"] ** 2,
    )
    keys = ["measure", "role", "specialty"]
    grouped = frame.groupby(keys).agg(
        members=("member", "nunique"),
        n=("n", "sum"),
        flagged=("flagged", "sum"),
        total=("total", "sum"),
        squares=("squares", "sum"),
    )
    quantiles = frame.groupby(keys)["estimate"].quantile([0.1, 0.25, 0.5, 0.75, 0.9]).unstack()
    out = {}
    for key, row in grouped.iterrows():
        if row["members"] < 5:
            continue
        estimate = (
            row["flagged"] / row["n"] if known[key[0]].is_proportion else row["total"] / row["n"]
        )
        out[key] = (float(estimate), float(quantiles.loc[key, 0.5]))
    return out


def _best_of(runs: int, work: Any) -> tuple[float, Any]:
    best, result = math.inf, None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return round(best, 3), result


def files_stage(folder: Path) -> dict[str, Any]:
    from clinwell.consortium import MemberValue, benchmark_cells
    from clinwell.consortium.files import cells_frame, pool_frame, read_contributions

    paths = sorted(folder.glob("*.contribution.json"))
    started = time.perf_counter()
    good, refused = read_contributions(paths)
    validate = _seconds(started)
    assert not refused, refused
    frame = cells_frame(good)
    import duckdb  # noqa: F401 - loaded once, as in a running process, before timing

    duck_seconds, duck = _best_of(3, lambda: pool_frame(frame))
    pandas_seconds, panda = _best_of(3, lambda: _pandas_pool(frame))

    def pure_python() -> Any:
        rows = [
            MemberValue(c.member_id, x.measure, x.role, x.specialty, x.n, x.estimate, x.sd)
            for c in good
            for x in c.cells
        ]
        return benchmark_cells(rows)

    pure_seconds, pure = _best_of(3, pure_python)

    (period,) = duck
    by_key = {(c.measure, c.role, c.specialty): c for c in duck[period]}
    for cell in pure:
        other = by_key[(cell.measure, cell.role, cell.specialty)]
        assert other.withheld == cell.withheld
        if cell.pooled is not None and other.pooled is not None:
            assert math.isclose(other.pooled.estimate, cell.pooled.estimate, rel_tol=1e-9)
            assert math.isclose(other.percentiles[50], cell.percentiles[50], rel_tol=1e-9)
            key = (cell.measure, cell.role, cell.specialty)
            assert math.isclose(panda[key][0], cell.pooled.estimate, rel_tol=1e-9)
            assert math.isclose(panda[key][1], cell.percentiles[50], rel_tol=1e-9)
    burnout = by_key[(BURNOUT, "all", "all")].pooled
    return {
        "files": len(good),
        "cells": len(frame),
        "validate_seconds": validate,
        "duckdb_seconds_best_of_3": duck_seconds,
        "pandas_seconds_best_of_3": pandas_seconds,
        "pure_python_seconds_best_of_3": pure_seconds,
        "pooled_cells": len(pure),
        "pooled_burnout": None if burnout is None else burnout.estimate,
    }


def database_stage(folder: Path, url: str) -> dict[str, Any]:
    """Run in a subprocess: Django with ``DATABASE_URL`` = ``url`` (a fresh database)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinwell.web.settings")
    os.environ["CLINWELL_VAR_DIR"] = tempfile.mkdtemp(prefix="clinwell-bench-consortium-")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    from clinwell.web.consortium.services.contributions import receive_contribution
    from clinwell.web.consortium.services.evidence import pooled_evidence
    from clinwell.web.consortium.services.members import add_member, create_consortium
    from clinwell.web.consortium.services.pooling import period_benchmarks
    from clinwell.web.consortium.services.releases import release_period

    consortium = create_consortium("Bench Collaborative", "bench", epsilon_total=10.0)
    documents = [p.read_bytes() for p in sorted(folder.glob("*.contribution.json"))]
    members = []
    for document in documents:
        member_id = json.loads(document)["member"]["id"]
        members.append(add_member(consortium, member_id, member_id)[0])
    started = time.perf_counter()
    for document, member in zip(documents, members, strict=True):
        receive_contribution(consortium, document, via="cli", sender=member)
    store = _seconds(started)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        cells = period_benchmarks(consortium, "2026-H1")
        timings.append(_seconds(started))
    started = time.perf_counter()
    release = release_period(consortium, "2026-H1")
    release_seconds = _seconds(started)
    started = time.perf_counter()
    effects = pooled_evidence(consortium)
    evidence_seconds = _seconds(started)
    burnout = next(c for c in cells if (c.measure, c.role, c.specialty) == (BURNOUT, "all", "all"))
    return {
        "engine": connection.vendor,
        "store_seconds": store,
        "pool_seconds_best_of_3": min(timings),
        "release_seconds": release_seconds,
        "release_epsilon": release.epsilon,
        "evidence_seconds": evidence_seconds,
        "pooled_effects": len(effects),
        "pooled_burnout": None if burnout.pooled is None else burnout.pooled.estimate,
    }


def accuracy_stage(folder: Path | None, draws: int, seed: int = 3) -> list[dict[str, Any]]:
    import numpy as np

    from clinwell.consortium import (
        PUBLIC_REPORT_MEASURES,
        MemberValue,
        benchmark_cells,
        pooled_measure,
        release_plan,
        release_report,
    )
    from clinwell.consortium.files import read_contributions
    from clinwell.synth.consortium import generate_consortium

    if folder is None:
        contributions = list(generate_consortium(12, seed=seed).contributions)
        label = "demo-sized (12 members, 250–700 respondents)"
    else:
        contributions, _ = read_contributions(sorted(folder.glob("*.contribution.json")))
        label = f"{len(contributions)} members"
    rows = [
        MemberValue(c.member_id, x.measure, x.role, x.specialty, x.n, x.estimate, x.sd)
        for c in contributions
        for x in c.cells
        if x.measure in PUBLIC_REPORT_MEASURES
    ]
    exact = {(c.measure, c.role): c for c in benchmark_cells(rows) if c.specialty == "all"}
    out = []
    for epsilon in (1.0, 2.0):
        plan = release_plan(epsilon)
        errors: dict[tuple[str, str], list[float]] = {}
        imprecise: dict[tuple[str, str], int] = {}
        for _ in range(draws):
            for cell in release_report(rows, plan, blank_imprecise=False):
                key = (cell.measure, cell.role)
                if cell.withheld or key not in exact or exact[key].pooled is None:
                    continue
                if cell.imprecise:
                    imprecise[key] = imprecise.get(key, 0) + 1
                errors.setdefault(key, []).append(cell.estimate - exact[key].pooled.estimate)
        for measure in PUBLIC_REPORT_MEASURES:
            for role in ("all", "physician", "nurse"):
                key = (measure, role)
                if key not in exact:
                    continue
                spec = pooled_measure(measure)
                scale = 100.0 if spec.is_proportion else 1.0
                found = np.array(errors.get(key, []))
                out.append(
                    {
                        "data": label,
                        "epsilon": epsilon,
                        "measure": measure,
                        "role": role,
                        "exact": round(exact[key].pooled.estimate * scale, 3),
                        "rmse": None
                        if found.size == 0
                        else float(f"{float(np.sqrt((found**2).mean())) * scale:.3g}"),
                        "unit": "percentage points" if spec.is_proportion else spec.label,
                        "imprecise_share": round(imprecise.get(key, 0) / draws, 3),
                    }
                )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--respondents", type=int, default=10_000)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--postgres", default=None, help="URL of a scratch PostgreSQL database")
    parser.add_argument("--stage", choices=["all", "database", "accuracy"], default="all")
    parser.add_argument("--files", type=Path, default=None)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    if args.stage == "database":
        print(json.dumps(database_stage(args.files, args.url)))
        return
    if args.stage == "accuracy":  # again, on the files of an earlier run (--files DIR)
        for row in accuracy_stage(None, args.draws) + accuracy_stage(args.files, args.draws):
            print(json.dumps(row), flush=True)
        return
    folder = Path(tempfile.mkdtemp(prefix="clinwell-bench-consortium-files-"))
    report: dict[str, Any] = {"load_average_start": os.getloadavg()[0]}
    report["members"] = members_stage(args.members, args.respondents, folder)
    print(json.dumps(report["members"]), flush=True)
    report["files"] = files_stage(folder)
    print(json.dumps(report["files"]), flush=True)
    databases = [f"sqlite:///{tempfile.mkdtemp(prefix='clinwell-bench-db-')}/bench.sqlite3"]
    if args.postgres:
        databases.append(args.postgres)
    report["databases"] = []
    for url in databases:
        if url.startswith("postgres"):
            admin, name = url.rsplit("/", 1)
            for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
                subprocess.run(["psql", f"{admin}/postgres", "-qc", sql], check=True)
        result = subprocess.run(
            [sys.executable, __file__, "--stage", "database", "--files", str(folder), "--url", url],
            check=True,
            capture_output=True,
            text=True,
        )
        report["databases"].append(json.loads(result.stdout.strip().splitlines()[-1]))
        print(json.dumps(report["databases"][-1]), flush=True)
        if url.startswith("postgres"):
            subprocess.run(
                ["psql", f"{admin}/postgres", "-qc", f"DROP DATABASE {name}"], check=True
            )
    report["accuracy"] = accuracy_stage(None, args.draws) + accuracy_stage(folder, args.draws)
    for row in report["accuracy"]:
        print(json.dumps(row), flush=True)
    report["load_average_end"] = os.getloadavg()[0]
    print(
        json.dumps(
            {
                "load_average_start": report["load_average_start"],
                "load_average_end": report["load_average_end"],
            }
        )
    )


if __name__ == "__main__":
    main()
