"""The equity view (NAM National Plan priority area 7): gaps between groups of respondents
on each headline measure, only where the gate publishes both groups.

For one unit and one dimension (role, tenure band, each attribute the wave asked), every
published group is compared with the dimension's largest published group (the reference):
the difference with a 95% interval — Newcombe's hybrid score interval for proportions,
Welch's for means (:func:`clinwell.stats.change.proportion_difference`,
:func:`~clinwell.stats.change.mean_difference`) — and a two-sided p-value. The family of
every comparison on the page is controlled with Benjamini–Hochberg at q = 0.05
(:func:`clinwell.stats.multiple.benjamini_hochberg`; Benjamini Y, Hochberg Y. J R Stat
Soc B 1995;57:289-300): a gap is called clear only if it survives that control. Groups
are independent samples of respondents; the released cells hold n, the estimate and, for
means, the SD, so nothing here reads a response.
"""

from __future__ import annotations

from typing import Any

from clinwell.instruments.attributes import NOT_STATED
from clinwell.stats.multiple import benjamini_hochberg
from clinwell.web.orgs.models import Membership
from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.catalog import KPI_LABELS, kpi_measures
from clinwell.web.results.services.present import change, fmt_interval, fmt_value
from clinwell.web.results.services.scope import ROLE, Scope, cut_dimensions
from clinwell.web.surveys.models import Wave

Q_LEVEL = 0.05


def equity_data(membership: Membership, wave: Wave, scope: Scope) -> dict[str, Any]:
    """Per dimension: the published groups, the reference, and each group's gap per KPI."""
    res = results_for(wave)
    measures = list(kpi_measures(res.measures).items())
    sections: list[dict[str, Any]] = []
    comparisons: list[dict[str, Any]] = []  # every gap with a p-value: the BH family
    dimensions = cut_dimensions(membership.organization, wave)
    order = [name for name, _, _ in dimensions]
    fixed = dict(scope.cut)
    for name, label, values in dimensions:
        if name in fixed:
            continue  # the cut fixes this dimension: nothing to compare within it
        if any(other != ROLE for other in fixed) and name != ROLE:
            continue  # two attributes together are never published: only roles compare

        def group_key(code: str, name: str = name) -> str:
            chosen = {**fixed, name: code}
            return "&".join(f"{n}={chosen[n]}" for n in order if n in chosen)

        groups: list[dict[str, Any]] = []
        hidden: list[str] = []
        for code, value_label in values:
            if code == NOT_STATED:
                continue
            cell = res.cell(scope.unit_id, group_key(code))
            if cell is None:
                continue
            if cell.suppressed:
                hidden.append(value_label)
                continue
            groups.append({"code": code, "label": value_label, "cell": cell, "gaps": []})
        if len(groups) < 2:
            sections.append(
                {
                    "name": name,
                    "label": label,
                    "groups": groups,
                    "hidden": hidden,
                    "reference": None,
                }
            )
            continue
        reference = max(groups, key=lambda g: g["cell"].n or 0)
        for group in groups:
            for key, m in measures:
                est = group["cell"].estimates.get(m.column)
                gap = None
                if group is not reference:
                    gap = change(m, est, reference["cell"].estimates.get(m.column))
                    if gap is not None:
                        comparisons.append(gap)
                group["gaps"].append(
                    {
                        "kpi": key,
                        "value": fmt_value(m, None if not est else est.get("estimate")),
                        "interval": fmt_interval(m, est),
                        "withheld": est is None,
                        "gap": gap,
                    }
                )
        sections.append(
            {
                "name": name,
                "label": label,
                "groups": groups,
                "hidden": hidden,
                "reference": reference,
            }
        )
    if comparisons:
        adjusted = benjamini_hochberg([c["p"] for c in comparisons], q=Q_LEVEL)
        for gap, q, rejected in zip(comparisons, adjusted.adjusted, adjusted.rejected, strict=True):
            gap["q"] = q
            gap["clear_after_control"] = bool(rejected)
    return {
        "meta": res.meta,
        "sections": sections,
        "measures": [{"key": key, "label": KPI_LABELS[key], "measure": m} for key, m in measures],
        "tests": len(comparisons),
        "q_level": Q_LEVEL,
    }
