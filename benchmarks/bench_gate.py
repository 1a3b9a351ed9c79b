"""Benchmark of the privacy gate (:func:`clinwell.privacy.release`) on synthetic waves.

Two synthetic shapes, built with plain numpy:

- ``wave``: a three-level unit tree (sites / departments / clinics, with some responses
  attached to departments, lognormal sizes), five roles, four tenure bands, two proportions
  and one mean with 5% missing answers. Published as the unit tree × 3 measures, and
  separately as the unit × role and unit × tenure cuts.
- ``web``: the shape of the results benchmark (``bench_results.py``): 10 sites × 10
  departments × 10 clinics, gamma(1.2) clinic sizes, unit tree only, 3 measures.
- ``web1``: the same with one department in five reduced to a single clinic (a department
  and its only clinic have the same population).

For each release it prints cells, suppressed cells split into *primary* (``0 < n < k``) and
*complementary* (hidden only to protect others), withheld estimates (a published cell that
withholds one measure), and wall/CPU seconds.

    .venv/bin/python benchmarks/bench_gate.py                  # 10k/125 and 100k/1,000 units
    .venv/bin/python benchmarks/bench_gate.py --whole          # also the whole-table audit
    .venv/bin/python benchmarks/bench_gate.py --shapes web --sizes 100000:1000
    .venv/bin/python benchmarks/bench_gate.py --small 300 --sizes ""   # test-sized tables
    .venv/bin/python benchmarks/bench_gate.py --results-load --shapes none --sizes 100000:1000
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from clinwell.privacy import Dimension, DisclosurePolicy, Measure, TableRequest, release
from clinwell.privacy.lattice import build_lattice


def _measures(rng: np.random.Generator, n: int) -> tuple[Measure, ...]:
    def missing(x: np.ndarray) -> np.ndarray:
        return np.where(rng.random(n) < 0.05, np.nan, x)

    return (
        Measure.proportion("burnout", missing((rng.random(n) < 0.45).astype(float))),
        Measure.proportion("intent_to_leave", missing((rng.random(n) < 0.3).astype(float))),
        Measure.mean("hours", missing(rng.normal(52, 9, n))),
    )


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
    return TableRequest(
        dimensions=(
            Dimension("unit", [paths[i] for i in unit], hierarchical=True),
            Dimension("role", role.tolist()),
            Dimension("tenure", tenure.tolist()),
        ),
        measures=_measures(rng, n),
        cuts=None,
    )


def web_tree(n: int, units: int, seed: int = 11, single: float = 0.0) -> TableRequest:
    """Sites × departments × clinics (10 × 10 × 10 for 1,000 clinics), gamma clinic sizes.

    ``single`` is the share of departments that have one clinic only (the department and
    its clinic then have the same population).
    """
    rng = np.random.default_rng(seed)
    side = max(2, round(units ** (1 / 3)))
    every = round(1 / single) if single else 0  # every ``every``-th department: one clinic
    paths = []
    for s in range(side):
        for d in range(side):
            clinics = 1 if every and (s * side + d) % every == 0 else side
            paths += [f"S{s}/D{s}-{d}/C{s}-{d}-{c}" for c in range(clinics)]
    weights = rng.gamma(1.2, 1.0, len(paths))
    unit = rng.choice(len(paths), n, p=weights / weights.sum())
    return TableRequest(
        dimensions=(Dimension("unit", [paths[i] for i in unit], hierarchical=True),),
        measures=_measures(rng, n),
        cuts=(("unit",),),
    )


def small_orgs(count: int, seed: int = 5) -> list[TableRequest]:
    """Random organizations of the property tests' sizes (tests/privacy/test_attack.py):
    1-2 top units, 0-3 children, 0-1 grandchildren, 1-3 roles, 1-2 tenure bands, cell counts
    from {0, 0, 1, 1, 2, 3, 4, 5, 6, 8}, cuts drawn from the tests' three choices."""
    rng = np.random.default_rng(seed)
    cut_choices: list[tuple[tuple[str, ...], ...] | None] = [
        None,
        (("unit", "role"), ("unit", "tenure")),
        (("unit", "role"),),
    ]
    out = []
    while len(out) < count:
        units: list[str] = []
        for top in range(rng.integers(1, 3)):
            units.append(f"U{top}")
            for child in range(rng.integers(0, 4)):
                units.append(f"U{top}/C{child}")
                units += [f"U{top}/C{child}/G{g}" for g in range(rng.integers(0, 2))]
        roles = ["md", "rn", "pa"][: rng.integers(1, 4)]
        tenures = ["new", "old"][: rng.integers(1, 3)]
        rows = [
            (u, r, t)
            for u in units
            for r in roles
            for t in tenures
            for _ in range(int(rng.choice([0, 0, 1, 1, 2, 3, 4, 5, 6, 8])))
        ]
        if not rows:
            continue
        out.append(
            TableRequest(
                dimensions=(
                    Dimension("unit", [x[0] for x in rows], hierarchical=True),
                    Dimension("role", [x[1] for x in rows]),
                    Dimension("tenure", [x[2] for x in rows]),
                ),
                cuts=cut_choices[int(rng.integers(0, 3))],
            )
        )
    return out


def run_small(count: int, k: int = 5) -> None:
    """Total cells and suppressed cells over ``count`` property-test-sized organizations."""
    cells = hidden = primary = 0
    start = time.process_time()
    for request in small_orgs(count):
        table = release(request, DisclosurePolicy(min_n_scores=k))
        lattice = build_lattice(request)
        cell_n = np.asarray(lattice.membership @ lattice.atom_sizes.astype(float))
        cells += len(table.cells)
        hidden += sum(c.suppressed for c in table.cells)
        primary += int(((cell_n > 0.5) & (cell_n < k - 0.5)).sum())
    print(
        f"{count} property-test organizations (k={k}): cells={cells} suppressed={hidden} "
        f"(primary={primary} complementary={hidden - primary}) "
        f"cpu={time.process_time() - start:.2f}s",
        flush=True,
    )


def results_load(request: TableRequest, measures: int = 30, seed: int = 3) -> TableRequest:
    """``request``'s groupings with the results pages' load: ``measures`` proportions with
    1-30% missing answers each, plus one comment list (10% of respondents comment)."""
    rng = np.random.default_rng(seed)
    n = request.size
    out = []
    for i in range(measures):
        missing = rng.random(n) < rng.uniform(0.01, 0.3)
        values = np.where(missing, np.nan, (rng.random(n) < 0.4).astype(float))
        out.append(Measure.proportion(f"m{i}", values))
    texts = ["comment" if r < 0.1 else None for r in rng.random(n)]
    out.append(Measure.comments("comments", texts))
    return TableRequest(request.dimensions, tuple(out), request.cuts)


def with_cuts(request: TableRequest, cuts: tuple[tuple[str, ...], ...]) -> TableRequest:
    return TableRequest(request.dimensions, request.measures, cuts)


def run(label: str, request: TableRequest, audit: str, k: int = 5) -> None:
    start = time.perf_counter()
    cpu = time.process_time()
    table = release(request, DisclosurePolicy(min_n_scores=k), audit=audit)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    lattice = build_lattice(request)
    cell_n = np.asarray(lattice.membership @ lattice.atom_sizes.astype(float))
    small = {lattice.key(c) for c in np.flatnonzero((cell_n > 0.5) & (cell_n < k - 0.5))}
    hidden = {c.key for c in table.cells if c.suppressed}
    assert small <= hidden
    withheld = sum(
        1 for c in table.cells if not c.suppressed for e in c.estimates.values() if e is None
    )
    print(
        f"{label:<38} {audit:<6} cells={len(table.cells):>6} suppressed={len(hidden):>5} "
        f"(primary={len(small):>4} complementary={len(hidden) - len(small):>5}) "
        f"withheld_estimates={withheld:>5} wall={wall:7.2f}s cpu={cpu:7.2f}s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--whole", action="store_true", help="also time the whole-table audit")
    parser.add_argument("--sizes", default="10000:125,100000:1000", help="N:UNITS,...")
    parser.add_argument("--shapes", default="wave,web,web1", help="wave, web, web1")
    parser.add_argument("--audit", default="pieces", help="audit of the main runs")
    parser.add_argument("--no-cuts", action="store_true", help="skip the role/tenure cuts")
    parser.add_argument(
        "--small", type=int, default=0, help="also N organizations of the property tests' sizes"
    )
    parser.add_argument(
        "--results-load",
        action="store_true",
        help="also the web shape with 30 measures and comments (the results pages' request)",
    )
    args = parser.parse_args()
    if args.small:
        run_small(args.small)
    tree_only = (("unit",),)
    cuts = (("unit", "role"), ("unit", "tenure"))
    shapes = args.shapes.split(",")
    for spec in filter(None, args.sizes.split(",")):
        n, units = (int(x) for x in spec.split(":"))
        if "wave" in shapes:
            base = wave(n, units)
            for name, c in (("tree x 3 measures", tree_only), ("unit x role, unit x tenure", cuts)):
                if args.no_cuts and c is cuts:
                    continue
                request = with_cuts(base, c)
                label = f"wave {n:,}/{units:,}, {name}"
                run(label, request, args.audit)
                if args.whole and n <= 10_000:
                    run(label, request, "whole")
        for shape, single in (("web", 0.0), ("web1", 0.2)):
            if shape not in shapes:
                continue
            label = f"{shape} {n:,}/{units:,}, tree x 3 measures"
            run(label, web_tree(n, units, single=single), args.audit)
            if args.whole and n <= 10_000:
                run(label, web_tree(n, units, single=single), "whole")
        if args.results_load:
            label = f"web {n:,}/{units:,}, tree x 30 + comments"
            run(label, results_load(web_tree(n, units)), args.audit)


if __name__ == "__main__":
    main()
