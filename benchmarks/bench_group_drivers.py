"""Benchmark: the key-driver step (``attach_drivers``) with and without group cells.

Reads a database that already holds a closed wave named "Bench wave" (for example one built
by ``benchmarks/bench_results.py`` in its temporary CLINWELL_VAR_DIR, with roles, tenure bands
and the gender attribute mixed in), releases it once, and times in CPU time the driver step
on the everyone cells only (before group analyses) and on every cell with groups analysed at
units of depth at most 1, 2 (the default) and at every unit.

Run:  PYTHONPATH=src .venv/bin/python benchmarks/bench_group_drivers.py VAR_DIR
"""

from __future__ import annotations

import os
import sys
import time


def main(var_dir: str) -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinwell.web.settings")
    os.environ["CLINWELL_VAR_DIR"] = var_dir
    import django

    django.setup()
    from clinwell.privacy import DisclosurePolicy
    from clinwell.web.orgs.models import Unit
    from clinwell.web.results.services import compute
    from clinwell.web.results.services.catalog import wave_measures
    from clinwell.web.results.services.drivers import attach_drivers
    from clinwell.web.results.services.gate import run_gate, unit_path
    from clinwell.web.results.services.loading import load_wave
    from clinwell.web.surveys.models import Wave
    from clinwell.web.surveys.services.waves import wave_exclusions

    wave = Wave.objects.get(name="Bench wave")
    modules = list(wave.modules.all())
    measures = wave_measures([m.instrument_id for m in modules], wave_exclusions(modules))
    units = {u.pk: u for u in Unit.objects.filter(organization=wave.organization)}
    data = load_wave(wave, [m.column for m in measures], compute.asked_attributes(wave))
    paths = {k: unit_path(u.tree_path) for k, u in units.items()}
    depths = {pk: len(paths[pk].split("/")) for pk in units}
    descendants = compute._descendants(units)
    policy = DisclosurePolicy(wave.min_n_scores, wave.min_n_comments)
    cells = run_gate(data, paths, measures, policy)
    print(f"{data.size} responses, {len(cells)} cells")
    configs = [
        ("everyone cells only (before)", False, None),
        ("groups at depth <= 1", True, 1),
        ("groups at depth <= 2 (default)", True, 2),
        ("groups at every unit", True, None),
    ]
    for label, groups, depth in configs:
        chosen = [c for c in cells if groups or not c.group]
        runs = []
        for _ in range(2):
            for c in chosen:
                c.drivers = None
            started = time.process_time()
            attach_drivers(chosen, data, descendants, measures, policy.min_n_scores, depths, depth)
            runs.append(time.process_time() - started)
        own = sum(1 for c in chosen if c.drivers and "drivers" in c.drivers)
        print(f"{label}: {min(runs):.2f} s CPU (best of 2), {own} cells analysed", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
