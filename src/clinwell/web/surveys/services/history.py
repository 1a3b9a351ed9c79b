"""Record a past wave from a file of responses (e.g. a survey run before clinwell).

The frame has one row per response: ``unit`` (a unit path of the organization), ``role``,
optionally ``tenure_band`` and ``comment``, optionally a column per respondent attribute the
wave asks (``gender``, ``race_ethnicity``, ``age_band``, ``career_stage``: option codes; empty
or absent is ``not_stated``), and one column per item linkId holding answer codes; columns of
items the wave does not ask (left out, or asked by another module: ``waves.ASKED_BY``), and
attribute columns the wave does not ask, are ignored, and so is a ``submitted_on`` column (no
day is kept with a response). Everything is validated first — unknown units or roles, invalid
codes (by row and column, from the scoring engine or the attribute's options) — and then
stored sealed, in a random order, in one transaction, so a bad file changes nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db import transaction

from clinwell.instruments import ScoringError, get_instrument, score_frame
from clinwell.instruments.attributes import NOT_STATED, AttributeValueError, get_attribute
from clinwell.web.orgs.models import Unit
from clinwell.web.orgs.services.tabular import ImportValidationError, RowError
from clinwell.web.surveys.models import Wave
from clinwell.web.surveys.services.sealing import Channel, Payload, store_sealed
from clinwell.web.surveys.services.waves import wave_exclusions


@dataclass(frozen=True)
class HistoryReport:
    responses: int
    comments: int


def _json(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    return int(number) if number.is_integer() else round(number, 6)


def import_responses(
    wave: Wave, frame: pd.DataFrame, *, filename: str = "responses"
) -> HistoryReport:
    """Store responses for ``wave`` (which must be closed) — all of them or none."""
    if wave.status != Wave.Status.CLOSED:
        raise ImportValidationError(filename, [RowError(None, None, "the wave must be closed")])
    org = wave.organization
    units = {u.full_name: u for u in Unit.objects.filter(organization=org)}
    errors: list[RowError] = []
    for column in ("unit", "role"):
        if column not in frame.columns:
            errors.append(RowError(1, column, "required column is missing"))
    if errors:
        raise ImportValidationError(filename, errors)
    roles, tenures = set(org.role_keys()), set(org.tenure_keys())
    for offset, (path, role, tenure) in enumerate(
        zip(
            frame["unit"].astype(str),
            frame["role"].astype(str),
            frame.get("tenure_band", pd.Series([""] * len(frame))).fillna("").astype(str),
            strict=True,
        )
    ):
        line = offset + 2  # the header is row 1
        if path not in units:
            errors.append(RowError(line, "unit", f"unknown unit '{path}'"))
        if role not in roles:
            errors.append(
                RowError(line, "role", f"'{role}' is not one of {', '.join(sorted(roles))}")
            )
        if tenure and tenure not in tenures:
            errors.append(RowError(line, "tenure_band", f"'{tenure}' is not a tenure band"))
    attributes = _attribute_codes(wave, frame, errors)
    wave_modules = list(wave.modules.all())
    modules = [m.instrument_id for m in wave_modules]
    # Items the wave does not ask (left out, or asked by another module) are not imported.
    asked = {
        iid: [link for link in get_instrument(iid).link_ids if link not in excluded]
        for iid, excluded in wave_exclusions(wave_modules).items()
    }
    scored: dict[str, pd.DataFrame] = {}
    for instrument_id in modules:
        instrument = get_instrument(instrument_id)
        # An instrument whose columns are absent was simply not answered in that file.
        items = frame.reindex(columns=asked[instrument_id]).reindex(
            columns=list(instrument.link_ids)
        )
        try:
            scored[instrument_id] = score_frame(instrument, items)
        except ScoringError as exc:
            errors.append(RowError(exc.row + 1 if exc.row else None, exc.column, str(exc)))
    if errors:
        raise ImportValidationError(filename, errors)

    rows = frame.reset_index(drop=True).to_dict("records")
    score_rows = {iid: scored[iid].reset_index(drop=True).to_dict("records") for iid in modules}
    payloads = []
    for i, row in enumerate(rows):
        band: Any = row.get("tenure_band")
        text = row.get("comment")
        payloads.append(
            Payload(
                unit_id=units[str(row["unit"])].pk,
                role=str(row["role"]),
                tenure_band=str(band) if _present(band) else "",
                channel=Channel.IMPORTED,
                answers={
                    iid: {link: _json(row.get(link)) for link in asked[iid]} for iid in modules
                },
                scores={
                    str(name): _json(value)
                    for iid in modules
                    for name, value in score_rows[iid][i].items()
                },
                comment=text.strip() if isinstance(text, str) else "",
                attributes={key: codes[i] for key, codes in attributes.items()},
            )
        )
    with transaction.atomic():
        store_sealed(wave, payloads)  # in a random order: the file's order is not kept
    return HistoryReport(len(payloads), sum(1 for p in payloads if p.comment))


def _attribute_codes(
    wave: Wave, frame: pd.DataFrame, errors: list[RowError]
) -> dict[str, list[str]]:
    """Per attribute the wave asks, each row's code (``not_stated`` when empty or absent);
    a value that is not an option is an error at its row and column."""
    out: dict[str, list[str]] = {}
    for key in wave.attributes or []:
        attribute = get_attribute(key)
        if key not in frame.columns:
            out[key] = [NOT_STATED] * len(frame)
            continue
        codes = []
        for offset, value in enumerate(frame[key].tolist()):
            try:
                codes.append(attribute.parse(str(value) if _present(value) else ""))
            except AttributeValueError as exc:
                errors.append(RowError(offset + 2, key, str(exc)))
                codes.append(NOT_STATED)
        out[key] = codes
    return out


def _present(value: Any) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and math.isnan(value))
        and (value is not pd.NA and value is not pd.NaT)
    )
