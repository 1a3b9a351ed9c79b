"""Benchmark of the privacy gate (:func:`clinwell.privacy.release`) on synthetic waves.

Builds a wave with plain numpy: a three-level unit tree (sites / departments / clinics, with
some responses attached to departments), five roles, four tenure bands, two proportions and
one mean with 5% missing answers. Publishes the unit tree × 3 measures, and separately the
unit × role and unit × tenure cuts. Prints cells, suppressed cells and seconds for the
default per-piece audit and, where feasible, the previous whole-table audit.

    .venv/bin/python benchmarks/bench_gate.py            # 10k/125 and 100k/1,000 units
    .venv/bin/python benchmarks/bench_gate.py --whole    # also the whole-table audit (slow)
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from clinwell.privacy import Dimension, DisclosurePolicy, Measure, TableRequest, release


def wave(n: int, units: int, seed: int = 0) -> TableRequest:
    """A synthetic wave of ``n`` responses over ``units`` leaf-ish units."""
    rng = np.random.default_rng(seed)
    sites = max(2, units // 100)
    depts = max(2, units // 10)
    paths = []
    for u in range(units):
        d = u % depts
        s = d % sites
        # one in ten "units" is the department itself (responses attached to an inner unit)
        paths.append(f"S{s}/D{d}" if u < depts // 10 else f"S{s}/D{d}/C{u}")
    size = rng.lognormal(0.0, 1.5, units)
    unit = rng.choice(len(paths), n, p=size / size.sum())
    role = rng.choice(["md", "rn", "pa", "np", "other"], n, p=[0.4, 0.35, 0.1, 0.1, 0.05])
    tenure = rng.choice(["<1y", "1-5y", "5-10y", ">10y"], n, p=[0.15, 0.35, 0.3, 0.2])

    def missing(x: np.ndarray) -> np.ndarray:
        return np.where(rng.random(n) < 0.05, np.nan, x)

    return TableRequest(
        dimensions=(
            Dimension("unit", [paths[i] for i in unit], hierarchical=True),
            Dimension("role", role.tolist()),
            Dimension("tenure", tenure.tolist()),
        ),
        measures=(
            Measure.proportion("burnout", missing((rng.random(n) < 0.45).astype(float))),
            Measure.proportion("intent_to_leave", missing((rng.random(n) < 0.3).astype(float))),
            Measure.mean("hours", missing(rng.normal(52, 9, n))),
        ),
        cuts=None,
    )


def with_cuts(request: TableRequest, cuts: tuple[tuple[str, ...], ...]) -> TableRequest:
    return TableRequest(request.dimensions, request.measures, cuts)


def run(label: str, request: TableRequest, audit: str) -> None:
    start = time.perf_counter()
    cpu = time.process_time()
    table = release(request, DisclosurePolicy(), audit=audit)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    hidden = sum(c.suppressed for c in table.cells)
    withheld = sum(
        1 for c in table.cells if not c.suppressed for e in c.estimates.values() if e is None
    )
    print(
        f"{label:<34} {audit:<7} cells={len(table.cells):>6} suppressed={hidden:>5} "
        f"withheld_estimates={withheld:>5} wall={wall:7.2f}s cpu={cpu:7.2f}s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--whole", action="store_true", help="also time the whole-table audit")
    parser.add_argument("--sizes", default="10000:125,100000:1000")
    args = parser.parse_args()
    tree_only = (("unit",),)
    cuts = (("unit", "role"), ("unit", "tenure"))
    for spec in args.sizes.split(","):
        n, units = (int(x) for x in spec.split(":"))
        base = wave(n, units)
        for name, c in (("tree x 3 measures", tree_only), ("unit x role, unit x tenure", cuts)):
            request = with_cuts(base, c)
            label = f"{n:,}/{units:,} units, {name}"
            run(label, request, "pieces")
            if args.whole and n <= 10_000:
                run(label, request, "whole")


if __name__ == "__main__":
    main()
