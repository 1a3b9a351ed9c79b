"""Results by group: `clinwell tabulate` with role × tenure × gender, side by side with the
exact gate on the same columns (what an analyst ran before), and what share of the cells
that hold at least k respondents each release publishes.

The synthetic organization is the shape of issue 15: 10 sites × 10 departments × 10 clinics
(1,000 clinics), gamma(1.2) clinic sizes, five roles (40% physicians), four tenure bands,
three gender answers plus "not stated", a proportion and a mean with 5% missing answers.

Each command runs in its own process under ``/usr/bin/time`` (wall seconds and peak
resident memory, start-up included); the exact gate gets ``--timeout`` seconds.

    .venv/bin/python benchmarks/bench_groups.py                      # 100,000 responses
    .venv/bin/python benchmarks/bench_groups.py --responses 20000 --timeout 300
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

K = 5
ROLES = ["physician", "nurse", "app", "resident", "other"]
TENURE = ["lt1", "1to5", "6to10", "gt10"]
GENDER = ["woman", "man", "nonbinary", "not_stated"]


def write_responses(path: Path, n: int, seed: int = 15) -> list[dict[str, str]]:
    rng = np.random.default_rng(seed)
    clinics = [f"S{s}/D{d}/C{c}" for s in range(10) for d in range(10) for c in range(10)]
    weights = rng.gamma(1.2, 1.0, len(clinics))
    unit = rng.choice(len(clinics), size=n, p=weights / weights.sum())
    role = rng.choice(len(ROLES), size=n, p=[0.4, 0.3, 0.12, 0.1, 0.08])
    tenure = rng.choice(len(TENURE), size=n, p=[0.1, 0.35, 0.3, 0.25])
    gender = rng.choice(len(GENDER), size=n, p=[0.52, 0.42, 0.01, 0.05])
    burnout = rng.random(n) < 0.35 + 0.08 * (gender == 0)
    hours = rng.normal(50, 9, n)
    missing = rng.random(n) < 0.05
    rows = [
        {
            "unit": clinics[unit[i]],
            "role": ROLES[role[i]],
            "tenure": TENURE[tenure[i]],
            "gender": GENDER[gender[i]],
            "burnout": "" if missing[i] else str(bool(burnout[i])).lower(),
            "hours": f"{hours[i]:.1f}",
        }
        for i in range(n)
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def run(label: str, args: list[str], timeout: float) -> list[dict[str, object]] | None:
    """Run `clinwell tabulate` under /usr/bin/time; print wall and peak memory."""
    clinwell = str(Path(sys.executable).with_name("clinwell"))
    command = ["/usr/bin/time", "-f", "%e %M", clinwell, "tabulate", *args]
    # Its own session, so that a timeout stops the command itself, not only /usr/bin/time.
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        print(f"{label:<44} did not finish in {timeout:.0f} s")
        return None
    done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    wall, peak_kb = done.stderr.strip().splitlines()[-1].split()
    if done.returncode != 0:
        print(f"{label:<44} failed: {done.stderr.strip()[:300]}")
        return None
    print(f"{label:<44} {float(wall):7.2f} s  {int(peak_kb) / 1024:7.0f} MiB")
    cells: list[dict[str, object]] = json.loads(done.stdout)
    return cells


def sizes(rows: list[dict[str, str]], dims: tuple[str, ...]) -> Counter[tuple[str, ...]]:
    """Respondents per cell key (unit prefix at every depth; "*" = all) of the given cuts."""
    out: Counter[tuple[str, ...]] = Counter()
    for row in rows:
        parts = row["unit"].split("/")
        units = ["*", *("/".join(parts[: i + 1]) for i in range(len(parts)))]
        for u in units:
            out[(u, *(row[d] for d in dims))] += 1
    return out


def utility(
    label: str, cells: list[dict[str, object]], rows: list[dict[str, str]], dims: tuple[str, ...]
) -> None:
    """Share of cells with at least K respondents that are published, per kind of cut."""
    kinds: dict[str, list[bool]] = {}
    counted = {
        fixed: sizes(rows, fixed)
        for fixed in {tuple(d for d in dims if c.get(d, "*") != "*") for c in cells}
    }
    for c in cells:
        fixed = tuple(d for d in dims if c.get(d, "*") != "*")
        key = (str(c["unit"]), *(str(c[d]) for d in fixed))
        if counted[fixed][key] < K:
            continue
        kind = "unit" if not fixed else "unit × " + " × ".join(fixed)
        kinds.setdefault(kind, []).append(not c["suppressed"])
    for kind, published in sorted(kinds.items()):
        share = 100 * sum(published) / len(published)
        print(f"  {label}: {kind:<32} {sum(published):>6} of {len(published):>6} ({share:.1f}%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=600.0)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scored.csv"
        rows = write_responses(path, options.responses)
        base = [str(path), "--hierarchy", "unit", "--measure", "burnout", "--measure", "hours"]
        print(f"{options.responses:,} responses in 1,000 clinics, k = {K}")
        tree = run("exact gate, unit tree only", base, options.timeout)
        by_role = run("exact gate, --by role", [*base, "--by", "role"], options.timeout)
        grouped = run(
            "by group: --role role --by tenure --by gender",
            [*base, "--role", "role", "--by", "tenure", "--by", "gender"],
            options.timeout,
        )
        exact = run(
            "exact gate: --by role --by tenure --by gender",
            [*base, "--by", "role", "--by", "tenure", "--by", "gender"],
            options.timeout,
        )
        print("Published share of cells with at least k respondents:")
        if tree:
            utility("unit tree alone", tree, rows, ())
        if by_role:
            utility("exact, unit × role", by_role, rows, ("role",))
        if grouped:
            utility("by group", grouped, rows, ("role", "tenure", "gender"))
        if exact:
            utility("exact, all three", exact, rows, ("role", "tenure", "gender"))


if __name__ == "__main__":
    main()
