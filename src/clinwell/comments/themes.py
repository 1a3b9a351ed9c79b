"""The ten comment themes and what each one concerns: driver items, NAM priority areas and the
interventions that address it. Data file: ``data/themes.yaml`` (clinwell's classification)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

import yaml

#: The fixed theme keys (issue #19), in display order.
THEME_KEYS: Final = (
    "ehr_documentation",
    "workload_staffing",
    "leadership_support",
    "teamwork_culture",
    "administrative_burden",
    "schedule_flexibility",
    "compensation_recognition",
    "mental_health_support",
    "safety_violence",
    "positive_meaning",
)
#: Sentiment labels, in the order the classifier scores them.
SENTIMENTS: Final = ("negative", "neutral", "positive")
FILE: Final = "themes.yaml"


class ThemeDataError(ValueError):
    """``themes.yaml`` is malformed; the message names the theme and field."""


@dataclass(frozen=True, slots=True)
class Theme:
    """One theme. ``items`` are instrument item linkIds, ``scales`` ``<instrument>.<scale>``
    ids, ``drivers`` knowledge-vocabulary driver keys, ``interventions`` catalog ids."""

    key: str
    label: str
    description: str
    items: tuple[str, ...]
    scales: tuple[str, ...]
    drivers: tuple[str, ...]
    nam_priority_areas: tuple[int, ...]
    interventions: tuple[str, ...]
    note: str | None = None


def _strings(entry: dict[str, Any], key: str, field: str) -> tuple[str, ...]:
    value = entry.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ThemeDataError(f"{FILE}: theme {key!r}, field {field!r}: expected a list of ids")
    return tuple(value)


def _theme(entry: dict[str, Any]) -> Theme:
    key = entry.get("key")
    if key not in THEME_KEYS:
        raise ThemeDataError(f"{FILE}: {key!r} is not one of the theme keys {THEME_KEYS}")
    areas = entry.get("nam_priority_areas", [])
    if not isinstance(areas, list) or not all(isinstance(a, int) for a in areas):
        raise ThemeDataError(f"{FILE}: theme {key!r}, field 'nam_priority_areas': expected numbers")
    for field in ("label", "description"):
        if not isinstance(entry.get(field), str):
            raise ThemeDataError(f"{FILE}: theme {key!r}, field {field!r}: expected text")
    return Theme(
        key=key,
        label=entry["label"],
        description=entry["description"].strip(),
        items=_strings(entry, key, "items"),
        scales=_strings(entry, key, "scales"),
        drivers=_strings(entry, key, "drivers"),
        nam_priority_areas=tuple(areas),
        interventions=_strings(entry, key, "interventions"),
        note=entry.get("note"),
    )


@cache
def themes() -> tuple[Theme, ...]:
    """The ten themes in :data:`THEME_KEYS` order (parsed once)."""
    text = resources.files("clinwell.comments").joinpath("data", FILE).read_text("utf-8")
    parsed = [_theme(e) for e in yaml.safe_load(text)["themes"]]
    if tuple(t.key for t in parsed) != THEME_KEYS:
        raise ThemeDataError(f"{FILE}: themes must be exactly {THEME_KEYS}, in that order")
    return tuple(parsed)


def theme(key: str) -> Theme:
    """One theme by key; ``KeyError`` naming the known keys otherwise."""
    for t in themes():
        if t.key == key:
            return t
    raise KeyError(f"unknown theme {key!r}; known: {', '.join(THEME_KEYS)}")
