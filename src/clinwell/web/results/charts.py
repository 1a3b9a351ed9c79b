"""Vega-Lite specs (hand-written JSON) for the results pages and the PDF report.

Every chart is paired on the page with a text alternative (a summary sentence as its
accessible name and a data table). The same specs render to static SVG for the PDF with
vl-convert, so the board report matches the pages.
"""

from __future__ import annotations

import textwrap
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
BRAND = "#0b5f6b"
NATIONAL = "#8a4b00"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"

# Readability on narrow cards (a 390 px phone, or a 17rem KPI card on a desktop): titles and
# category labels (long wave names, driver names) are never cut. They wrap onto lines of at
# most TITLE_WRAP / LABEL_WRAP characters (a line break in the label, drawn as separate lines
# by the axis's labelExpr), and the "fit" layout makes room for them.
TITLE_WRAP = 26
LABEL_WRAP = 12
LABEL_ANGLE = -35
DRIVER_LABEL_WRAP = 24
LINE = "\n"
LINES_EXPR = "split(datum.label, '\\n')"
# Proportions are drawn on a fixed 0-100% scale with ticks every 25 points (no magnified
# noise, no two ticks with the same label); means on their instrument's range when the
# caller gives it (see ``domain``), with ticks at least 0.1 apart (one decimal shown).
PROPORTION_TICKS = [0.0, 0.25, 0.5, 0.75, 1.0]
MEAN_TICK_STEP = 0.1
THIS_GROUP = "This group"


def wrap_label(text: str, width: int = LABEL_WRAP) -> str:
    """``text`` with line breaks at word boundaries every ``width`` characters at most."""
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return LINE.join(lines or [text])


def title_lines(title: str) -> list[str]:
    """The title split on word boundaries into lines of at most ``TITLE_WRAP`` characters."""
    lines = textwrap.wrap(title, TITLE_WRAP, break_long_words=False, break_on_hyphens=False)
    return lines or [title]


def _base(title: str, width: int | str = "container", height: int = 180) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "title": {
            "text": title_lines(title),
            "anchor": "start",
            "fontSize": 14,
            "lineHeight": 18,
            "offset": 8,
        },
        "width": width,
        "height": height,
        # Fit the whole chart (axes, labels, title) into the container's width.
        "autosize": {"type": "fit-x", "contains": "padding", "resize": True},
        "padding": {"left": 5, "top": 5, "right": 10, "bottom": 5},
        "config": {
            "font": FONT,
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#1d2430"},
            "view": {"stroke": None},
        },
        "usermeta": {"embedOptions": {"actions": False, "renderer": "svg"}},
    }


def trend_spec(
    title: str,
    points: list[dict[str, Any]],
    proportion: bool,
    national: float | None = None,
    *,
    domain: tuple[float, float] | None = None,
    reference_label: str = "National figure",
    wrap_labels: bool = False,
) -> dict[str, Any]:
    """Estimate per wave with its interval as a rule; a dashed line for a reference value.

    ``points``: ``{"wave", "estimate", "lower", "upper"}`` in wave order. Proportions use a
    fixed 0-100% axis; a mean uses ``domain`` (its instrument's range) when given. A
    reference line (``national``) has a legend entry named ``reference_label``, next to the
    group's own entry.

    Wave names are never cut: on a page (a container of unknown width) each is drawn in full
    on one angled line, so the layout does not depend on the width and "fit" needs one pass;
    ``wrap_labels`` (a chart of fixed width, the PDF) wraps them onto level lines instead.
    """
    fmt = ".0%" if proportion else ".1f"
    values = points
    if wrap_labels:
        values = [{**p, "wave_label": wrap_label(str(p["wave"]))} for p in points]
    x: dict[str, Any] = {
        "field": "wave_label" if wrap_labels else "wave",
        "type": "ordinal",
        "sort": None,
        "title": None,
        # Angled labels: waves at the plot's edges (no outer padding), so where the first
        # label ends does not depend on the plot's width; the y axis is offset to keep the
        # first point clear of it.
        "scale": {"type": "point", "padding": 0.5 if wrap_labels else 0},
        "axis": {
            "labelAngle": 0 if wrap_labels else LABEL_ANGLE,
            "labelAlign": "center" if wrap_labels else "right",
            "labelBaseline": "top",
            "labelLimit": 0,  # never cut
            "labelOverlap": False,
            "labelPadding": 4,
            "labelLineHeight": 13,
            "labelFontSize": 11,
        },
    }
    if wrap_labels:
        x["axis"]["labelExpr"] = LINES_EXPR
    y_title = "Share of respondents" if proportion else "Mean"
    y_axis: dict[str, Any] = {"format": fmt, "offset": 6 if wrap_labels else 12}
    y_scale: dict[str, Any] = {"zero": False}
    if proportion:
        y_scale = {"domain": [0, 1], "nice": False, "zero": True}
        y_axis["values"] = PROPORTION_TICKS
    else:
        y_axis["tickMinStep"] = MEAN_TICK_STEP
        if domain is not None:
            y_scale = {"domain": list(domain), "nice": False, "zero": False}
    series: dict[str, Any] = {}
    if national is not None:
        series = {
            "color": {
                "datum": THIS_GROUP,
                "type": "nominal",
                "title": None,
                "scale": {"domain": [THIS_GROUP, reference_label], "range": [BRAND, NATIONAL]},
                "legend": {"orient": "bottom", "direction": "vertical", "symbolType": "stroke"},
            }
        }
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "rule", "color": BRAND, "strokeWidth": 2},
            "encoding": {
                "x": x,
                "y": {
                    "field": "lower",
                    "type": "quantitative",
                    "title": y_title,
                    "axis": y_axis,
                    "scale": y_scale,
                },
                "y2": {"field": "upper"},
                **series,
            },
        },
        {
            "mark": {
                "type": "line",
                "color": BRAND,
                "point": {"filled": True, "size": 70, "color": BRAND},
            },
            "encoding": {
                "x": x,
                "y": {"field": "estimate", "type": "quantitative"},
                "tooltip": [
                    {"field": "wave", "title": "Wave"},
                    {"field": "estimate", "title": "Estimate", "format": fmt},
                    {"field": "lower", "title": "95% CI from", "format": fmt},
                    {"field": "upper", "title": "to", "format": fmt},
                ],
                **series,
            },
        },
    ]
    if national is not None:
        layers.append(
            {
                "data": {"values": [{"national": national}]},
                "mark": {"type": "rule", "strokeDash": [6, 4], "strokeWidth": 2},
                "encoding": {
                    "y": {"field": "national", "type": "quantitative"},
                    "color": {"datum": reference_label, "type": "nominal"},
                },
            }
        )
    spec = _base(title)
    spec.update({"data": {"values": values}, "layer": layers})
    return spec


def drivers_spec(title: str, drivers: list[dict[str, Any]]) -> dict[str, Any]:
    """Horizontal bars: each driver's share of the explained variance, largest first."""
    spec = _base(title, height=max(120, 34 * len(drivers)))
    # Only the fields the chart draws: the page's driver rows carry more (links included).
    values = [
        {
            "label": d["label"],
            "lines": wrap_label(d["label"], DRIVER_LABEL_WRAP),
            "share": d["share"],
        }
        for d in drivers
    ]
    spec.update(
        {
            "data": {"values": values},
            "mark": {"type": "bar", "color": BRAND},
            "encoding": {
                "y": {
                    "field": "lines",
                    "type": "nominal",
                    "sort": "-x",
                    "title": None,
                    # Never cut: long names are wrapped onto lines of DRIVER_LABEL_WRAP.
                    "axis": {"labelExpr": LINES_EXPR, "labelLimit": 0, "labelLineHeight": 14},
                },
                "x": {
                    "field": "share",
                    "type": "quantitative",
                    "title": "Share of explained variance",
                    # Right-aligned under the bars: never past the right edge of the canvas.
                    "axis": {
                        "format": ".0%",
                        "titleAnchor": "end",
                        "labelFlush": True,
                        "tickMinStep": 0.01,  # one tick per whole percent at most
                    },
                },
                "tooltip": [
                    {"field": "label", "title": "Driver"},
                    {"field": "share", "title": "Share", "format": ".0%"},
                ],
            },
        }
    )
    return spec


QUADRANT_COLOURS = {
    "Concentrate here": "#b23b1e",
    "Keep up the good work": BRAND,
    "Low priority": "#5b6470",
    "Possible overkill": "#6a4fa3",
}


def quadrant_spec(
    title: str,
    points: list[dict[str, Any]],
    importance_cut: float,
    performance_cut: float,
    y_title: str,
    y_format: str,
) -> dict[str, Any]:
    """Importance (x) against performance (y), one numbered point per driver item, with
    dashed cross-hairs at the mean importance and the performance reference.

    ``points``: ``{"label", "rank", "importance", "performance", "quadrant"}``; the number
    drawn next to a point is its rank, which the table next to the chart names.
    """
    spec = _base(title, height=300)
    keys = ("label", "rank", "importance", "performance", "quadrant")
    values = [{k: p[k] for k in keys} for p in points]
    x = {
        "field": "importance",
        "type": "quantitative",
        "title": "Importance (share of explained variance)",
        "axis": {"format": ".0%", "titleAnchor": "end", "labelFlush": True},
        "scale": {"zero": True, "nice": True},
    }
    y = {
        "field": "performance",
        "type": "quantitative",
        "title": y_title,
        "axis": {"format": y_format},
        "scale": {"zero": False, "nice": True},
    }
    cuts = {"importance": importance_cut, "performance": performance_cut}
    rule = {"type": "rule", "color": "#5b6470", "strokeDash": [5, 4], "strokeWidth": 1.5}
    spec.update(
        {
            "layer": [
                {
                    "data": {"values": [cuts]},
                    "mark": rule,
                    "encoding": {"x": {"field": "importance", "type": "quantitative"}},
                },
                {
                    "data": {"values": [cuts]},
                    "mark": rule,
                    "encoding": {"y": {"field": "performance", "type": "quantitative"}},
                },
                {
                    "data": {"values": values},
                    "mark": {"type": "point", "filled": True, "size": 90, "opacity": 1},
                    "encoding": {
                        "x": x,
                        "y": y,
                        "color": {
                            "field": "quadrant",
                            "type": "nominal",
                            "title": None,
                            "scale": {
                                "domain": list(QUADRANT_COLOURS),
                                "range": list(QUADRANT_COLOURS.values()),
                            },
                            "legend": {"orient": "bottom", "columns": 2, "labelLimit": 180},
                        },
                        "shape": {
                            "field": "quadrant",
                            "type": "nominal",
                            "title": None,
                            "scale": {"domain": list(QUADRANT_COLOURS)},
                            "legend": {"orient": "bottom", "columns": 2, "labelLimit": 180},
                        },
                        "tooltip": [
                            {"field": "rank", "title": "Rank"},
                            {"field": "label", "title": "Driver"},
                            {"field": "importance", "title": "Importance", "format": ".0%"},
                            {"field": "performance", "title": y_title, "format": y_format},
                            {"field": "quadrant", "title": "Quadrant"},
                        ],
                    },
                },
                {
                    "data": {"values": values},
                    "mark": {
                        "type": "text",
                        "align": "left",
                        "dx": 7,
                        "dy": -7,
                        "fontSize": 11,
                        "color": "#1d2430",
                    },
                    "encoding": {"x": x, "y": y, "text": {"field": "rank", "type": "nominal"}},
                },
            ]
        }
    )
    return spec


def static_svg(spec: dict[str, Any], width: int = 640) -> str:
    """The chart as an SVG string (vl-convert), for the PDF report."""
    import vl_convert

    fixed = {**spec, "width": width}
    fixed.pop("usermeta", None)
    return str(vl_convert.vegalite_to_svg(fixed))
