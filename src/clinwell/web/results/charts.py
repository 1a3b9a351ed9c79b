"""Vega-Lite specs (hand-written JSON) for the results pages and the PDF report.

Every chart is paired on the page with a text alternative (a summary sentence as its
accessible name and a data table). The same specs render to static SVG for the PDF with
vl-convert, so the board report matches the pages.
"""

from __future__ import annotations

from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
BRAND = "#0b5f6b"
NATIONAL = "#8a4b00"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"


def _base(title: str, width: int | str = "container", height: int = 180) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "width": width,
        "height": height,
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
    x = {"field": "wave", "type": "ordinal", "sort": None, "title": None, "axis": {"labelAngle": 0}}
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
                    "axis": {"format": fmt},
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
    spec.update(
        {
            "data": {"values": drivers},
            "mark": {"type": "bar", "color": BRAND},
            "encoding": {
                "y": {
                    "field": "label",
                    "type": "nominal",
                    "sort": "-x",
                    "title": None,
                    "axis": {"labelLimit": 260},
                },
                "x": {
                    "field": "share",
                    "type": "quantitative",
                    "title": "Share of explained variance",
                    "axis": {"format": ".0%"},
                },
                "tooltip": [
                    {"field": "label", "title": "Driver"},
                    {"field": "share", "title": "Share", "format": ".0%"},
                ],
            },
        }
    )
    return spec


def static_svg(spec: dict[str, Any], width: int = 640) -> str:
    """The chart as an SVG string (vl-convert), for the PDF report."""
    import vl_convert

    fixed = {**spec, "width": width}
    fixed.pop("usermeta", None)
    return str(vl_convert.vegalite_to_svg(fixed))
