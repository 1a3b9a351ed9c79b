"""The Vega-Lite chart of the EHR page: WOW8 against burnout % by unit.

Only numbers already released by the privacy gate (see :mod:`.report`) are plotted; the page
shows the same numbers in a table under the chart as its text alternative.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clinwell.privacy import ALL

if TYPE_CHECKING:
    from clinwell.web.ehrburden.services.report import UnitResult


def chart_points(rows: tuple[UnitResult, ...]) -> list[dict[str, Any]]:
    """Units (not the whole organization) with both WOW8 and burnout % published.

    ``level`` says whether the unit has units below it in the table ("group") or not ("unit"),
    because a group's value pools its units' clinicians.
    """
    paths = [r.path for r in rows]
    points = []
    for r in rows:
        wow = r.values.get("wow8")
        burnout = r.burnout_pct
        if r.path == ALL or wow is None or wow.estimate is None or burnout is None:
            continue
        group = any(p.startswith(r.path + "/") for p in paths)
        points.append(
            {
                "unit": r.label,
                "path": r.path,
                "level": "Group of units" if group else "Unit",
                "wow8": round(wow.estimate, 2),
                "burnout_pct": round(burnout.estimate or 0.0, 1),
                "clinicians": r.n,
                "respondents": burnout.n,
            }
        )
    return points


def chart_spec(rows: tuple[UnitResult, ...]) -> dict[str, Any] | None:
    """A Vega-Lite scatter of WOW8 against burnout % by unit (None with fewer than 2 units)."""
    points = chart_points(rows)
    if len(points) < 2:
        return None
    tooltip = [
        {"field": "path", "title": "Unit"},
        {"field": "wow8", "title": "WOW8 (h per 8 h)"},
        {"field": "burnout_pct", "title": "Burnout %"},
        {"field": "clinicians", "title": "Clinicians (EHR)"},
        {"field": "respondents", "title": "Respondents (survey)"},
    ]
    encoding = {
        "x": {"field": "burnout_pct", "type": "quantitative", "title": "Burnout % (survey)"},
        "y": {"field": "wow8", "type": "quantitative", "title": "WOW8 (h per 8 h scheduled)"},
    }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": f"Scatter plot of WOW8 against burnout percentage for {len(points)} units.",
        "width": "container",
        "height": 320,
        "data": {"values": points},
        "layer": [
            {
                "mark": {"type": "point", "filled": True, "size": 150, "opacity": 0.9},
                "encoding": {
                    **encoding,
                    "shape": {"field": "level", "type": "nominal", "title": None},
                    "color": {
                        "field": "level",
                        "type": "nominal",
                        "title": None,
                        "scale": {"range": ["#0b5f6b", "#8a4b00"]},
                    },
                    "tooltip": tooltip,
                },
            },
            {
                "transform": [{"filter": "datum.level === 'Unit'"}],
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 9,
                    "fontSize": 11,
                    "color": "#1d2430",
                },
                "encoding": {**encoding, "text": {"field": "unit"}},
            },
        ],
        "config": {
            "view": {"stroke": None},
            "axis": {"labelColor": "#4a5565", "titleColor": "#1d2430"},
            "legend": {"orient": "bottom", "labelColor": "#1d2430"},
        },
    }
