"""Get a wave's released results, computing them once (cold) and reusing them (warm).

Only closed waves are ever shown. The cache rows of a wave are valid for its fingerprint
(:func:`~clinwell.web.results.services.compute.fingerprint`); when a wave closes (or responses
are imported into a closed wave) the fingerprint changes and the next read recomputes.
:func:`invalidate` drops a wave's rows explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q

from clinwell.web.orgs.models import Organization
from clinwell.web.results.models import PublishedCell, WaveResult
from clinwell.web.results.services.catalog import MeasureInfo
from clinwell.web.results.services.compute import compute_wave, fingerprint
from clinwell.web.surveys import access as surveys_access
from clinwell.web.surveys.models import Wave


@dataclass
class WaveResults:
    """A closed wave's released results, read lazily from the cache tables."""

    wave: Wave
    meta: WaveResult

    @cached_property
    def measures(self) -> list[MeasureInfo]:
        return [MeasureInfo.from_json(m) for m in self.meta.measures]

    def measure(self, column: str) -> MeasureInfo | None:
        return next((m for m in self.measures if m.column == column), None)

    def cell(self, unit_id: int | None, group: str = "") -> PublishedCell | None:
        """The released cell of a unit (None = the organization) for a group of respondents
        (``""`` = everyone; see :class:`PublishedCell`), if it has responses."""
        memo = self.__dict__.setdefault("_cells", {})
        if (unit_id, group) not in memo:
            cells = PublishedCell.objects.filter(wave=self.wave, group=group)
            if unit_id is None:
                memo[unit_id, group] = cells.filter(unit__isnull=True).first()
            else:
                memo[unit_id, group] = cells.filter(unit_id=unit_id).first()
        found: PublishedCell | None = memo[unit_id, group]
        return found

    def children(self, unit_id: int | None, group: str = "") -> list[PublishedCell]:
        """Released cells of a unit's children (None = the tree's root units)."""
        cells = PublishedCell.objects.filter(wave=self.wave, group=group, unit__isnull=False)
        return list(cells.filter(parent_id_cache=unit_id).select_related("unit"))

    def cells(self, unit_ids: list[int] | None, group: str | None = "") -> list[PublishedCell]:
        """Released cells of the given units (None = every unit, the organization first) for
        one group (``""`` = everyone; None = every group, everyone's cell first)."""
        cells = PublishedCell.objects.filter(wave=self.wave).select_related("unit")
        if group is not None:
            cells = cells.filter(group=group)
        if unit_ids is not None:
            cells = cells.filter(unit_id__in=unit_ids)
        return sorted(
            cells,
            key=lambda c: ("" if c.unit is None else c.unit.full_name, c.group != "", c.group),
        )

    def groups(self, unit_id: int | None) -> list[str]:
        """The groups with a cell at this unit (published or hidden), ``""`` first."""
        cells = PublishedCell.objects.filter(wave=self.wave)
        cells = (
            cells.filter(unit__isnull=True) if unit_id is None else cells.filter(unit_id=unit_id)
        )
        return sorted(set(cells.values_list("group", flat=True)), key=lambda g: (g != "", g))


def closed_waves(organization: Organization) -> list[Wave]:
    """The organization's closed waves, oldest first."""
    return list(surveys_access.closed_waves(organization))


def results_for(wave: Wave) -> WaveResults:
    """Released results of a closed wave, computed now if the cache is missing or stale."""
    if wave.status != Wave.Status.CLOSED:
        raise ValueError(f"wave {wave.pk} is not closed; results appear after a wave closes")
    meta = WaveResult.objects.filter(wave=wave).first()
    if meta is not None and meta.frozen:
        return WaveResults(wave, meta)  # the release stands after raw answers are deleted
    if meta is None or meta.fingerprint != fingerprint(wave):
        meta = compute_wave(wave)
    return WaveResults(wave, meta)


def freeze(wave: Wave) -> WaveResults:
    """Compute the wave's release if needed and keep it as it is for good (before
    retention deletes the raw responses, so every result page stays identical)."""
    results = results_for(wave)
    WaveResult.objects.filter(pk=results.meta.pk).update(frozen=True)
    results.meta.frozen = True
    return results


def invalidate(wave: Wave) -> None:
    """Drop a wave's cached results (they are recomputed on the next read); a frozen
    release (its raw responses deleted by retention) is kept."""
    if WaveResult.objects.filter(wave=wave, frozen=True).exists():
        return
    WaveResult.objects.filter(wave=wave).delete()
    PublishedCell.objects.filter(wave=wave).delete()


def invalidate_organization(organization: Organization) -> None:
    frozen = WaveResult.objects.filter(wave__organization=organization, frozen=True)
    kept = list(frozen.values_list("wave_id", flat=True))
    WaveResult.objects.filter(Q(wave__organization=organization)).exclude(wave_id__in=kept).delete()
    PublishedCell.objects.filter(wave__organization=organization).exclude(wave_id__in=kept).delete()
