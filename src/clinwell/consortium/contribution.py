"""A member's contribution: the versioned file format, and its validation.

A contribution is one JSON document (``contribution.schema.json`` beside this module is its
JSON Schema; docs/consortium.md describes every field) holding, for one member and one
reporting period:

- ``cells``: released numbers of the member's own privacy gate, one per (measure, role group,
  specialty group): respondent count ``n``, ``estimate`` (a share for a proportion, an average
  for a mean), ``sd`` (means) and the member's interval; never a response;
- ``impacts``: the measured impact of finished action plans: the difference-in-differences
  estimate of the plan's target measure, its standard error, the four group sizes, the
  interventions the plan used and their level.

:func:`clinwell.consortium.validate.parse_contribution` checks everything and returns a
:class:`Contribution`, or raises :class:`ContributionError` listing *every* problem, each
naming its field
(``cells[3].estimate``). Nothing is stored before a file passes, so a refused file changes
nothing. What depends on the consortium's own records (a duplicate period, the member's
identity, the consortium's period kind) is checked where the file is stored
(``clinwell.web.consortium.services.contributions``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from importlib import resources
from typing import Any, Final

from clinwell.consortium._checks import Problem
from clinwell.consortium.vocabulary import (
    pooled_measures,
)

SCHEMA_NAME: Final = "clinwell.consortium.contribution"
SCHEMA_VERSION: Final = 1
MIN_MEMBER_GATE: Final = 5
"""The smallest minimum group size a member's gate may have used for a shared number."""
MAX_FILE_BYTES: Final = 5_000_000
PERIOD_PATTERN: Final = re.compile(r"^(?P<year>\d{4})(?:-(?P<half>H[12]))?$")
MEMBER_ID_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
TOP_LEVEL: Final = frozenset(
    {
        "schema",
        "version",
        "member",
        "period",
        "created_at",
        "software",
        "source",
        "privacy",
        "cells",
        "impacts",
    }
)
CELL_FIELDS: Final = frozenset(
    {"measure", "kind", "role", "specialty", "n", "estimate", "sd", "lower", "upper"}
)
IMPACT_FIELDS: Final = frozenset(
    {
        "id",
        "interventions",
        "measure",
        "estimate",
        "se",
        "n_treated_before",
        "n_treated_after",
        "n_comparison_before",
        "n_comparison_after",
        "level",
        "unit_kind",
        "finished_on",
    }
)
SIZE_FIELDS: Final = (
    "n_treated_before",
    "n_treated_after",
    "n_comparison_before",
    "n_comparison_after",
)


class ContributionError(ValueError):
    """A contribution that cannot be accepted; ``problems`` names every bad field."""

    def __init__(self, problems: Sequence[Problem], source: str = "contribution") -> None:
        self.problems = tuple(problems)
        self.source = source
        shown = "; ".join(str(p) for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"; and {more} more" if more > 0 else ""
        super().__init__(f"{source}: {shown}{tail}")


@dataclass(frozen=True, slots=True)
class CellValue:
    """One released number of the member's gate (see the module docstring)."""

    measure: str
    role: str
    specialty: str
    n: int
    estimate: float
    sd: float | None = None
    lower: float | None = None
    upper: float | None = None

    @property
    def kind(self) -> str:
        return pooled_measures()[self.measure].kind

    @property
    def count(self) -> int:
        """Respondents with the flag, ``round(n · estimate)`` (proportions)."""
        return round(self.n * self.estimate)

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "kind": self.kind,
            **{k: v for k, v in asdict(self).items() if k != "measure"},
        }


@dataclass(frozen=True, slots=True)
class ImpactRecord:
    """The measured impact of one finished action plan (difference in differences)."""

    id: str
    interventions: tuple[str, ...]
    measure: str
    estimate: float
    se: float
    n_treated_before: int
    n_treated_after: int
    n_comparison_before: int
    n_comparison_after: int
    level: str
    unit_kind: str = ""
    finished_on: date | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["interventions"] = list(self.interventions)
        data["finished_on"] = None if self.finished_on is None else self.finished_on.isoformat()
        return data


@dataclass(frozen=True, slots=True)
class Contribution:
    """A validated contribution (see the module docstring)."""

    member_id: str
    member_name: str
    period: str
    min_n: int
    cells: tuple[CellValue, ...]
    impacts: tuple[ImpactRecord, ...] = ()
    created_at: str = ""
    software: str = ""
    source: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The document of this contribution (what :func:`parse_contribution` reads back)."""
        return {
            "schema": SCHEMA_NAME,
            "version": SCHEMA_VERSION,
            "member": {"id": self.member_id, "name": self.member_name},
            "period": self.period,
            "created_at": self.created_at,
            "software": self.software,
            "source": dict(self.source),
            "privacy": {"min_n": self.min_n},
            "cells": [c.to_json() for c in self.cells],
            "impacts": [i.to_json() for i in self.impacts],
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"


def period_kind(period: str) -> str:
    """``year`` for ``2026``, ``half_year`` for ``2026-H1``; ``ValueError`` otherwise."""
    match = PERIOD_PATTERN.match(period)
    if match is None:
        raise ValueError(f"{period!r} is not a period (2026 or 2026-H1)")
    return "half_year" if match["half"] else "year"


def schema_document() -> dict[str, Any]:
    """The JSON Schema of version 1 (``contribution.schema.json``), for members' own tools."""
    text = (
        resources.files("clinwell.consortium")
        .joinpath("contribution.schema.json")
        .read_text(encoding="utf-8")
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def schema_document_for_api() -> dict[str, Any]:
    """The JSON Schema without its ``$schema``/``$id`` keys, to embed in an OpenAPI document."""
    return {k: v for k, v in schema_document().items() if not k.startswith("$")}
