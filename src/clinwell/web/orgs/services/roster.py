"""Import the roster (people, their unit, role and tenure band) from CSV or XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from clinwell.web.orgs.models import Organization, Person, Unit
from clinwell.web.orgs.services.tabular import ImportValidationError, RowError, read_table
from clinwell.web.orgs.services.units import PATH_SEPARATOR, split_path

REQUIRED_COLUMNS = ("email", "unit", "role")
OPTIONAL_COLUMNS = ("name", "tenure_band", "external_id")


@dataclass(frozen=True)
class RosterImportReport:
    created: int
    updated: int
    deactivated: int


def _choice_lookup(choices: list[dict[str, str]]) -> dict[str, str]:
    """Accept a choice by key or by label, case-insensitively."""
    lookup = {}
    for choice in choices:
        lookup[choice["key"].lower()] = choice["key"]
        lookup[choice["label"].lower()] = choice["key"]
    return lookup


def _max_length(field: str) -> int:
    """The database column's length for a text field of :class:`Person`."""
    length = getattr(Person._meta.get_field(field), "max_length", None)
    assert isinstance(length, int)
    return length


def _too_long(row: int, column: str) -> RowError:
    return RowError(row, column, f"longer than {_max_length(column)} characters")


def import_roster(
    organization: Organization,
    filename: str,
    stream: BinaryIO,
    *,
    deactivate_missing: bool = False,
) -> RosterImportReport:
    """Create or update people by e-mail address; all-or-nothing.

    Columns: ``email``, ``unit`` (a path such as ``Main Campus/Medicine``; the unit must
    already exist), ``role`` (a configured role key or label), and optionally ``name``,
    ``tenure_band`` and ``external_id``. With ``deactivate_missing``, people not in the
    file are marked inactive (never deleted).
    """
    table = read_table(filename, stream)
    errors = [
        RowError(1, c, "required column is missing")
        for c in REQUIRED_COLUMNS
        if c not in table.columns
    ]
    if errors:
        raise ImportValidationError(filename, errors)
    units = {u.full_name.lower(): u for u in Unit.objects.filter(organization=organization)}
    roles = _choice_lookup(organization.roster_roles)
    tenures = _choice_lookup(organization.tenure_bands)
    seen: dict[str, int] = {}
    parsed: list[tuple[str, Unit, str, str, str, str]] = []
    for row, values in table.rows:
        row_errors: list[RowError] = []
        email = values.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            row_errors.append(RowError(row, "email", f"'{email}' is not a valid e-mail address"))
        else:
            if len(email) > _max_length("email"):
                row_errors.append(_too_long(row, "email"))
            if email in seen:
                row_errors.append(
                    RowError(row, "email", f"'{email}' already appears on row {seen[email]}")
                )
            seen.setdefault(email, row)
        unit_path = PATH_SEPARATOR.join(split_path(values.get("unit", "")))
        unit = units.get(unit_path.lower())
        if unit is None:
            row_errors.append(
                RowError(row, "unit", f"unknown unit '{unit_path}' (import units first)")
            )
        raw_role = values.get("role", "")
        role = roles.get(raw_role.lower())
        if role is None:
            allowed = ", ".join(organization.role_keys())
            row_errors.append(RowError(row, "role", f"'{raw_role}' is not one of {allowed}"))
        raw_tenure = values.get("tenure_band", "")
        tenure = tenures.get(raw_tenure.lower(), "") if raw_tenure else ""
        if raw_tenure and not tenure:
            row_errors.append(
                RowError(
                    row,
                    "tenure_band",
                    f"'{raw_tenure}' is not one of {', '.join(organization.tenure_keys())}",
                )
            )
        name = values.get("name", "")
        if len(name) > _max_length("name"):
            row_errors.append(_too_long(row, "name"))
        external_id = values.get("external_id", "")
        if len(external_id) > _max_length("external_id"):
            row_errors.append(_too_long(row, "external_id"))
        if row_errors or unit is None or role is None:
            errors.extend(row_errors)
            continue
        parsed.append((email, unit, role, tenure, name, external_id))
    if not table.rows:
        errors.append(RowError(None, None, "the file has a header but no rows"))
    if errors:
        raise ImportValidationError(filename, errors)

    existing = {p.email: p for p in Person.objects.filter(organization=organization)}
    to_create: list[Person] = []
    to_update: list[Person] = []
    for email, unit, role, tenure, name, external_id in parsed:
        person = existing.get(email)
        if person is None:
            to_create.append(
                Person(
                    organization=organization,
                    email=email,
                    unit=unit,
                    role=role,
                    tenure_band=tenure,
                    name=name,
                    external_id=external_id,
                )
            )
            continue
        person.unit, person.role, person.tenure_band, person.active = unit, role, tenure, True
        person.name = name or person.name
        person.external_id = external_id or person.external_id
        to_update.append(person)
    missing = [p for email, p in existing.items() if email not in seen and p.active]
    with transaction.atomic():
        # The settings page locks this row while it checks that a removed role is unused:
        # if a key of this file was removed since it was validated, refuse, not orphan it.
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        if not {p[2] for p in parsed} <= set(locked.role_keys()) or not (
            {p[3] for p in parsed if p[3]} <= set(locked.tenure_keys())
        ):
            raise ImportValidationError(
                filename,
                [
                    RowError(
                        None,
                        None,
                        "the organization's roles or tenure bands changed during the import; "
                        "upload the file again",
                    )
                ],
            )
        Person.objects.bulk_create(to_create, batch_size=1000)
        Person.objects.bulk_update(
            to_update,
            ["unit", "role", "tenure_band", "active", "name", "external_id"],
            batch_size=1000,
        )
        if deactivate_missing and missing:
            Person.objects.filter(pk__in=[p.pk for p in missing]).update(active=False)
    return RosterImportReport(
        created=len(to_create),
        updated=len(to_update),
        deactivated=len(missing) if deactivate_missing else 0,
    )
