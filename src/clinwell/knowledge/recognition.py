"""Readiness for the AMA Joy in Medicine Health System Recognition Program.

The six pillars and the three levels (Bronze, Silver, Gold) are confirmed; what each level
requires is NOT CONFIRMED (it is in the annual Program Guidelines, which clinwell could not read).
The checklist therefore assigns each criterion to a level as clinwell's estimate, and
:func:`assess_readiness` reports a planning level, never a prediction of the AMA's decision.

Readiness rule: the organization is *eligible* when every eligibility item is checked; its
readiness level is the highest level ``L`` such that it is eligible and every criterion whose
level is at or below ``L`` is checked. Data file: ``data/recognition.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from clinwell.knowledge._data import (
    Fields,
    Source,
    check_unique,
    read_data_file,
    unknown,
)

FILE = "recognition.yaml"


@dataclass(frozen=True, slots=True)
class Pillar:
    id: str
    name: str
    description: str
    sources: tuple[Source, ...]
    confirmed: bool = True
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RecognitionLevel:
    id: str
    order: int
    name: str


@dataclass(frozen=True, slots=True)
class Criterion:
    """A checklist item with a stable id; ``pillar`` is None for eligibility items."""

    id: str
    text: str
    pillar: str | None
    level: str | None
    sources: tuple[Source, ...]
    confirmed: bool = True
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RecognitionProgram:
    name: str
    description: str
    launched: int
    recognition_valid_years: int
    sources: tuple[Source, ...]
    level_requirements_note: str
    levels: tuple[RecognitionLevel, ...]
    levels_sources: tuple[Source, ...]
    pillars: tuple[Pillar, ...]
    eligibility: tuple[Criterion, ...]
    criteria: tuple[Criterion, ...]

    @property
    def criterion_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in (*self.eligibility, *self.criteria))


@dataclass(frozen=True, slots=True)
class PillarProgress:
    pillar: str
    checked: int
    total: int


@dataclass(frozen=True, slots=True)
class Readiness:
    """Result of :func:`assess_readiness`; never ``confirmed``: level rules are estimates."""

    level: str | None
    eligible: bool
    checked: int
    total: int
    pillars: tuple[PillarProgress, ...]
    next_level: str | None
    missing_for_next: tuple[str, ...]
    confirmed: bool
    note: str


def _criterion(e: Fields, pillars: frozenset[str] | None, levels: frozenset[str]) -> Criterion:
    confirmed, note = e.confirmation()
    return Criterion(
        id=e.str_("id"),
        text=e.str_("text"),
        pillar=e.one_of("pillar", pillars) if pillars is not None else None,
        level=e.one_of("level", levels) if pillars is not None else None,
        sources=e.sources(),
        confirmed=confirmed,
        note=note,
    )


def parse_recognition(root: Fields) -> RecognitionProgram:
    """Build and validate the program and checklist from the parsed ``recognition.yaml``."""
    program = root.map_("program")
    levels = tuple(
        sorted(
            (
                RecognitionLevel(e.str_("id"), e.int_("order"), e.str_("name"))
                for e in root.entries("levels")
            ),
            key=lambda lv: lv.order,
        )
    )
    pillars: list[Pillar] = []
    for e in root.entries("pillars"):
        confirmed, note = e.confirmation()
        pillars.append(
            Pillar(
                e.str_("id"), e.str_("name"), e.str_("description"), e.sources(), confirmed, note
            )
        )
    pillar_ids = frozenset(p.id for p in pillars)
    level_ids = frozenset(lv.id for lv in levels)
    eligibility = tuple(_criterion(e, None, level_ids) for e in root.entries("eligibility"))
    criteria = tuple(_criterion(e, pillar_ids, level_ids) for e in root.entries("criteria"))
    check_unique([p.id for p in pillars], file=root.file, what="pillar id")
    check_unique([lv.id for lv in levels], file=root.file, what="level id")
    check_unique([c.id for c in (*eligibility, *criteria)], file=root.file, what="criterion id")
    for pillar in pillar_ids:
        if not any(c.pillar == pillar for c in criteria):
            raise root.error("criteria", f"pillar {pillar!r} has no criterion")
    return RecognitionProgram(
        name=program.str_("name"),
        description=program.str_("description"),
        launched=program.int_("launched"),
        recognition_valid_years=program.int_("recognition_valid_years"),
        sources=program.sources(),
        level_requirements_note=program.str_("level_requirements_note"),
        levels=levels,
        levels_sources=root.sources("levels_sources"),
        pillars=tuple(pillars),
        eligibility=eligibility,
        criteria=criteria,
    )


@cache
def recognition_program() -> RecognitionProgram:
    """The shipped Joy in Medicine checklist (cached)."""
    return parse_recognition(read_data_file(FILE))


def assess_readiness(checked: Iterable[str]) -> Readiness:
    """Readiness level from the set of checked criterion ids (see the module docstring).

    Raises
    ------
    UnknownKeyError
        If a checked id is not a criterion or eligibility id, so that stale saved progress is
        noticed instead of silently ignored.
    """
    program = recognition_program()
    done = set(checked)
    stray = sorted(done - program.criterion_ids)
    if stray:
        raise unknown("recognition criterion", stray[0], sorted(program.criterion_ids))
    eligible = all(c.id in done for c in program.eligibility)
    reached: str | None = None
    missing: tuple[str, ...] = ()
    next_level: str | None = None
    for lv in program.levels:
        upto = {x.id for x in program.levels if x.order <= lv.order}
        need = [c.id for c in program.criteria if c.level in upto and c.id not in done]
        if not eligible:
            need = [c.id for c in program.eligibility if c.id not in done] + need
        if need:
            next_level, missing = lv.id, tuple(need)
            break
        reached = lv.id
    items = (*program.eligibility, *program.criteria)
    return Readiness(
        level=reached,
        eligible=eligible,
        checked=len(done),
        total=len(items),
        pillars=tuple(
            PillarProgress(
                p.id,
                sum(1 for c in program.criteria if c.pillar == p.id and c.id in done),
                sum(1 for c in program.criteria if c.pillar == p.id),
            )
            for p in program.pillars
        ),
        next_level=next_level,
        missing_for_next=missing,
        confirmed=False,
        note=program.level_requirements_note,
    )
