"""Open a wave's sealed responses into arrays for the privacy gate — the one reader of them.

Responses are stored encrypted (:mod:`clinwell.web.surveys.services.sealing`); this module
is the only place outside the surveys app that opens them, and it hands what it read to
the results computation in memory only. Every number that leaves comes from the release
built on these arrays (docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
import numpy.typing as npt
import orjson
from django.db.models import CharField
from django.db.models.functions import Cast

from clinwell.instruments.attributes import NOT_STATED
from clinwell.web.surveys.models import Response, Wave
from clinwell.web.surveys.services.sealing import Opener, Payload

FloatArray = npt.NDArray[np.float64]
COMMENT_QUESTION = "comment"


@dataclass(frozen=True)
class WaveData:
    """Per-response unit ids, roster classes, measure values (NaN = missing), comments and
    the respondent attributes the wave asked.

    Row ``i`` of every field is the same response; ``comments[i]`` is ``""`` when the
    respondent wrote none; ``attributes[key][i]`` is :data:`NOT_STATED` when the respondent
    left the question empty or preferred not to say.
    """

    unit_ids: npt.NDArray[np.int64]
    roles: tuple[str, ...]
    tenure_bands: tuple[str, ...]
    values: dict[str, FloatArray]
    comments: tuple[str, ...]
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(self.unit_ids.size)


def _number(value: object) -> float:
    if value is None or isinstance(value, str):
        return np.nan
    return float(value)  # type: ignore[arg-type]  # bool, int or float from JSON


def _matrix(scores: list[dict[str, object]], columns: Sequence[str]) -> FloatArray:
    """Rows x columns of the score dicts; NaN where a value is missing or not a number."""
    if not columns:
        return np.empty((len(scores), 0))
    # itemgetter of one key returns the value itself, of several a tuple.
    pick = itemgetter(*columns, columns[0]) if len(columns) == 1 else itemgetter(*columns)
    rows: list[tuple[object, ...]] = []
    for s in scores:
        try:
            rows.append(pick(s)[: len(columns)])
        except KeyError:  # a measure this response did not get (e.g. an optional module)
            rows.append(tuple(s.get(c) for c in columns))
    try:
        # None becomes NaN and booleans 0/1; only a stray string needs the slow path.
        matrix = np.array(rows, dtype=np.float64)
    except (TypeError, ValueError):
        matrix = np.array([[_number(v) for v in row] for row in rows], dtype=np.float64)
    return matrix.reshape(len(scores), len(columns))


def open_responses(wave: Wave) -> list[Payload]:
    """Every response of ``wave``, opened (one query; the payloads stay in memory)."""
    rows = Response.objects.filter(wave=wave).values_list("id", "sealed").order_by()
    return Opener(wave.pk).open_all(rows.iterator(chunk_size=2000))


def load_wave(wave: Wave, columns: Sequence[str], attributes: Sequence[str] = ()) -> WaveData:
    """The wave's responses: unit, roster class, score columns, comments, asked attributes.

    Reads each payload's JSON straight into the arrays (the fields of
    :meth:`~clinwell.web.surveys.services.sealing.Payload.from_json`), without building a
    payload or a UUID per response: 2.1–2.2 s became 1.9–2.0 s for 100,000 responses
    (docs/performance.md, "With cuts")."""
    # the id as the database's text (the seal's associated data is built from it)
    rows = (
        Response.objects.filter(wave=wave)
        .values_list(Cast("id", output_field=CharField()), "sealed")
        .order_by()
    )
    opener = Opener(wave.pk)
    records = [
        orjson.loads(opener.open_json(response_id, blob))
        for response_id, blob in rows.iterator(chunk_size=2000)
    ]
    matrix = _matrix([r["scores"] for r in records], columns)
    return WaveData(
        unit_ids=np.fromiter((int(r["unit"]) for r in records), dtype=np.int64, count=len(records)),
        roles=tuple(str(r["role"]) or NOT_STATED for r in records),
        tenure_bands=tuple(str(r["tenure"]) or NOT_STATED for r in records),
        values={column: np.ascontiguousarray(matrix[:, j]) for j, column in enumerate(columns)},
        comments=tuple(str(r.get("comment") or "") for r in records),
        attributes={
            key: tuple(str((r.get("attributes") or {}).get(key) or NOT_STATED) for r in records)
            for key in attributes
        },
    )
