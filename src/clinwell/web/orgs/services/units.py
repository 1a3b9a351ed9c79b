"""Create units and import the unit tree from a file of slash-separated paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction

from clinwell.web.orgs.models import Organization, Unit
from clinwell.web.orgs.services.tabular import ImportValidationError, RowError, read_table

PATH_SEPARATOR = "/"
KIND_VALUES = {k.value for k in Unit.Kind}
# Unit.full_name and tree_path hold 1,000 characters: longer paths, or so many levels that
# the path of ids would overflow, would fail in the database rather than as a listed error.
MAX_PATH_LENGTH = 1000
MAX_DEPTH = 50
DEFAULT_KIND_BY_DEPTH = [Unit.Kind.SYSTEM, Unit.Kind.SITE, Unit.Kind.DEPARTMENT, Unit.Kind.CLINIC]


def split_path(path: str) -> list[str]:
    """``'Main Campus / Medicine/Cardiology'`` → ``['Main Campus', 'Medicine', 'Cardiology']``."""
    return [part.strip() for part in path.strip().strip(PATH_SEPARATOR).split(PATH_SEPARATOR)]


def create_unit(
    organization: Organization, name: str, parent: Unit | None = None, kind: str | None = None
) -> Unit:
    """Create one unit under ``parent`` (or at the root), maintaining its materialized path."""
    depth = 0 if parent is None else parent.depth + 1
    if kind is None:
        kind = DEFAULT_KIND_BY_DEPTH[min(depth, len(DEFAULT_KIND_BY_DEPTH) - 1)]
    full_name = name if parent is None else f"{parent.full_name}{PATH_SEPARATOR}{name}"
    with transaction.atomic():
        unit = Unit.objects.create(
            organization=organization,
            parent=parent,
            name=name,
            kind=kind,
            depth=depth,
            full_name=full_name,
            tree_path="",
        )
        unit.tree_path = f"{parent.tree_path if parent else '/'}{unit.pk}/"
        unit.save(update_fields=["tree_path"])
    return unit


def ensure_unit_path(
    organization: Organization, path: str, kind: str | None = None, *, cache: dict[str, Unit]
) -> Unit:
    """The unit at ``path``, creating it and any missing ancestors."""
    parts = split_path(path)
    parent: Unit | None = None
    for depth, name in enumerate(parts):
        prefix = PATH_SEPARATOR.join(parts[: depth + 1])
        unit = cache.get(prefix)
        is_leaf = depth == len(parts) - 1
        if unit is None:
            unit = create_unit(organization, name, parent, kind if is_leaf else None)
            cache[prefix] = unit
        elif is_leaf and kind and unit.kind != kind:
            unit.kind = kind
            unit.save(update_fields=["kind"])
        parent = unit
    if parent is None:
        raise ValueError(f"'{path}' is not a unit path")
    return parent


@dataclass(frozen=True)
class UnitImportReport:
    created: int
    existing: int


def import_units(organization: Organization, filename: str, stream: BinaryIO) -> UnitImportReport:
    """Import units from CSV/XLSX with a ``path`` column (and optional ``kind``).

    Every row is validated before anything is written; any problem rejects the whole file
    with every bad row and column listed. Missing ancestors are created.
    """
    table = read_table(filename, stream)
    if "path" not in table.columns:
        raise ImportValidationError(
            filename, [RowError(1, "path", "required column is missing (e.g. 'Site/Department')")]
        )
    errors: list[RowError] = []
    wanted: dict[str, str | None] = {}
    for row, values in table.rows:
        row_errors: list[RowError] = []
        raw_path = values.get("path", "")
        parts = split_path(raw_path)
        if not raw_path or any(not p for p in parts):
            row_errors.append(RowError(row, "path", f"'{raw_path}' has an empty level"))
        elif any(len(p) > 200 for p in parts):
            row_errors.append(RowError(row, "path", "a level is longer than 200 characters"))
        elif len(parts) > MAX_DEPTH:
            row_errors.append(RowError(row, "path", f"more than {MAX_DEPTH} levels"))
        elif len(PATH_SEPARATOR.join(parts)) > MAX_PATH_LENGTH:
            row_errors.append(
                RowError(row, "path", f"the path is longer than {MAX_PATH_LENGTH} characters")
            )
        kind = values.get("kind", "").lower() or None
        if kind and kind not in KIND_VALUES:
            row_errors.append(
                RowError(row, "kind", f"'{kind}' is not one of {', '.join(sorted(KIND_VALUES))}")
            )
        if row_errors:
            errors += row_errors
            continue
        key = PATH_SEPARATOR.join(parts)
        if key in wanted and kind and wanted[key] and wanted[key] != kind:
            errors.append(RowError(row, "kind", f"'{key}' is given two kinds"))
            continue
        wanted[key] = kind or wanted.get(key)
    if not table.rows:
        errors.append(RowError(None, None, "the file has a header but no rows"))
    errors += _outside_the_system(organization, table.rows, wanted)
    if errors:
        raise ImportValidationError(filename, errors)

    cache = {u.full_name: u for u in Unit.objects.filter(organization=organization)}
    already = sum(1 for path in wanted if path in cache)
    before = len(cache)
    with transaction.atomic():
        for path, kind in wanted.items():
            ensure_unit_path(organization, path, kind, cache=cache)
    return UnitImportReport(created=len(cache) - before, existing=already)


def _outside_the_system(
    organization: Organization,
    rows: list[tuple[int, dict[str, str]]],
    wanted: dict[str, str | None],
) -> list[RowError]:
    """Rows that would start a second tree beside the organization's single system unit.

    When the tree has one top-level unit of kind "system" (the health system itself), a
    path that does not start with it would create a new top-level unit: almost always a
    path written without the system's name. Refused with the path it should have been.
    """
    tops = list(Unit.objects.filter(organization=organization, parent__isnull=True))
    if len(tops) != 1 or tops[0].kind != Unit.Kind.SYSTEM:
        return []
    system = tops[0].name
    errors = []
    for row, values in rows:
        parts = split_path(values.get("path", ""))
        if parts and all(parts) and parts[0] != system:
            key = PATH_SEPARATOR.join(parts)
            if key in wanted:
                errors.append(
                    RowError(
                        row,
                        "path",
                        f"'{key}' does not start with the health system '{system}': "
                        f"write it as '{system}{PATH_SEPARATOR}{key}'",
                    )
                )
    return errors
