"""The four levels at which burnout must be addressed.

External and regulatory, organization, leadership, and individual, as named in the statement of
the Permanente Medical Groups on clinician well-being (seed 003). Every intervention in the catalog
is assigned one of these levels. The crosswalk to the NASEM system levels is clinwell's own reading
(NOT CONFIRMED). Data file: ``data/levels.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from clinwell.knowledge._data import (
    Fields,
    KnowledgeDataError,
    Source,
    check_unique,
    read_data_file,
    unknown,
)

FILE = "levels.yaml"
NASEM_LEVELS = frozenset(
    {"frontline_care_delivery", "health_care_organization", "external_environment"}
)


@dataclass(frozen=True, slots=True)
class Level:
    """One of the four levels; ``nasem_level`` is clinwell's (unconfirmed) crosswalk."""

    id: str
    order: int
    name: str
    description: str
    nasem_level: str
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class Levels:
    levels: tuple[Level, ...]
    crosswalk_note: str

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(lv.id for lv in self.levels)

    def get(self, level_id: str) -> Level:
        for lv in self.levels:
            if lv.id == level_id:
                return lv
        raise unknown("level", level_id, list(self.ids))


def parse_levels(root: Fields) -> Levels:
    """Build and validate the four levels from the parsed ``levels.yaml``."""
    levels = tuple(
        sorted(
            (
                Level(
                    e.str_("id"),
                    e.int_("order"),
                    e.str_("name"),
                    e.str_("description"),
                    e.one_of("nasem_level", NASEM_LEVELS),
                    e.sources(),
                )
                for e in root.entries("levels")
            ),
            key=lambda lv: lv.order,
        )
    )
    check_unique([lv.id for lv in levels], file=root.file, what="level id")
    if len(levels) != 4:
        raise KnowledgeDataError(f"{root.file}: expected the 4 levels, found {len(levels)}")
    return Levels(levels, root.str_("crosswalk_note"))


@cache
def burnout_levels() -> Levels:
    """The shipped four levels, ordered from external to individual (cached)."""
    return parse_levels(read_data_file(FILE))
