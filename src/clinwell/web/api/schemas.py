"""Response bodies of the REST API (pydantic models through Django Ninja's ``Schema``).

Every number in :class:`Cell` comes from the cache of released cells, i.e. from
:func:`clinwell.privacy.release`; a suppressed cell carries no number at all.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema


class Error(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


class Organization(Schema):
    slug: str
    name: str
    state: str | None
    role: str
    unit_id: int | None
    unit: str | None


class Unit(Schema):
    id: int
    name: str
    kind: str
    full_name: str
    parent_id: int | None
    depth: int


class WaveCounts(Schema):
    """Monitoring counts of an open wave (administrators only); no scores before closing.

    ``responses`` counts responses through invitations so far; it is ``null`` while fewer
    than the wave's minimum group size for scores have responded.
    """

    invited: int
    responses: int | None


class Wave(Schema):
    id: int
    name: str
    status: str
    opens_at: datetime
    closes_at: datetime
    time_zone: str
    min_n_scores: int
    min_n_comments: int
    launched_on: date | None
    closed_on: date | None
    counts: WaveCounts | None


class Measure(Schema):
    column: str
    label: str
    kind: str
    instrument: str
    instrument_title: str
    validated: bool
    kpi: str | None
    domain: str | None
    higher_is_worse: bool | None
    low: float | None
    high: float | None


class Estimate(Schema):
    estimate: float | None
    lower: float | None
    upper: float | None
    n: int | None


class Cell(Schema):
    """A published cell; ``unit_id`` null is the whole organization; ``group`` the cut
    (``{}`` = everyone, else e.g. ``{"role": "physician", "gender": "woman"}``)."""

    unit_id: int | None
    unit: str
    group: dict[str, str]
    suppressed: bool
    hidden_reason: str | None
    n: int | None
    estimates: dict[str, Estimate | None]


class WaveResults(Schema):
    wave: Wave
    measures: list[Measure]
    cells: list[Cell]


class CommentGroup(Schema):
    question: str
    texts: list[str] | None


class CommentCell(Schema):
    unit_id: int | None
    unit: str
    suppressed: bool
    groups: list[CommentGroup]


class Source(Schema):
    title: str
    url: str | None
    seed: str | None


class Evidence(Schema):
    id: str
    citation: str
    design: str
    year: int | None
    effect: str
    confirmed: bool
    note: str | None
    source: Source


class Intervention(Schema):
    id: str
    name: str
    description: str
    level: str
    primary_drivers: list[str]
    secondary_drivers: list[str]
    domains: list[str]
    measures: list[str]
    ehr_metrics: list[str]
    effort: str
    cost: str
    nam_actions: list[str]
    nam_priority_areas: list[int]
    evidence: list[Evidence]
    sources: list[Source]
    note: str | None


class Resource(Schema):
    id: str
    name: str
    kind: str
    scope: str
    description: str
    organization: str | None
    phone: str | None
    text: str | None
    url: str | None
    hours: str | None
    audience: str | None
    confirmed: bool
    note: str | None
    sources: list[Source]


ERRORS: dict[int, type[Schema]] = {
    401: Error,
    404: Error,
    422: ValidationErrorOut,
    429: Error,
}
"""Error bodies every endpoint may answer with (documented in the OpenAPI schema)."""


class CommentTheme(Schema):
    key: str
    label: str
    description: str
    items: list[str]
    nam_priority_areas: list[int]
    interventions: list[str]


class ThemeCell(Schema):
    unit_id: int | None
    unit: str
    suppressed: bool
    comments: int | None
    themes: dict[str, int] | None
    negative: dict[str, int] | None
    sentiment: dict[str, int] | None


class WaveThemes(Schema):
    wave: Wave
    min_n_comments: int | None
    themes: list[CommentTheme]
    cells: list[ThemeCell]
