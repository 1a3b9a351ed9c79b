"""Clinician ids of an audit log → roster units, through ``Person.external_id``.

The audit log identifies clinicians by the EHR's user id (``clinician_id``; ``USER_ID`` in an
Epic Clarity extract). A roster entry whose ``external_id`` equals that id (after trimming
spaces; case-sensitive) puts the clinician in the entry's unit. An id carried by roster entries
in two different units is *ambiguous* and left unmapped; an id on no entry is *unmatched*.
Only counts are reported, never names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from clinwell.web.ehrburden.models import EhrMetricRow, EhrRun
from clinwell.web.orgs.models import Organization, Person


@dataclass(frozen=True)
class RosterMatch:
    """Where each clinician id maps (``units``: id → unit pk) and the counts."""

    units: dict[str, int] = field(default_factory=dict)
    matched: int = 0
    unmatched: int = 0
    ambiguous: int = 0


def match_roster(organization: Organization, clinician_ids: Iterable[str]) -> RosterMatch:
    """Map ``clinician_ids`` to units of ``organization``'s roster (active or not)."""
    by_external: dict[str, set[int]] = defaultdict(set)
    people = (
        Person.objects.filter(organization=organization)
        .exclude(external_id="")
        .values_list("external_id", "unit_id")
    )
    for external_id, unit_id in people:
        by_external[external_id.strip()].add(unit_id)
    units: dict[str, int] = {}
    unmatched = ambiguous = 0
    for cid in set(clinician_ids):
        found = by_external.get(cid.strip())
        if not found:
            unmatched += 1
        elif len(found) > 1:
            ambiguous += 1
        else:
            units[cid] = next(iter(found))
    return RosterMatch(units, len(units), unmatched, ambiguous)


@transaction.atomic
def remap_run(run: EhrRun) -> RosterMatch:
    """Map a finished run's clinicians again, to the roster as it is now."""
    ids = list(run.rows.values_list("clinician_id", flat=True).distinct())
    match = match_roster(run.organization, ids)
    by_unit: dict[int, list[str]] = defaultdict(list)
    for cid, unit_id in match.units.items():
        by_unit[unit_id].append(cid)
    run.rows.update(unit=None)
    for unit_id, cids in by_unit.items():
        for start in range(0, len(cids), 500):
            EhrMetricRow.objects.filter(run=run, clinician_id__in=cids[start : start + 500]).update(
                unit_id=unit_id
            )
    EhrRun.objects.filter(pk=run.pk).update(
        matched=match.matched, unmatched=match.unmatched, ambiguous=match.ambiguous
    )
    return match
