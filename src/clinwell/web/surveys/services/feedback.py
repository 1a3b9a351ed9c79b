"""The private feedback a respondent sees right after submitting.

Built from the scores just computed and rendered into the response page only: nothing
here is stored, and the page carries no identity.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from clinwell.instruments import get_instrument
from clinwell.knowledge import Resource, find_resources, national_benchmarks

NATIONAL_SERIES = "ama_org_biopsy"


@dataclass(frozen=True)
class FeedbackRow:
    label: str
    value: str
    meaning: str
    national: str = ""
    source: str = ""
    source_url: str = ""


def _format(value: Any, low: float | None, high: float | None, unit: str | None = None) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if unit:  # a count or an amount the respondent typed in, not a rating scale
        return f"{value:g} {unit}"
    if low is not None and high is not None:
        return f"{value:.1f} on a scale of {low:g}–{high:g}"
    return f"{value:.1f}"


def _entered_unit(instrument: Any, scale_id: str) -> str | None:
    """The unit of a scale that is one number typed in (hours per week, messages per day)."""
    items = [instrument.item(link_id) for link_id in instrument.scale(scale_id).items]
    if len(items) == 1 and items[0].type != "choice" and items[0].unit:
        return str(items[0].unit)
    return None


def _for_respondent(instrument_id: str, output: Any) -> bool:
    """The many organizational items are for the organization, not the respondent."""
    return not (output.tags.domain and not output.tags.kpi and instrument_id == "org_wellbeing")


def feedback_rows(scores: dict[str, dict[str, Any]]) -> list[FeedbackRow]:
    """One row per score or flag worth showing, with its meaning and national figure.

    A scale that could not be scored (too few answers) is left out, with its cut-off flags;
    :func:`unscored_measures` names them.
    """
    series = national_benchmarks()[NATIONAL_SERIES]
    rows: list[FeedbackRow] = []
    for instrument_id, values in scores.items():
        instrument = get_instrument(instrument_id)
        for output in instrument.outputs():
            value = values.get(output.name)
            if output.kind == "score":
                if value is None or not _for_respondent(instrument_id, output):
                    continue
                low, high = output.range if output.range else (None, None)
                direction = (
                    "Higher means more strain."
                    if output.higher_is_worse
                    else "Higher is better."
                    if output.higher_is_worse is not None
                    else ""
                )
                unit = _entered_unit(instrument, output.scale)
                rows.append(
                    FeedbackRow(
                        f"{instrument.title}: {output.label}",
                        _format(value, low, high, unit),
                        direction,
                    )
                )
                continue
            cutoff = output.cutoff
            if cutoff is None or value is None:
                continue
            confirmed = (
                ""
                if cutoff.provenance.confirmed
                else " (a provisional cut-off: not yet confirmed in its original publication)"
            )
            meaning = (
                f"Your answers meet the cut-off for “{cutoff.label}”{confirmed}."
                if value
                else f"Your answers are below the cut-off for “{cutoff.label}”{confirmed}."
            )
            national, source, url = "", "", ""
            kpi = output.tags.kpi
            if kpi and kpi in series.measures:
                point = series.latest(kpi)
                if point is not None:
                    national = f"{point.value:.0%} of physicians nationally ({point.year})"
                    source = f"{series.title}, {point.year}"
                    url = (point.sources or series.sources)[0].url or ""
            rows.append(
                FeedbackRow(
                    f"{instrument.title}: {cutoff.label}",
                    "Yes" if value else "No",
                    meaning,
                    national,
                    source,
                    url,
                )
            )
    return rows


def unscored_measures(
    scores: dict[str, dict[str, Any]], asked: Collection[str] | None = None
) -> list[str]:
    """Labels of the scales :func:`feedback_rows` leaves out because they could not be scored.

    With ``asked`` (the linkIds the wave asked), a scale none of whose items the wave asked —
    left out by the administrator, or asked by another module (``waves.ASKED_BY``) — is not
    named: the respondent was never asked it.
    """
    missing = []
    for instrument_id, values in scores.items():
        instrument = get_instrument(instrument_id)
        for output in instrument.outputs():
            if (
                output.kind == "score"
                and values.get(output.name) is None
                and _for_respondent(instrument_id, output)
                and (asked is None or any(i in asked for i in instrument.scale(output.scale).items))
            ):
                missing.append(f"{instrument.title}: {output.label}")
    return missing


@lru_cache(maxsize=64)
def support_resources(state: str) -> tuple[Resource, ...]:
    """National lines first, then the state's physician health program(s).

    The directory is shipped data, so the answer per state is computed once per process.
    """
    try:
        found = find_resources(state=state or None)
    except KeyError:
        found = find_resources(state=None)
        found = [r for r in found if r.is_national]
    return tuple(r for r in found if r.is_national or r.kind == "physician_health_program")
