"""What a member may see of the results: the wave they asked for and the unit scope.

Organization-wide roles see the organization and every unit; a leader sees their own unit's
subtree only — their default scope is their unit, and any other unit goes through
:func:`clinwell.web.orgs.access.access_unit` (404 outside the subtree or the tenant).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from clinwell.web.orgs.access import access_unit, visible_units
from clinwell.web.orgs.models import Membership, Unit
from clinwell.web.results.services.cache import WaveResults, closed_waves, results_for
from clinwell.web.surveys.models import Wave


@dataclass
class Scope:
    """The group a page is about: ``unit`` None means the whole organization."""

    unit: Unit | None
    label: str
    org_wide: bool

    @property
    def unit_id(self) -> int | None:
        return None if self.unit is None else self.unit.pk


def _int(raw: str | None, what: str) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise Http404(f"No such {what}") from exc


def scope_for(membership: Membership, unit_param: str | None) -> Scope:
    """The requested unit (checked through the access layer) or the member's default scope."""
    unit_id = _int(unit_param, "unit")
    if unit_id is not None:
        unit = access_unit(membership, unit_id)
        return Scope(unit, unit.name, membership.is_org_wide)
    if membership.is_org_wide:
        return Scope(None, membership.organization.name, True)
    if membership.unit is None:
        raise Http404("No such unit")
    return Scope(membership.unit, membership.unit.name, False)


class WaveNotClosed(Http404):
    """The chosen wave is the organization's but has no results yet (draft or still open).

    A 404 to callers that only want results (the API); the results pages catch it and say
    when results will appear.
    """

    def __init__(self, wave: Wave) -> None:
        super().__init__("This wave has no results yet: results appear after it closes")
        self.wave = wave


def pick_wave(membership: Membership, wave_param: str | None) -> tuple[list[Wave], Wave | None]:
    """Closed waves (oldest first) and the selected one (default: the latest), or 404
    (:class:`WaveNotClosed` for a wave of the organization that has not closed yet)."""
    waves = closed_waves(membership.organization)
    wave_id = _int(wave_param, "wave")
    if wave_id is None:
        return waves, (waves[-1] if waves else None)
    chosen = next((w for w in waves if w.pk == wave_id), None)
    if chosen is None:
        pending = Wave.objects.filter(organization=membership.organization, pk=wave_id).first()
        if pending is not None:
            raise WaveNotClosed(pending)
        raise Http404("No such wave")
    return waves, chosen


def visible_unit_ids(membership: Membership) -> set[int]:
    return set(visible_units(membership).values_list("pk", flat=True))


def results(wave: Wave) -> WaveResults:
    return results_for(wave)
