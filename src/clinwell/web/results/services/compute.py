"""Cold computation of every dashboard aggregate of one wave, stored as released cells.

Steps: open the sealed responses (one query), release the unit tree through the privacy
gate (one request: every measure and the comments), mask names, e-mail addresses and phone
numbers in the released comments, label the released comments with themes and sentiment
(:mod:`.comment_themes`), mark significant units (BH), run the key-driver analyses (units and
the published groups in them), and replace
the wave's cached rows in one transaction (one ``executemany``: :mod:`.raw_sql`).
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from clinwell.privacy import DisclosurePolicy
from clinwell.privacy.masking import NameMasker
from clinwell.web.orgs.models import Membership, Person, Unit
from clinwell.web.results.models import PublishedCell, WaveResult
from clinwell.web.results.services.catalog import heatmap_measures, wave_measures
from clinwell.web.results.services.comment_themes import label_cells
from clinwell.web.results.services.drivers import attach_drivers
from clinwell.web.results.services.gate import CellData, run_gate, unit_path
from clinwell.web.results.services.loading import load_wave
from clinwell.web.results.services.raw_sql import insert_rows
from clinwell.web.results.services.significance import Q_LEVEL, mark_cells
from clinwell.web.surveys.models import Response, Wave
from clinwell.web.surveys.services.waves import wave_exclusions

CACHE_VERSION = "results-8"  # 4: scales; 5: themes; 6: one-way first; 7: rare values merged;
# 8: driver analyses of groups


def fingerprint(wave: Wave) -> str:
    """What the cached results depend on; a change means they must be recomputed."""
    parts = [
        CACHE_VERSION,
        wave.status,
        str(wave.min_n_scores),
        str(wave.min_n_comments),
        ",".join(m.instrument_id for m in wave.modules.all()),
        str(Response.objects.filter(wave=wave).count()),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def asked_attributes(wave: Wave) -> list[str]:
    """The respondent attributes the wave asked (fixed at launch), in a stable order."""
    return sorted(wave.attributes or [])


def organization_names(wave: Wave) -> list[str]:
    """Names a comment might mention: the roster's and the organization's members'."""
    org = wave.organization
    people = list(Person.objects.filter(organization=org).values_list("name", flat=True))
    members = Membership.objects.filter(organization=org).values_list("user__full_name", flat=True)
    return [name for name in [*people, *members] if name]


def mask_comments(cells: list[CellData], names: list[str]) -> None:
    """Mask e-mail addresses, phone numbers and names in every released comment list."""
    mask = NameMasker(names)
    for cell in cells:
        if not cell.comments:
            continue
        cell.comments = {
            question: None if texts is None else sorted(mask(t) for t in texts)
            for question, texts in cell.comments.items()
        }


def _descendants(units: dict[int, Unit]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for unit in units.values():
        for ancestor in unit.tree_path.strip("/").split("/"):
            out[int(ancestor)].add(unit.pk)
    return out


def compute_wave(wave: Wave) -> WaveResult:
    """Compute and store the wave's released results (replacing any older rows)."""
    started = time.perf_counter()
    modules = list(wave.modules.all())
    measures = wave_measures([m.instrument_id for m in modules], wave_exclusions(modules))
    units = {
        u.pk: u
        for u in Unit.objects.filter(organization=wave.organization).only(
            "pk", "tree_path", "parent_id"
        )
    }
    data = load_wave(wave, [m.column for m in measures], asked_attributes(wave))
    policy = DisclosurePolicy(wave.min_n_scores, wave.min_n_comments)
    paths = {pk: unit_path(u.tree_path) for pk, u in units.items()}
    cells = run_gate(data, paths, measures, policy)
    everyone = [c for c in cells if not c.group]
    mask_comments(everyone, organization_names(wave))
    comment_themes = label_cells(everyone)
    tests = mark_cells(everyone, heatmap_measures(measures), Q_LEVEL)
    depths = {pk: len(paths[pk].split("/")) for pk in units}
    attach_drivers(cells, data, _descendants(units), measures, policy.min_n_scores, depths)
    stamp = fingerprint(wave)
    with transaction.atomic():
        PublishedCell.objects.filter(wave=wave).delete()
        insert_rows(
            PublishedCell,
            [
                {
                    "wave_id": wave.pk,
                    "unit_id": c.unit_id,
                    "parent_id_cache": None if c.unit_id is None else units[c.unit_id].parent_id,
                    "group": c.group,
                    "suppressed": c.suppressed,
                    "protects_other": c.protects_other,
                    "n": c.n,
                    "estimates": c.estimates,
                    "marks": c.marks,
                    "drivers": c.drivers,
                    "comments": c.comments,
                    "comment_themes": None if c.group else comment_themes.get(c.unit_id),
                }
                for c in cells
            ],
        )
        result, _ = WaveResult.objects.update_or_create(
            wave=wave,
            defaults={
                "fingerprint": stamp,
                "computed_at": timezone.now(),
                "seconds": round(time.perf_counter() - started, 3),
                "measures": [m.to_json() for m in measures],
                "policy": {
                    "min_n_scores": policy.min_n_scores,
                    "min_n_comments": policy.min_n_comments,
                },
                "tests": tests,
                "q_level": Q_LEVEL,
            },
        )
    return result
