"""Benchmark: results of a 100,000-response wave across 1,000 clinics, with its cuts — cold
and warm.

Builds a fresh SQLite database (under a temporary directory) with one organization whose
tree has 10 sites x 10 departments x 10 clinics (1,000 clinics, 1,111 units), and one closed
wave with 100,000 sealed synthetic responses spread unevenly over the clinics (gamma sizes,
so some clinics are small and get suppressed). By default the wave asks gender
(``Wave.attributes``) and every response carries a role, a tenure band and a gender with
uneven shares (issue 15's shape, as in ``bench_groups.py``):

- role: physician 40%, nurse 30%, APP 12%, resident 10%, other 8%;
- tenure band: the organization's five bands, 10 / 30 / 25 / 22 / 13%;
- gender: by role as the synthetic generator draws it (``clinwell.synth.survey.GENDER_MIX``:
  e.g. nurses 86% women, physicians 45%, 1% non-binary and 1% self-described in each role),
  with 5% "not stated".

Then, in a fresh process (so that the first call pays what a new worker pays):

- cold: :func:`clinwell.web.results.services.compute.compute_wave`, called twice (first call
  in the process, then again with the code loaded); each call is broken down step by step —
  read responses, privacy gate (build the request, the release by group, plain cells, mark
  "protects another group"), mask comments, comment themes, BH marks, key-driver analyses,
  fingerprint, and the rest (unit query and the cache write) — by wrapping the functions
  ``compute_wave`` calls, each step with wall time, CPU time and its peak resident memory
  (VmHWM, reset before each step through ``/proc/self/clear_refs``);
- warm: the dashboard pages served by the Django test client from the cache, p50/p95 of wall
  and CPU time, including cut pages (overview for physicians, heatmap for women, equity).

``--no-attributes`` runs the same wave without the gender question (roles and tenure still
uneven) and ``--single-class`` gives every response the same role and tenure band; both
together are the shape measured before cuts. ``--profile N`` prints the top N lines (by
cumulative time) of a cProfile of the release by group, run once more after the timed calls.

Run:  OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_results.py [--responses 100000]
(OpenBLAS threads thrash on a loaded 2-core machine; one thread is faster for these sizes.)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# Measure this checkout's code (the shared venv may point at another worktree's src).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinwell.web.settings")
os.environ.setdefault("AXES_ENABLED", "false")

ROLES = {"physician": 0.40, "nurse": 0.30, "app": 0.12, "resident": 0.10, "other": 0.08}
TENURE = {"lt1": 0.10, "1to5": 0.30, "6to10": 0.25, "11to20": 0.22, "gt20": 0.13}
GENDER_NOT_STATED = 0.05
ORG_SLUG = "bench"


def services() -> tuple[Any, Any]:
    """The compute and gate modules, typed loosely: the benchmark replaces their functions."""
    import importlib

    return (
        importlib.import_module("clinwell.web.results.services.compute"),
        importlib.import_module("clinwell.web.results.services.gate"),
    )


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


# --------------------------------------------------------------------------- memory


def _status(field_name: str) -> int:
    """A ``/proc/self/status`` memory field in KiB (0 where unavailable)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_peak() -> None:
    """Reset the process's peak resident size (VmHWM) to its current size (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass


def mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


# --------------------------------------------------------------------------- steps


@dataclass
class Step:
    wall: float = 0.0
    cpu: float = 0.0
    peak: int = 0  # KiB
    calls: int = 0


@dataclass
class Steps:
    """Wall, CPU and peak RSS per named step; nested steps keep the outer step's peak."""

    steps: dict[str, Step] = field(default_factory=dict)
    _stack: list[Step] = field(default_factory=list)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        hwm = _status("VmHWM")
        for outer in self._stack:
            outer.peak = max(outer.peak, hwm)
        reset_peak()
        record = self.steps.setdefault(name, Step())
        self._stack.append(record)
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            record.wall += time.perf_counter() - t0
            record.cpu += time.process_time() - c0
            record.calls += 1
            self._stack.pop()
            hwm = _status("VmHWM")
            record.peak = max(record.peak, hwm)
            for outer in self._stack:
                outer.peak = max(outer.peak, hwm)

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.step(name):
                return function(*args, **kwargs)

        timed.__wrapped__ = function  # type: ignore[attr-defined]
        return timed


# --------------------------------------------------------------------------- build


def build(responses: int, seed: int, attributes: bool, single_class: bool, comments: float) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from clinwell.synth.comments import generate_comments
    from clinwell.synth.scores import MODULES, synthetic_scores
    from clinwell.synth.survey import DEFAULT_GENDER_MIX, GENDER_MIX
    from clinwell.web.accounts.models import User
    from clinwell.web.orgs.models import Unit
    from clinwell.web.orgs.services.organizations import create_organization, grant_membership
    from clinwell.web.orgs.services.units import import_units
    from clinwell.web.surveys.models import Wave, WaveModule
    from clinwell.web.surveys.services.sealing import Channel, Payload, store_sealed

    started = time.perf_counter()
    org = create_organization("Bench Health", slug=ORG_SLUG, state="MN")
    lines = ["path"] + [
        f"Bench Health/Site {s}/Dept {s}-{d}/Clinic {s}-{d}-{c}"
        for s in range(10)
        for d in range(10)
        for c in range(10)
    ]
    import_units(org, "units.csv", io.BytesIO("\n".join(lines).encode()))
    clinics = [u.pk for u in Unit.objects.filter(organization=org) if u.full_name.count("/") == 3]
    assert len(clinics) == 1000, len(clinics)
    rng = np.random.default_rng(seed)
    weights = rng.gamma(1.2, 1.0, len(clinics))
    unit_of = rng.choice(clinics, size=responses, p=weights / weights.sum())
    role_keys = list(ROLES)
    if single_class:
        roles = ["physician"] * responses
        tenures = ["1to5"] * responses
    else:
        roles = [role_keys[i] for i in rng.choice(len(ROLES), responses, p=list(ROLES.values()))]
        tenure_keys = list(TENURE)
        tenures = [
            tenure_keys[i] for i in rng.choice(len(TENURE), responses, p=list(TENURE.values()))
        ]
    genders: list[str] = [""] * responses
    if attributes:
        for role in set(roles):
            mix = GENDER_MIX.get(role, DEFAULT_GENDER_MIX)
            codes = [*mix, "not_stated"]
            p = [share * (1 - GENDER_NOT_STATED) for share in mix.values()] + [GENDER_NOT_STATED]
            members = [i for i, r in enumerate(roles) if r == role]
            for i, pick in zip(members, rng.choice(len(codes), len(members), p=p), strict=True):
                genders[i] = codes[pick]
    texts = [""] * responses
    if comments > 0:
        chosen = np.flatnonzero(rng.random(responses) < comments)
        for position, comment in zip(
            chosen.tolist(), generate_comments(len(chosen), seed=seed), strict=True
        ):
            texts[position] = comment.text
    now = timezone.now()
    wave = Wave.objects.create(
        organization=org,
        name="Bench wave",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
        status=Wave.Status.CLOSED,
        closed_on=(now - timedelta(days=1)).date(),
        attributes=["gender"] if attributes else [],
    )
    for i, instrument in enumerate(MODULES):
        WaveModule.objects.create(wave=wave, instrument_id=instrument, position=i)
    chunk = 10_000
    for start in range(0, responses, chunk):
        stop = min(start + chunk, responses)
        scores = synthetic_scores(rng, stop - start)
        store_sealed(
            wave,
            [
                Payload(
                    int(unit_of[i]),
                    roles[i],
                    tenures[i],
                    Channel.IMPORTED,
                    {},
                    s,
                    comment=texts[i],
                    attributes={"gender": genders[i]} if attributes else {},
                )
                for i, s in zip(range(start, stop), scores, strict=True)
            ],
        )
    admin = User.objects.create_user("admin@bench.example", "bench-password-123", full_name="A")
    grant_membership(admin, org, "admin")
    print(
        f"built {responses:,} responses over {len(clinics)} clinics in "
        f"{time.perf_counter() - started:.1f} s (wave asks {wave.attributes or 'no attribute'}; "
        f"{'one role and tenure band' if single_class else 'five roles, five tenure bands'}; "
        f"{sum(1 for t in texts if t):,} comments)",
        flush=True,
    )


# --------------------------------------------------------------------------- cold


STEP_ORDER = (
    "read responses",
    "privacy gate (run_gate)",
    "  build request",
    "  release by group",
    "  plain cells",
    "  mark protecting",
    "mask comments",
    "comment themes",
    "BH marks",
    "key-driver analyses",
    "fingerprint",
)
TOP_LEVEL = tuple(s for s in STEP_ORDER if not s.startswith(" "))
REST = "rest: unit query + cache write"


def instrument(steps: Steps) -> dict[str, Any]:
    """Wrap the functions compute_wave calls (module globals looked up at call time)."""
    compute, gate = services()
    captured: dict[str, Any] = {}
    release = gate.release_groups

    def release_and_keep(request: Any, policy: Any) -> Any:
        captured["args"] = (request, policy)
        return release(request, policy)

    compute.load_wave = steps.wrap("read responses", compute.load_wave)
    compute.run_gate = steps.wrap("privacy gate (run_gate)", compute.run_gate)
    gate.build_request = steps.wrap("  build request", gate.build_request)
    gate.release_groups = steps.wrap("  release by group", release_and_keep)
    gate.released_cells = steps.wrap("  plain cells", gate.released_cells)
    gate.mark_protecting = steps.wrap("  mark protecting", gate.mark_protecting)
    compute.organization_names = steps.wrap("mask comments", compute.organization_names)
    compute.mask_comments = steps.wrap("mask comments", compute.mask_comments)
    compute.label_cells = steps.wrap("comment themes", compute.label_cells)
    compute.mark_cells = steps.wrap("BH marks", compute.mark_cells)
    compute.attach_drivers = steps.wrap("key-driver analyses", compute.attach_drivers)
    compute.fingerprint = steps.wrap("fingerprint", compute.fingerprint)
    captured["release"] = release
    return captured


def cold_call(wave: Any, label: str) -> tuple[Steps, Any]:
    compute, _ = services()
    steps = Steps()
    captured = instrument(steps)
    rss_before = _status("VmRSS")
    try:
        with steps.step("compute_wave"):
            compute.compute_wave(wave)
    finally:
        restore()
    total = steps.steps["compute_wave"]
    inner = [steps.steps[s] for s in TOP_LEVEL if s in steps.steps]
    steps.steps[REST] = Step(
        total.wall - sum(s.wall for s in inner), total.cpu - sum(s.cpu for s in inner)
    )
    print(
        f"{label}: {total.wall:.2f} s wall, {total.cpu:.2f} s CPU, peak RSS {mib(total.peak)} "
        f"(RSS before {mib(rss_before)}), load average {load()}",
        flush=True,
    )
    steps.steps["compute_wave"].calls = rss_before  # kept for the table (RSS before, KiB)
    return steps, captured


_ORIGINALS: dict[tuple[object, str], Any] = {}


def remember_originals() -> None:
    compute, gate = services()
    for module, names in (
        (
            compute,
            (
                "load_wave",
                "run_gate",
                "organization_names",
                "mask_comments",
                "label_cells",
                "mark_cells",
                "attach_drivers",
                "fingerprint",
            ),
        ),
        (gate, ("build_request", "release_groups", "released_cells", "mark_protecting")),
    ):
        for name in names:
            _ORIGINALS[(module, name)] = getattr(module, name)


def restore() -> None:
    for (module, name), function in _ORIGINALS.items():
        setattr(module, name, function)


def print_cold(runs: list[tuple[str, Steps]]) -> None:
    print("\nCOLD compute_wave, step by step (wall s / CPU s / peak RSS during the step)")
    header = f"  {'step':34s}" + "".join(f" | {name:>30s}" for name, _ in runs)
    print(header)
    for name in ("compute_wave", *STEP_ORDER, REST):
        cells = []
        for _, steps in runs:
            s = steps.steps.get(name)
            if s is None:
                cells.append(f"{'not called':>30s}")
                continue
            peak = f"{mib(s.peak):>9s}" if s.peak else " " * 9
            cells.append(f"{s.wall:7.2f} / {s.cpu:7.2f} / {peak}")
        label = "compute_wave (total)" if name == "compute_wave" else name
        print(f"  {label:34s}" + "".join(f" | {c:>30s}" for c in cells))
    print(
        "  RSS before the call               "
        + "".join(f" | {mib(steps.steps['compute_wave'].calls):>30s}" for _, steps in runs)
    )


def describe(wave: Any) -> None:
    from clinwell.web.results.models import PublishedCell, WaveResult

    cells = PublishedCell.objects.filter(wave=wave)
    everyone = cells.filter(group="")
    groups = cells.exclude(group="")
    result = WaveResult.objects.get(wave=wave)
    drivers = sum(1 for d in everyone.values_list("drivers", flat=True) if d and "drivers" in d)
    print(
        f"released cells {cells.count():,}: unit tree {everyone.count():,} "
        f"({everyone.filter(suppressed=True).count():,} hidden), by group {groups.count():,} "
        f"({groups.filter(suppressed=True).count():,} hidden, "
        f"{groups.filter(protects_other=True).count():,} protecting another group); "
        f"measures {len(result.measures)}, BH tests {result.tests:,}, "
        f"driver analyses {drivers}"
    )


def profile_release(captured: dict[str, Any], top: int) -> None:
    request, policy = captured["args"]
    profiler = cProfile.Profile()
    t0, c0 = time.perf_counter(), time.process_time()
    profiler.enable()
    captured["release"](request, policy)
    profiler.disable()
    print(
        f"\nPROFILE of the release by group (release_groups, run once more under cProfile: "
        f"{time.perf_counter() - t0:.2f} s wall, {time.process_time() - c0:.2f} s CPU, "
        f"load average {load()}), top {top} by cumulative time"
    )
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    text = out.getvalue()
    start = text.find("   ncalls")
    print(text[start:] if start >= 0 else text)


# --------------------------------------------------------------------------- warm


def pages(org: Any, wave: Any) -> dict[str, str]:
    from clinwell.web.orgs.models import Unit

    site = Unit.objects.filter(organization=org, full_name="Bench Health/Site 3").first()
    assert site is not None
    base = f"/o/{ORG_SLUG}/results/"
    out = {
        "overview": base,
        "heatmap (organization)": base + "heatmap/",
        "heatmap (a site)": f"{base}heatmap/?unit={site.pk}",
        "drivers": base + "drivers/",
        "trends": base + "trends/",
        "overview with cost inputs": base + "?physicians=800&turnover=8&cost_per_departure=600000",
        "overview ?role=physician": base + "?role=physician",
        "heatmap ?role=nurse": base + "heatmap/?role=nurse",
    }
    if "gender" in (wave.attributes or []):
        out["heatmap ?gender=woman"] = base + "heatmap/?gender=woman"
        out["overview ?role=nurse&gender=man"] = base + "?role=nurse&gender=man"
    out["equity"] = base + "equity/"
    return out


def warm(
    org: Any, wave: Any, admin: Any, repeats: int
) -> dict[str, tuple[list[float], list[float]]]:
    from django.test import Client

    client = Client()
    client.force_login(admin)
    out: dict[str, tuple[list[float], list[float]]] = {}
    for name, url in pages(org, wave).items():
        assert client.get(url).status_code == 200, url  # first hit warms template caches
        walls, cpus = [], []
        for _ in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url)
            walls.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
            assert response.status_code == 200, url
        out[name] = (walls, cpus)
    return out


def p50_p95(samples: list[float]) -> tuple[float, float]:
    ms = sorted(1000 * s for s in samples)
    return statistics.median(ms), ms[min(len(ms) - 1, round(0.95 * len(ms)) - 1)]


# --------------------------------------------------------------------------- phases


def setup_django() -> None:
    import django

    django.setup()


def phase_build(args: argparse.Namespace) -> None:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    build(args.responses, args.seed, not args.no_attributes, args.single_class, args.comments)


def phase_measure(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    setup_django()
    from clinwell.web.accounts.models import User
    from clinwell.web.orgs.models import Organization
    from clinwell.web.surveys.models import Wave

    org = Organization.objects.get(slug=ORG_SLUG)
    wave = Wave.objects.get(organization=org, name="Bench wave")
    admin = User.objects.get(email="admin@bench.example")
    print(
        f"measuring in a fresh process (Django set up in {time.perf_counter() - started:.2f} s, "
        f"RSS {mib(_status('VmRSS'))}); wave asks {wave.attributes or 'no attribute'}; "
        f"load average {load()}",
        flush=True,
    )
    remember_originals()
    first, captured = cold_call(wave, "compute_wave, first call in the process")
    describe(wave)
    print_cold([("first call in the process", first)])
    runs = [("first call in the process", first)]
    if args.calls > 1:
        again, captured = cold_call(wave, "compute_wave, again with the code loaded")
        runs.append(("again, code loaded", again))
        print_cold(runs)
    if args.tracemalloc:
        import tracemalloc

        from clinwell.web.results.services import compute

        tracemalloc.start()
        t0 = time.perf_counter()
        compute.compute_wave(wave)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"\ntracemalloc: peak traced Python/numpy allocations during compute_wave "
            f"{peak / 2**20:,.0f} MiB (that call {time.perf_counter() - t0:.2f} s wall, slowed "
            "by tracing)"
        )
    if args.profile:
        profile_release(captured, args.profile)
    for clock in (0, 1):
        name = ("wall", "CPU")[clock]
        print(
            f"\nWARM pages, {name} time ({args.repeats} requests each after one warm-up, "
            f"Django test client), load average {load()}"
        )
        results = warm(org, wave, admin, args.repeats)
        for page, samples in results.items():
            p50, p95 = p50_p95(samples[clock])
            print(f"  {page:34s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"\nmeasuring process: peak RSS over its life {usage.ru_maxrss / 1024:,.0f} MiB, "
        f"CPU {usage.ru_utime + usage.ru_stime:.1f} s, load average {load()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--no-attributes", action="store_true", help="the wave asks no respondent attribute"
    )
    parser.add_argument(
        "--single-class",
        action="store_true",
        help="every response has the same role and tenure band (with --no-attributes: the "
        "shape measured before cuts)",
    )
    parser.add_argument(
        "--comments", type=float, default=0.0, help="share of responses with a comment"
    )
    parser.add_argument("--calls", type=int, default=2, help="cold calls of compute_wave (1 or 2)")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="top N lines of the release profile"
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="a third, traced call for Python's peak"
    )
    parser.add_argument(
        "--db", type=Path, help="reuse (or build into) this var directory instead of a new one"
    )
    parser.add_argument("--phase", choices=("all", "build", "measure"), default="all")
    args = parser.parse_args()
    if args.phase == "build":
        phase_build(args)
        return
    if args.phase == "measure":
        phase_measure(args)
        return
    var = args.db or Path(tempfile.mkdtemp(prefix="clinwell-bench-results-"))
    var.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CLINWELL_VAR_DIR": str(var)}
    print(f"python {sys.version.split()[0]}, var dir {var}, load average {load()}", flush=True)
    forward = [a for a in sys.argv[1:] if not a.startswith("--phase")]
    command = [sys.executable, __file__, *forward]
    if not (var / "clinwell.sqlite3").exists():
        subprocess.run([*command, "--phase", "build"], env=env, check=True)
    else:
        print("reusing the database already built there", flush=True)
    subprocess.run([*command, "--phase", "measure"], env=env, check=True)


if __name__ == "__main__":
    main()
