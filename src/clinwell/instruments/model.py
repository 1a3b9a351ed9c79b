"""Typed, immutable description of an instrument: items, scales, cut-offs, licence, tags.

An :class:`Instrument` is built by :mod:`clinwell.instruments.loader` from a data file holding a
FHIR R4 Questionnaire plus a clinwell scoring spec; nothing here reads files.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ItemType = Literal["choice", "integer", "decimal"]
Method = Literal["value", "sum", "mean", "rescale"]
Operator = Literal[">=", ">", "<=", "<"]
TextStatus = Literal["verbatim", "paraphrase", "placeholder", "custom"]

KPIS: tuple[str, ...] = (
    "burnout",
    "intent_to_leave",
    "job_satisfaction",
    "job_stress",
    "feeling_valued",
    "weekly_hours",
)
"""The six AMA national comparison KPIs (reference/instruments.md §1)."""

DOMAINS: tuple[str, ...] = (
    "organizational_culture",
    "practice_efficiency",
    "self_care",
    "retention",
)
"""The four AMA Organizational Biopsy domains (reference/instruments.md §1)."""


class InstrumentError(ValueError):
    """An instrument file or definition is malformed; the message names the file and field."""


class ScoringError(ValueError):
    """Responses cannot be scored; the message names the row (1-based) and column."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.row = row
        self.column = column


@dataclass(frozen=True)
class Tags:
    """What an output column means to the results dashboard.

    ``kpi`` is one of :data:`KPIS`, ``domain`` one of :data:`DOMAINS`; ``driver`` marks the
    items/scales that key-driver analysis should use as predictors.
    """

    kpi: str | None = None
    domain: str | None = None
    driver: bool = False


@dataclass(frozen=True)
class Provenance:
    """Where a scoring rule comes from and whether it was confirmed in that source."""

    source: str
    confirmed: bool
    url: str | None = None
    note: str = ""


@dataclass(frozen=True)
class AnswerOption:
    """One answer option: the code stored in responses, its label and its score (itemWeight)."""

    code: int
    label: str
    score: float


@dataclass(frozen=True)
class Item:
    """One question; numeric items have no ``options`` but ``min_value``/``max_value``."""

    link_id: str
    text: str
    type: ItemType
    options: tuple[AnswerOption, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    unit: str | None = None
    required: bool = False
    prefer_not_to_answer: bool = False

    @property
    def score_range(self) -> tuple[float, float]:
        """Lowest and highest score the item can take."""
        if self.options:
            scores = [o.score for o in self.options]
            return (min(scores), max(scores))
        lo = self.min_value if self.min_value is not None else -math.inf
        hi = self.max_value if self.max_value is not None else math.inf
        return (lo, hi)


@dataclass(frozen=True)
class Cutoff:
    """A boolean output: ``scale <op> value``; output column ``<instrument>.<id>``."""

    id: str
    label: str
    op: Operator
    value: float
    provenance: Provenance
    tags: Tags = field(default_factory=Tags)


@dataclass(frozen=True)
class Scale:
    """A scored scale; output column ``<instrument>.<id>``.

    ``method``: ``value`` (the single item's score), ``sum``, ``mean`` (of answered items) or
    ``rescale`` (mean mapped linearly from the item score range onto ``range``). Items in
    ``reverse`` score ``lo + hi - score``. Fewer than ``min_answered`` answered items leaves the
    scale (and its cut-offs) empty.
    """

    id: str
    label: str
    items: tuple[str, ...]
    method: Method
    min_answered: int
    range: tuple[float, float]
    higher_is_worse: bool
    rule: Provenance
    reverse: tuple[str, ...] = ()
    cutoffs: tuple[Cutoff, ...] = ()
    tags: Tags = field(default_factory=Tags)
    description: str = ""


@dataclass(frozen=True)
class Citation:
    """A bibliographic reference with the public URL it was read from (if any)."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class Licence:
    """Licence terms carried with the instrument and shown to admins."""

    text: str
    url: str | None
    redistribution_allowed: bool
    acknowledgement_required: bool
    commercial_use: str
    confirmed: bool
    note: str = ""


@dataclass(frozen=True)
class OutputColumn:
    """One column produced by scoring: a numeric scale score or a boolean cut-off flag.

    ``higher_is_worse``: for a score, whether a higher score is the worse end of its scale;
    for a flag, whether the flag being true is the worse outcome — true when the cut-off
    marks the scale's worse end (burnout ≥ 3 on a higher-is-worse scale; WHO-5 < 50 on a
    higher-is-better one), so a higher share of true flags is worse.
    """

    name: str
    kind: Literal["score", "flag"]
    label: str
    scale: str
    tags: Tags
    range: tuple[float, float] | None
    higher_is_worse: bool | None
    cutoff: Cutoff | None = None


@dataclass(frozen=True)
class Instrument:
    """An instrument: FHIR Questionnaire (kept as data) plus its parsed items and scoring spec."""

    id: str
    title: str
    version: str
    description: str
    validated: bool
    validation_note: str
    text_status: TextStatus
    text_note: str
    citations: tuple[Citation, ...]
    licence: Licence
    items: tuple[Item, ...]
    scales: tuple[Scale, ...]
    questionnaire: Mapping[str, Any] = field(repr=False, compare=False, hash=False)
    spec: Mapping[str, Any] = field(repr=False, compare=False, hash=False)
    source: str = field(default="", compare=False)

    @property
    def is_custom(self) -> bool:
        """clinwell's own items (``text_status`` "custom"), never externally validated."""
        return self.text_status == "custom"

    @property
    def validity_label(self) -> str:
        """How far the instrument is validated, in the words every page and listing uses.

        "validated"; "custom — not externally validated" for clinwell's own items; or "not
        validated as worded" for a published item that clinwell words as a paraphrase (e.g.
        ``intent_to_leave``, whose option labels are NOT CONFIRMED).
        """
        if self.validated:
            return "validated"
        if self.is_custom:
            return "custom — not externally validated"
        return "not validated as worded"

    @property
    def link_ids(self) -> tuple[str, ...]:
        """Item linkIds in questionnaire order."""
        return tuple(i.link_id for i in self.items)

    def item(self, link_id: str) -> Item:
        """The item with this linkId (KeyError if absent)."""
        for it in self.items:
            if it.link_id == link_id:
                return it
        raise KeyError(link_id)

    def scale(self, scale_id: str) -> Scale:
        """The scale with this id (KeyError if absent)."""
        for sc in self.scales:
            if sc.id == scale_id:
                return sc
        raise KeyError(scale_id)

    @property
    def respondent_title(self) -> str:
        """The title without a trailing qualifier in parentheses: the section heading a
        respondent sees ("Administrative burden (custom)" → "Administrative burden"); the
        qualifiers are for the administrators who choose instruments."""
        return re.sub(r"\s*\([^()]*\)\s*$", "", self.title) or self.title

    def outputs(self) -> tuple[OutputColumn, ...]:
        """Every output column, in order: each scale followed by its cut-off flags."""
        cols: list[OutputColumn] = []
        for sc in self.scales:
            cols.append(
                OutputColumn(
                    f"{self.id}.{sc.id}",
                    "score",
                    sc.label,
                    sc.id,
                    sc.tags,
                    sc.range,
                    sc.higher_is_worse,
                )
            )
            cols.extend(
                OutputColumn(
                    f"{self.id}.{c.id}",
                    "flag",
                    c.label,
                    sc.id,
                    c.tags,
                    None,
                    sc.higher_is_worse == (c.op in (">", ">=")),
                    c,
                )
                for c in sc.cutoffs
            )
        return tuple(cols)

    @property
    def output_names(self) -> tuple[str, ...]:
        """Names of :meth:`outputs`, e.g. ``("cbi.personal", "cbi.personal_high", ...)``."""
        return tuple(c.name for c in self.outputs())
