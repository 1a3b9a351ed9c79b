"""Validate a contribution document (schema version 1) field by field.

Every rule of docs/consortium.md ("The contribution file") is checked here and every broken
one is reported, with the JSON path of its field; :func:`parse_contribution` returns a
:class:`~clinwell.consortium.contribution.Contribution` only when there is none.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from clinwell.consortium._checks import Checker, Problem, shown
from clinwell.consortium.contribution import (
    CELL_FIELDS,
    IMPACT_FIELDS,
    MAX_FILE_BYTES,
    MEMBER_ID_PATTERN,
    MIN_MEMBER_GATE,
    PERIOD_PATTERN,
    SCHEMA_NAME,
    SCHEMA_VERSION,
    SIZE_FIELDS,
    TOP_LEVEL,
    CellValue,
    Contribution,
    ContributionError,
    ImpactRecord,
)
from clinwell.consortium.vocabulary import ALL, ROLE_GROUPS, SPECIALTY_GROUPS, pooled_measures
from clinwell.knowledge import burnout_levels, interventions


def _cell(c: Checker, where: str, data: Any, min_n: int) -> CellValue | None:
    if not isinstance(data, Mapping):
        c.add(where, "must be an object")
        return None
    before = len(c.problems)
    c.unknown_fields(f"{where}.", data, CELL_FIELDS)
    key = c.text(f"{where}.measure", data.get("measure"), max_length=120)
    measure = pooled_measures().get(key)
    if key and measure is None:
        c.add(f"{where}.measure", f"unknown measure {key!r} (see docs/consortium.md, Measures)")
    role = data.get("role", ALL)
    if role not in ROLE_GROUPS:
        c.add(
            f"{where}.role", f"unknown role group {shown(role)} (one of {', '.join(ROLE_GROUPS)})"
        )
    specialty = data.get("specialty", ALL)
    if specialty not in SPECIALTY_GROUPS:
        c.add(f"{where}.specialty", f"unknown specialty group {shown(specialty)}")
    n = c.integer(f"{where}.n", data.get("n"), minimum=min_n)
    if measure is None:
        return None
    if "kind" in data and data["kind"] != measure.kind:
        c.add(f"{where}.kind", f"{key} is a {measure.kind}, not a {shown(data['kind'])}")
    low, high = measure.low, measure.high
    kind_word = " for a proportion" if measure.is_proportion else f" (the range of {key})"
    estimate = c.number(
        f"{where}.estimate", data.get("estimate"), low=low, high=high, what=kind_word
    )
    bounds = {}
    for name in ("lower", "upper"):
        # The member's own interval; a t interval may reach past the scale's range.
        bounds[name] = c.number(f"{where}.{name}", data.get(name), required=False)
    sd = c.number(f"{where}.sd", data.get("sd"), low=0.0, required=measure.kind == "mean")
    if estimate is not None:
        lower, upper = bounds["lower"], bounds["upper"]
        if lower is not None and lower > estimate + 1e-9:
            c.add(f"{where}.lower", f"{lower:g} is above the estimate {estimate:g}")
        if upper is not None and upper < estimate - 1e-9:
            c.add(f"{where}.upper", f"{upper:g} is below the estimate {estimate:g}")
    if n is not None and estimate is not None and measure.is_proportion:
        count = n * estimate
        if abs(count - round(count)) > n * 5e-7 + 1e-6:
            c.add(
                f"{where}.estimate",
                f"{estimate:g} of n={n} is no whole number of respondents "
                "(give the share with at least 6 decimals)",
            )
    if n is not None and sd is not None and measure.kind == "mean" and n > 1:
        # Popoviciu: a sample within [low, high] has SD at most (high - low)/2 · sqrt(n/(n-1)).
        most = (high - low) / 2 * math.sqrt(n / (n - 1))
        if sd > most + 1e-9:
            c.add(
                f"{where}.sd",
                f"{sd:g} is impossible for values within [{low:g}, {high:g}] (at most {most:.4g})",
            )
    if len(c.problems) > before or n is None or estimate is None:
        return None
    return CellValue(
        key, str(role), str(specialty), n, estimate, sd, bounds["lower"], bounds["upper"]
    )


def _impact(c: Checker, where: str, data: Any, min_n: int) -> ImpactRecord | None:
    if not isinstance(data, Mapping):
        c.add(where, "must be an object")
        return None
    before = len(c.problems)
    c.unknown_fields(f"{where}.", data, IMPACT_FIELDS)
    ident = c.text(f"{where}.id", data.get("id"), max_length=64)
    known = {i.id for i in interventions()}
    raw = data.get("interventions")
    chosen: list[str] = []
    if not isinstance(raw, list) or not raw:
        c.add(f"{where}.interventions", "must be a non-empty list of intervention ids")
    else:
        for k, item in enumerate(raw):
            if item not in known:
                c.add(f"{where}.interventions[{k}]", f"unknown intervention {shown(item)}")
            elif item in chosen:
                c.add(f"{where}.interventions[{k}]", f"{item!r} is listed twice")
            else:
                chosen.append(item)
    key = c.text(f"{where}.measure", data.get("measure"), max_length=120)
    measure = pooled_measures().get(key)
    if key and (measure is None or measure.family != "survey"):
        c.add(f"{where}.measure", f"unknown survey measure {key!r}")
    span = (measure.high - measure.low) if measure is not None else None
    estimate = c.number(
        f"{where}.estimate",
        data.get("estimate"),
        low=None if span is None else -span,
        high=span,
        what=" (a change cannot exceed the measure's range)",
    )
    se = c.number(f"{where}.se", data.get("se"), low=0.0, high=span)
    if se is not None and se <= 0:
        c.add(f"{where}.se", "must be greater than 0")
    sizes = [c.integer(f"{where}.{name}", data.get(name), minimum=min_n) for name in SIZE_FIELDS]
    level = data.get("level")
    if level not in burnout_levels().ids:
        c.add(
            f"{where}.level",
            f"unknown level {shown(level)} (one of {', '.join(burnout_levels().ids)})",
        )
    unit_kind = c.text(f"{where}.unit_kind", data.get("unit_kind"), max_length=40, required=False)
    finished = None
    if data.get("finished_on") is not None:
        try:
            finished = date.fromisoformat(str(data["finished_on"]))
        except ValueError:
            c.add(f"{where}.finished_on", f"not a date (YYYY-MM-DD): {shown(data['finished_on'])}")
    if len(c.problems) > before or estimate is None or se is None or None in sizes:
        return None
    n_tb, n_ta, n_cb, n_ca = (int(s) for s in sizes if s is not None)
    return ImpactRecord(
        ident,
        tuple(chosen),
        key,
        estimate,
        se,
        n_tb,
        n_ta,
        n_cb,
        n_ca,
        str(level),
        unit_kind,
        finished,
    )


def _consistency(c: Checker, cells: list[tuple[int, CellValue]]) -> None:
    """Duplicates, and role rows that hold more respondents than their all-roles row."""
    seen: dict[tuple[str, str, str], int] = {}
    totals: dict[tuple[str, str], int] = {}
    role_sums: dict[tuple[str, str], int] = {}
    for index, cell in cells:
        key = (cell.measure, cell.role, cell.specialty)
        if key in seen:
            c.add(
                f"cells[{index}]",
                f"{cell.measure} / {cell.role} / {cell.specialty} repeats cells[{seen[key]}]",
            )
            continue
        seen[key] = index
        if cell.role == ALL:
            totals[(cell.measure, cell.specialty)] = cell.n
        else:
            role_sums[(cell.measure, cell.specialty)] = (
                role_sums.get((cell.measure, cell.specialty), 0) + cell.n
            )
    for (measure, specialty), total in sorted(role_sums.items()):
        whole = totals.get((measure, specialty))
        if whole is not None and total > whole:
            c.add(
                "cells",
                f"{measure} ({specialty}): the role rows hold {total} respondents, "
                f"more than the all-roles row's {whole}",
            )


def parse_contribution(
    document: bytes | str | Mapping[str, Any], source: str = "contribution"
) -> Contribution:
    """Validate a contribution document and return it, or raise :class:`ContributionError`.

    ``document`` is the file's bytes or text, or an already parsed JSON object; ``source``
    (e.g. the file name) starts the error message.
    """
    c = Checker()
    data: Any = document
    if isinstance(document, bytes | str):
        if len(document) > MAX_FILE_BYTES:
            raise ContributionError(
                [Problem("", f"file is larger than {MAX_FILE_BYTES:,} bytes")], source
            )
        try:
            data = json.loads(document)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ContributionError([Problem("", f"not a JSON document ({exc})")], source) from None
    if not isinstance(data, Mapping):
        raise ContributionError([Problem("", "must be a JSON object")], source)
    if data.get("schema") != SCHEMA_NAME:
        raise ContributionError(
            [Problem("schema", f"must be {SCHEMA_NAME!r}, got {shown(data.get('schema'))}")],
            source,
        )
    if data.get("version") != SCHEMA_VERSION:
        raise ContributionError(
            [
                Problem(
                    "version",
                    f"this consortium reads version {SCHEMA_VERSION}, got "
                    f"{shown(data.get('version'))}",
                )
            ],
            source,
        )
    c.unknown_fields("", data, TOP_LEVEL)
    member = data.get("member")
    member_id = member_name = ""
    if not isinstance(member, Mapping):
        c.add("member", "must be an object with id and name")
    else:
        c.unknown_fields("member.", member, frozenset({"id", "name"}))
        member_id = c.text("member.id", member.get("id"), max_length=60)
        if member_id and not MEMBER_ID_PATTERN.match(member_id):
            c.add("member.id", "lower-case letters, digits and hyphens only")
        member_name = c.text("member.name", member.get("name"))
    period = data.get("period")
    if not isinstance(period, str) or not PERIOD_PATTERN.match(period):
        c.add("period", f"must be a year (2026) or a half-year (2026-H1), got {shown(period)}")
    privacy = data.get("privacy")
    min_n = MIN_MEMBER_GATE
    if not isinstance(privacy, Mapping):
        c.add("privacy", "must be an object with min_n")
    else:
        c.unknown_fields("privacy.", privacy, frozenset({"min_n"}))
        found = c.integer("privacy.min_n", privacy.get("min_n"), minimum=MIN_MEMBER_GATE)
        min_n = found if found is not None else MIN_MEMBER_GATE
    source_info = data.get("source", {})
    if not isinstance(source_info, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and len(v) <= 200 for k, v in source_info.items()
    ):
        c.add("source", "must be an object of short texts")
        source_info = {}
    raw_cells = data.get("cells")
    cells: list[tuple[int, CellValue]] = []
    if not isinstance(raw_cells, list):
        c.add("cells", "must be a list")
    else:
        for index, raw in enumerate(raw_cells):
            cell = _cell(c, f"cells[{index}]", raw, min_n)
            if cell is not None:
                cells.append((index, cell))
        _consistency(c, cells)
    raw_impacts = data.get("impacts", [])
    impacts: list[ImpactRecord] = []
    if not isinstance(raw_impacts, list):
        c.add("impacts", "must be a list")
    else:
        ids: set[str] = set()
        for index, raw in enumerate(raw_impacts):
            impact = _impact(c, f"impacts[{index}]", raw, min_n)
            if impact is not None:
                if impact.id in ids:
                    c.add(f"impacts[{index}].id", f"{impact.id!r} repeats an earlier plan")
                ids.add(impact.id)
                impacts.append(impact)
    if (
        isinstance(raw_cells, list)
        and isinstance(raw_impacts, list)
        and not raw_cells
        and not (raw_impacts)
    ):
        c.add("cells", "the contribution holds no numbers (no cells and no impacts)")
    if c.problems:
        raise ContributionError(c.problems, source)
    return Contribution(
        member_id=member_id,
        member_name=member_name,
        period=str(period),
        min_n=min_n,
        cells=tuple(cell for _, cell in cells),
        impacts=tuple(impacts),
        created_at=str(data.get("created_at") or ""),
        software=str(data.get("software") or ""),
        source=dict(source_info),
    )
