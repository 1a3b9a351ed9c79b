"""Benchmark: results of a 100,000-response wave across 1,000 units — cold and warm.

Builds a fresh SQLite database (under a temporary directory) with one organization whose
tree has 10 sites x 10 departments x 10 clinics (1,000 clinics, 1,111 units), and one closed
wave with 100,000 synthetic responses spread unevenly over the clinics (gamma sizes, so some
clinics are small and get suppressed). Then:

- cold: :func:`clinwell.web.results.services.compute.compute_wave` — read the responses,
  release every dashboard aggregate through the privacy gate (min-n + complementary
  suppression), BH marks, key-driver analyses, write the cache — timed step by step;
- warm: the dashboard pages served by the Django test client from the cache, p50/p95.

The alternative a user would pick — recomputing on every page view — costs the cold time
on every request.

Run:  OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_results.py [--responses 100000]
(OpenBLAS threads thrash on a loaded 2-core machine; one thread is faster for these sizes.)
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinwell.web.settings")
os.environ.setdefault("AXES_ENABLED", "false")
os.environ["CLINWELL_VAR_DIR"] = tempfile.mkdtemp(prefix="clinwell-bench-results-")


def build(responses: int, seed: int = 11) -> tuple[object, object, object]:
    from datetime import timedelta

    from django.utils import timezone

    from clinwell.synth.scores import MODULES, synthetic_scores
    from clinwell.web.accounts.models import User
    from clinwell.web.orgs.services.organizations import create_organization, grant_membership
    from clinwell.web.orgs.services.units import import_units
    from clinwell.web.surveys.models import Wave, WaveModule
    from clinwell.web.surveys.services.sealing import Channel, Payload, store_sealed

    org = create_organization("Bench Health", slug="bench", state="MN")
    lines = ["path"] + [
        f"Bench Health/Site {s}/Dept {s}-{d}/Clinic {s}-{d}-{c}"
        for s in range(10)
        for d in range(10)
        for c in range(10)
    ]
    import_units(org, "units.csv", io.BytesIO("\n".join(lines).encode()))
    from clinwell.web.orgs.models import Unit

    clinics = list(Unit.objects.filter(organization=org, depth=3).values_list("pk", flat=True))
    if len(clinics) != 1000:
        clinics = [
            u.pk for u in Unit.objects.filter(organization=org) if u.full_name.count("/") == 3
        ]
    rng = np.random.default_rng(seed)
    weights = rng.gamma(1.2, 1.0, len(clinics))
    unit_of = rng.choice(clinics, size=responses, p=weights / weights.sum())
    now = timezone.now()
    wave = Wave.objects.create(
        organization=org,
        name="Bench wave",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
        status=Wave.Status.CLOSED,
        closed_on=(now - timedelta(days=1)).date(),
    )
    for i, instrument in enumerate(MODULES):
        WaveModule.objects.create(wave=wave, instrument_id=instrument, position=i)
    started = time.perf_counter()
    chunk = 10_000
    for start in range(0, responses, chunk):
        rows = synthetic_scores(rng, min(chunk, responses - start))
        store_sealed(
            wave,
            [
                Payload(int(u), "physician", "1to5", Channel.IMPORTED, {}, s)
                for u, s in zip(unit_of[start : start + chunk], rows, strict=True)
            ],
        )
    print(
        f"built {responses:,} responses over {len(clinics)} clinics in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    admin = User.objects.create_user("admin@bench.example", "bench-password-123", full_name="A")
    grant_membership(admin, org, "admin")
    return org, wave, admin


def cold(wave: object) -> dict[str, float]:
    from clinwell.privacy import DisclosurePolicy
    from clinwell.web.orgs.models import Unit
    from clinwell.web.results.services import compute
    from clinwell.web.results.services.catalog import heatmap_measures, wave_measures
    from clinwell.web.results.services.drivers import attach_drivers
    from clinwell.web.results.services.gate import run_gate, unit_path
    from clinwell.web.results.services.loading import load_wave
    from clinwell.web.results.services.significance import mark_cells
    from clinwell.web.surveys.services.waves import wave_exclusions

    times: dict[str, float] = {}
    t0, c0 = time.perf_counter(), time.process_time()
    result = compute.compute_wave(wave)  # type: ignore[arg-type]
    times["compute_wave (total, stored)"] = time.perf_counter() - t0
    times["compute_wave CPU time"] = time.process_time() - c0
    print(
        f"cold compute_wave: {times['compute_wave (total, stored)']:.2f} s wall, "
        f"{times['compute_wave CPU time']:.2f} s CPU",
        flush=True,
    )
    # Again, with the code already loaded (the first call also pays one-time imports, e.g.
    # statsmodels, as a server process does once in its life).
    t0, c0 = time.perf_counter(), time.process_time()
    compute.compute_wave(wave)  # type: ignore[arg-type]
    times["compute_wave again, code loaded"] = time.perf_counter() - t0
    times["compute_wave again, CPU time"] = time.process_time() - c0
    print(
        f"cold compute_wave again: {times['compute_wave again, code loaded']:.2f} s wall, "
        f"{times['compute_wave again, CPU time']:.2f} s CPU",
        flush=True,
    )
    # the same steps again, one by one, for the breakdown
    modules = list(wave.modules.all())  # type: ignore[attr-defined]
    measures = wave_measures([m.instrument_id for m in modules], wave_exclusions(modules))
    units = {u.pk: u for u in Unit.objects.filter(organization=wave.organization)}  # type: ignore[attr-defined]
    t = time.perf_counter()
    data = load_wave(wave, [m.column for m in measures])  # type: ignore[arg-type]
    times["read responses"] = time.perf_counter() - t
    t = time.perf_counter()
    cells = run_gate(
        data,
        {k: unit_path(u.tree_path) for k, u in units.items()},
        measures,
        DisclosurePolicy(5, 10),
    )
    times["privacy gate (release)"] = time.perf_counter() - t
    t = time.perf_counter()
    mark_cells(cells, heatmap_measures(measures))
    times["BH marks"] = time.perf_counter() - t
    t = time.perf_counter()
    attach_drivers(cells, data, compute._descendants(units), measures)
    times["key-driver analyses"] = time.perf_counter() - t
    steps = ("read responses", "privacy gate (release)", "BH marks", "key-driver analyses")
    times["rest (units, fingerprint, cache write)"] = times[
        "compute_wave again, code loaded"
    ] - sum(times[k] for k in steps)
    suppressed = sum(c.suppressed for c in cells)
    drivers = sum(1 for c in cells if c.drivers and "drivers" in c.drivers)
    print(
        f"cells {len(cells)}, suppressed {suppressed}, driver analyses {drivers}, "
        f"measures {len(measures)}, BH tests {result.tests}"
    )  # type: ignore[attr-defined]
    return times


CPU_CLOCK = False


def warm(org: object, wave: object, admin: object, repeats: int) -> dict[str, list[float]]:
    from django.test import Client

    from clinwell.web.orgs.models import Unit

    client = Client()
    client.force_login(admin)  # type: ignore[arg-type]
    site = Unit.objects.filter(organization=org, depth=1).first() or Unit.objects.get(
        organization=org, full_name="Bench Health/Site 3"
    )
    base = "/o/bench/results/"
    pages = {
        "overview": base,
        "heatmap (organization)": base + "heatmap/",
        "heatmap (a site)": f"{base}heatmap/?unit={site.pk}",
        "drivers": base + "drivers/",
        "trends": base + "trends/",
        "overview with cost inputs": base + "?physicians=800&turnover=8&cost_per_departure=600000",
    }
    out: dict[str, list[float]] = {}
    for name, url in pages.items():
        assert client.get(url).status_code == 200, url  # first hit warms template caches
        samples = []
        for _ in range(repeats):
            t = time.process_time() if CPU_CLOCK else time.perf_counter()
            response = client.get(url)
            samples.append((time.process_time() if CPU_CLOCK else time.perf_counter()) - t)
            assert response.status_code == 200
        out[name] = samples
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    org, wave, admin = build(args.responses)
    times = cold(wave)
    print("\nCOLD (one wave, every dashboard aggregate with suppression)")
    for name, seconds in times.items():
        print(f"  {name:32s} {seconds:7.2f} s")
    global CPU_CLOCK
    for clock in ("wall", "CPU"):
        CPU_CLOCK = clock == "CPU"
        print(f"\nWARM pages, {clock} time ({args.repeats} requests each, Django test client)")
        for name, samples in warm(org, wave, admin, args.repeats).items():
            ms = sorted(1000 * s for s in samples)
            p95 = ms[min(len(ms) - 1, round(0.95 * len(ms)) - 1)]
            print(f"  {name:28s} p50 {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms")
    print(f"\npython {sys.version.split()[0]}, db {Path(os.environ['CLINWELL_VAR_DIR'])}")


if __name__ == "__main__":
    main()
