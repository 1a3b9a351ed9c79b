"""The one place the executive pages compare a group with a national figure.

The only national series shown here (the AMA Organizational Biopsy national comparison)
describes physicians. A group is compared with it only when the group is like-for-like:
its population is physicians only. A wave's overall results include every clinician role
that responded, so today the comparison says it becomes available once results are cut by
role; when the results release carries a physician cell, the caller passes that cell's
estimate with ``population=PHYSICIANS`` and the figure is shown.
"""

from __future__ import annotations

from typing import Any

from clinwell.web.results.services.catalog import MeasureInfo
from clinwell.web.results.services.present import national_comparison as _against_national

PHYSICIANS = "physicians"
ALL_ROLES = "all roles"

NOT_LIKE_FOR_LIKE = (
    "No national comparison: the national figures describe physicians, and this group's "
    "physicians are too few to publish on their own."
)


def national_comparison(
    m: MeasureInfo, est: dict[str, Any] | None, *, population: str = ALL_ROLES
) -> dict[str, Any] | None:
    """This group against the national figure, or why it is not compared.

    Returns None when no national figure exists for the measure; otherwise
    ``{"state": "shown", "population", "figure": {...}}`` (``figure`` as
    :func:`clinwell.web.results.services.present.national_comparison` returns it: value,
    display, difference with interval, ``clear``, source) when ``population`` is
    :data:`PHYSICIANS`, else ``{"state": "not_like_for_like", "message", "figure": None}``.
    """
    figure = _against_national(m, est)
    if figure is None:
        return None
    if population != PHYSICIANS:
        return {
            "state": "not_like_for_like",
            "population": population,
            "message": NOT_LIKE_FOR_LIKE,
            "figure": None,
        }
    tone = "unclear"
    if figure["clear"] and m.higher_is_worse is not None:
        tone = "worse" if (figure["difference"] > 0) == m.higher_is_worse else "better"
    return {
        "state": "shown",
        "population": population,
        "figure": figure,
        "tone": tone,
        "message": "",
    }
