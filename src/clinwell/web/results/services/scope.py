"""What a member may see of the results: the wave they asked for, the unit scope and the
group of respondents (a cut by role and one attribute).

Organization-wide roles see the organization and every unit; a leader sees their own unit's
subtree only — their default scope is their unit, and any other unit goes through
:func:`clinwell.web.orgs.access.access_unit` (404 outside the subtree or the tenant). A cut
never widens that: it narrows the respondents inside the unit the member may see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.http import Http404

from clinwell.instruments.attributes import ATTRIBUTES, NOT_STATED
from clinwell.web.orgs.access import access_unit, visible_units
from clinwell.web.orgs.models import Membership, Organization, Unit
from clinwell.web.results.services.cache import WaveResults, closed_waves, results_for
from clinwell.web.results.services.compute import asked_attributes
from clinwell.web.surveys.models import Wave

ROLE = "role"
TENURE = "tenure"


@dataclass
class Scope:
    """The group a page is about: ``unit`` None means the whole organization; ``group`` the
    respondents inside it (``""`` = everyone, else a key like ``role=physician&gender=woman``,
    see :class:`~clinwell.web.results.models.PublishedCell`)."""

    unit: Unit | None
    label: str
    org_wide: bool
    group: str = ""
    group_label: str = ""
    cut: dict[str, str] = field(default_factory=dict)  # dimension -> chosen value

    @property
    def unit_id(self) -> int | None:
        return None if self.unit is None else self.unit.pk

    @property
    def is_physicians(self) -> bool:
        """Exactly the physicians of the unit: the only group national figures compare with."""
        return self.group == "role=physician"

    def query(self) -> dict[str, str]:
        """The unit and cut as query parameters (for links that keep them)."""
        out = {} if self.unit is None else {"unit": str(self.unit.pk)}
        return {**out, **self.cut}


def cut_dimensions(
    organization: Organization, wave: Wave
) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The dimensions a results page can be cut by, in release order, each with its label and
    (code, label) values: role, tenure band, then the attributes the wave asked."""
    dims = [
        (ROLE, "Role", [(key, organization.role_label(key)) for key in organization.role_keys()]),
        (
            TENURE,
            "Time in organization",
            [(key, organization.tenure_label(key)) for key in organization.tenure_keys()],
        ),
    ]
    for key in asked_attributes(wave):
        attribute = ATTRIBUTES.get(key)
        if attribute is None:
            continue
        dims.append((key, attribute.label, list(attribute.options)))
    return [(name, label, [*values, (NOT_STATED, "Not stated")]) for name, label, values in dims]


def cut_for(
    organization: Organization, wave: Wave, params: Mapping[str, str]
) -> tuple[str, str, dict[str, str]]:
    """``(group key, label, chosen values)`` of the requested cut, or 404.

    At most a role and one other attribute: the release holds one-way cuts at every unit and
    role × attribute at the organization and site levels, and nothing finer.
    """
    chosen: dict[str, str] = {}
    labels: list[str] = []
    for name, label, values in cut_dimensions(organization, wave):
        raw = params.get(name, "")
        if not raw:
            continue
        value_label = dict(values).get(raw)
        if value_label is None:
            raise Http404(f"No such {label.lower()}")
        chosen[name] = raw
        labels.append(value_label if name == ROLE else f"{label}: {value_label}")
    if len([n for n in chosen if n != ROLE]) > 1:
        raise Http404("Results can be cut by a role and one other attribute at a time")
    key = "&".join(f"{name}={value}" for name, value in chosen.items())
    return key, " · ".join(labels), chosen


def _int(raw: str | None, what: str) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise Http404(f"No such {what}") from exc


def scope_for(
    membership: Membership,
    unit_param: str | None,
    params: Mapping[str, str] | None = None,
    wave: Wave | None = None,
) -> Scope:
    """The requested unit (checked through the access layer) or the member's default scope,
    with the requested cut of ``wave`` (``params`` holds ``role=…``, ``tenure=…``, …)."""
    unit_id = _int(unit_param, "unit")
    if unit_id is not None:
        unit = access_unit(membership, unit_id)
        scope = Scope(unit, unit.name, membership.is_org_wide)
    elif membership.is_org_wide:
        scope = Scope(None, membership.organization.name, True)
    elif membership.unit is None:
        raise Http404("No such unit")
    else:
        scope = Scope(membership.unit, membership.unit.name, False)
    if params is not None and wave is not None:
        scope.group, scope.group_label, scope.cut = cut_for(membership.organization, wave, params)
    return scope


def pick_wave(membership: Membership, wave_param: str | None) -> tuple[list[Wave], Wave | None]:
    """Closed waves (oldest first) and the selected one (default: the latest), or 404."""
    waves = closed_waves(membership.organization)
    wave_id = _int(wave_param, "wave")
    if wave_id is None:
        return waves, (waves[-1] if waves else None)
    chosen = next((w for w in waves if w.pk == wave_id), None)
    if chosen is None:
        raise Http404("No such wave")
    return waves, chosen


def visible_unit_ids(membership: Membership) -> set[int]:
    return set(visible_units(membership).values_list("pk", flat=True))


def results(wave: Wave) -> WaveResults:
    return results_for(wave)


def cut_filter(membership: Membership, wave: Wave, scope: Scope) -> dict[str, object]:
    """The cut picker of a results page: each dimension with its values and the choice."""
    return {
        "dimensions": [
            {"name": name, "label": label, "values": values, "chosen": scope.cut.get(name, "")}
            for name, label, values in cut_dimensions(membership.organization, wave)
        ],
        "active": bool(scope.group),
        "label": scope.group_label,
    }
