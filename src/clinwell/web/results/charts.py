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

# Readability on narrow cards (a 390 px phone, or a 17rem KPI card on a desktop): titles wrap
# onto lines of at most TITLE_WRAP characters and never run past the chart's width; category
# labels (long wave names) are angled and cut with an ellipsis at LABEL_LIMIT pixels. The full
# names stay in the tooltips and in the data table next to every chart.
TITLE_WRAP = 26
LABEL_ANGLE = -35
# Limits in pixels as Vega expressions of the container's width. containerSize() is [0, 0]
# outside a page (vl-convert for the PDF, at a fixed width): the widest setting there.
LABEL_LIMIT = "containerSize()[0] > 0 ? clamp(floor(containerSize()[0] * 0.5), 110, 200) : 200"
DRIVER_LABEL_LIMIT = (
    "containerSize()[0] > 0 ? clamp(floor(containerSize()[0] * 0.45), 110, 260) : 260"
)
# The title starts at the canvas's left padding; never longer than the canvas is wide.
TITLE_LIMIT = "containerSize()[0] > 0 ? max(containerSize()[0] - 20, 80) : max(width + 40, 80)"


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
            # A line too long for the canvas ends in an ellipsis instead of running off it.
            "limit": {"expr": TITLE_LIMIT},
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
    title: str, points: list[dict[str, Any]], proportion: bool, national: float | None = None
) -> dict[str, Any]:
    """Estimate per wave with its interval as a rule; a dashed line for the national value.

    ``points``: ``{"wave", "estimate", "lower", "upper"}`` in wave order.
    """
    fmt = ".0%" if proportion else ".1f"
    x = {
        "field": "wave",
        "type": "ordinal",
        "sort": None,
        "title": None,
        # Waves at the plot's edges (no outer padding): where the first angled label ends
        # then does not depend on the plot's width, so the "fit" layout needs one pass and
        # nothing is drawn left of the canvas. The y axis is offset to keep the first point
        # clear of it.
        "scale": {"type": "point", "padding": 0},
        "axis": {
            "labelAngle": LABEL_ANGLE,
            "labelAlign": "right",
            "labelBaseline": "top",
            "labelLimit": {"expr": LABEL_LIMIT},
            "labelOverlap": False,
            "labelPadding": 4,
        },
    }
    y_title = "Share of respondents" if proportion else "Mean"
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "rule", "color": BRAND, "strokeWidth": 2},
            "encoding": {
                "x": x,
                "y": {
                    "field": "lower",
                    "type": "quantitative",
                    "title": y_title,
                    "axis": {"format": fmt, "offset": 12},
                    "scale": {"zero": False},
                },
                "y2": {"field": "upper"},
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
            },
        },
    ]
    if national is not None:
        layers.append(
            {
                "data": {"values": [{"national": national}]},
                "mark": {"type": "rule", "color": NATIONAL, "strokeDash": [6, 4], "strokeWidth": 2},
                "encoding": {"y": {"field": "national", "type": "quantitative"}},
            }
        )
    spec = _base(title)
    spec.update({"data": {"values": points}, "layer": layers})
    return spec


def drivers_spec(title: str, drivers: list[dict[str, Any]]) -> dict[str, Any]:
    """Horizontal bars: each driver's share of the explained variance, largest first."""
    spec = _base(title, height=max(120, 26 * len(drivers)))
    # Only the fields the chart draws: the page's driver rows carry more (links included).
    values = [{"label": d["label"], "share": d["share"]} for d in drivers]
    spec.update(
        {
            "data": {"values": values},
            "mark": {"type": "bar", "color": BRAND},
            "encoding": {
                "y": {
                    "field": "label",
                    "type": "nominal",
                    "sort": "-x",
                    "title": None,
                    # Up to 260 px of label, but at most ~45% of a narrow container (phone).
                    "axis": {"labelLimit": {"expr": DRIVER_LABEL_LIMIT}},
                },
                "x": {
                    "field": "share",
                    "type": "quantitative",
                    "title": "Share of explained variance",
                    # Right-aligned under the bars: never past the right edge of the canvas.
                    "axis": {"format": ".0%", "titleAnchor": "end", "labelFlush": True},
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
