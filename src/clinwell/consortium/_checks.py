"""Reading a JSON document field by field, collecting every problem with its JSON path."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a contribution: the field (a JSON path) and what is wrong."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class Checker:
    """Collects problems while reading a document (so every problem is reported at once)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def unknown_fields(self, where: str, data: Mapping[str, Any], allowed: frozenset[str]) -> None:
        for key in sorted(set(data) - allowed):
            self.add(
                f"{where}{key}" if where else key, "unexpected field (not in schema version 1)"
            )

    def text(self, where: str, value: Any, *, max_length: int = 200, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.add(where, f"must be a non-empty text, got {shown(value)}")
            return ""
        if len(value) > max_length:
            self.add(where, f"must be at most {max_length} characters, got {len(value)}")
        return value.strip()

    def integer(self, where: str, value: Any, *, minimum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(where, f"must be a whole number, got {shown(value)}")
            return None
        if value < minimum:
            self.add(where, f"must be at least {minimum}, got {value}")
            return None
        return value

    def number(
        self,
        where: str,
        value: Any,
        *,
        low: float | None = None,
        high: float | None = None,
        required: bool = True,
        what: str = "",
    ) -> float | None:
        if value is None and not required:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(float(value))
        ):
            self.add(where, f"must be a finite number, got {shown(value)}")
            return None
        number = float(value)
        if low is not None and number < low:
            bound = f"[{low:g}, {high:g}]" if high is not None else f"at least {low:g}"
            self.add(
                where,
                f"{number:g} is outside {bound}{what}"
                if high is not None
                else f"{number:g} must be {bound}{what}",
            )
            return None
        if high is not None and number > high:
            bound = f"[{low:g}, {high:g}]" if low is not None else f"at most {high:g}"
            self.add(
                where,
                f"{number:g} is outside {bound}{what}"
                if low is not None
                else f"{number:g} must be {bound}{what}",
            )
            return None
        return number


def shown(value: Any) -> str:
    """A short rendering of a bad value for an error message."""
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
