"""Reading and validating the knowledge data files (YAML under ``knowledge/data``).

Every loader in :mod:`clinwell.knowledge` parses its file through :class:`Fields`, which checks
types and required keys and raises :class:`KnowledgeDataError` with the file, the entry and the
field named in the message, so that a bad edit to a data file fails loudly and precisely.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Final

import yaml

DATA_PACKAGE: Final = "clinwell.knowledge"
DATA_DIR: Final = "data"
_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


class KnowledgeError(ValueError):
    """Base class of the errors raised by :mod:`clinwell.knowledge`."""


class KnowledgeDataError(KnowledgeError):
    """A knowledge data file is malformed; the message names the file, entry and field."""


class UnknownKeyError(KnowledgeError, KeyError):
    """A caller asked for an id, key or filter value that the knowledge base does not define."""

    def __str__(self) -> str:  # KeyError would add quotes around the message
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact comes from: a public URL, or a seed document shipped with the project."""

    title: str
    url: str | None = None
    seed: str | None = None

    @property
    def locator(self) -> str:
        """The URL, or ``seed:<file>`` for a seed document."""
        return self.url if self.url is not None else f"seed:{self.seed}"


def data_files() -> tuple[str, ...]:
    """Names of all YAML files shipped in ``knowledge/data`` (sorted)."""
    folder = resources.files(DATA_PACKAGE).joinpath(DATA_DIR)
    return tuple(sorted(p.name for p in folder.iterdir() if p.name.endswith(".yaml")))


def read_data_file(name: str) -> Fields:
    """Parse one shipped data file and return its top-level mapping as :class:`Fields`."""
    text = resources.files(DATA_PACKAGE).joinpath(DATA_DIR, name).read_text(encoding="utf-8")
    return parse_yaml(text, file=name)


def parse_yaml(text: str, *, file: str) -> Fields:
    """Parse YAML text whose top level must be a mapping."""
    try:
        raw: object = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise KnowledgeDataError(f"{file}: not valid YAML: {exc}") from exc
    if not isinstance(raw, Mapping):
        raise KnowledgeDataError(f"{file}: the top level must be a mapping")
    return Fields(raw, file=file, where="top level")


class Fields:
    """Typed, validating access to one mapping of a data file.

    ``where`` describes the entry (e.g. ``interventions[3] 'scribes'``) for error messages.
    """

    def __init__(self, raw: Mapping[object, object], *, file: str, where: str) -> None:
        self.raw = raw
        self.file = file
        self.where = where

    def error(self, field: str, problem: str) -> KnowledgeDataError:
        """An error naming this file, entry and ``field``."""
        return KnowledgeDataError(f"{self.file}: {self.where}: field '{field}': {problem}")

    def _get(self, field: str) -> object:
        if field not in self.raw:
            raise self.error(field, "is required")
        return self.raw[field]

    def has(self, field: str) -> bool:
        return field in self.raw and self.raw[field] is not None

    def str_(self, field: str) -> str:
        value = self._get(field)
        if not isinstance(value, str) or not value.strip():
            raise self.error(field, f"must be a non-empty string, got {value!r}")
        return value.strip()

    def opt_str(self, field: str) -> str | None:
        return self.str_(field) if self.has(field) else None

    def int_(self, field: str) -> int:
        value = self._get(field)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(field, f"must be an integer, got {value!r}")
        return value

    def opt_int(self, field: str) -> int | None:
        return self.int_(field) if self.has(field) else None

    def float_(self, field: str) -> float:
        value = self._get(field)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(field, f"must be a number, got {value!r}")
        return float(value)

    def bool_(self, field: str, default: bool) -> bool:
        if field not in self.raw:
            return default
        value = self.raw[field]
        if not isinstance(value, bool):
            raise self.error(field, f"must be true or false, got {value!r}")
        return value

    def str_list(self, field: str, *, required: bool = True) -> tuple[str, ...]:
        if not required and field not in self.raw:
            return ()
        value = self._get(field)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(field, f"must be a list of non-empty strings, got {value!r}")
        if len(set(value)) != len(value):
            raise self.error(field, f"has duplicates: {value!r}")
        return tuple(value)

    def int_list(self, field: str) -> tuple[int, ...]:
        if field not in self.raw:
            return ()
        value = self.raw[field]
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise self.error(field, f"must be a list of integers, got {value!r}")
        return tuple(value)

    def map_(self, field: str) -> Fields:
        value = self._get(field)
        if not isinstance(value, Mapping):
            raise self.error(field, "must be a mapping")
        prefix = "" if self.where == "top level" else f"{self.where} > "
        return Fields(value, file=self.file, where=f"{prefix}{field}")

    def entries(self, field: str, *, key: str = "id") -> Iterator[Fields]:
        """The mappings of a list field, each labelled by its position and ``key`` for errors."""
        value = self._get(field)
        if not isinstance(value, list) or not value:
            raise self.error(field, "must be a non-empty list")
        for i, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise self.error(field, f"item {i} must be a mapping")
            label = item.get(key)
            prefix = "" if self.where == "top level" else f"{self.where} > "
            where = f"{prefix}{field}[{i}]" + (f" {label!r}" if label is not None else "")
            yield Fields(item, file=self.file, where=where)

    def sources(self, field: str = "sources") -> tuple[Source, ...]:
        """A non-empty list of sources, each with a title and a url or a seed file."""
        out: list[Source] = []
        for entry in self.entries(field, key="title"):
            url, seed = entry.opt_str("url"), entry.opt_str("seed")
            if (url is None) == (seed is None):
                raise entry.error("url", "give exactly one of 'url' or 'seed'")
            if url is not None and not url.startswith(("http://", "https://")):
                raise entry.error("url", f"must start with http:// or https://, got {url!r}")
            out.append(Source(title=entry.str_("title"), url=url, seed=seed))
        return tuple(out)

    def confirmation(self) -> tuple[bool, str | None]:
        """``(confirmed, note)``; an unconfirmed entry must say why in ``note``."""
        confirmed = self.bool_("confirmed", True)
        note = self.opt_str("note")
        if not confirmed and note is None:
            raise self.error("note", "is required when 'confirmed' is false (say what is missing)")
        return confirmed, note

    def one_of(self, field: str, allowed: Mapping[str, object] | frozenset[str]) -> str:
        value = self.str_(field)
        if value not in allowed:
            raise self.error(field, f"{value!r} is not one of {sorted(allowed)}")
        return value


def check_unique(ids: list[str], *, file: str, what: str) -> None:
    """Raise if an id is used twice in a file."""
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise KnowledgeDataError(f"{file}: duplicate {what} {value!r}")
        seen.add(value)


def unknown(what: str, value: object, allowed: object) -> UnknownKeyError:
    """The error for a caller passing an id or filter value that does not exist."""
    return UnknownKeyError(f"unknown {what} {value!r}; expected one of {allowed}")
