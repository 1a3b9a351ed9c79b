"""Chart specs stay readable on narrow screens: angled, limited axis labels; wrapped titles
that cannot run off the canvas; the whole chart fitted into its container."""

from __future__ import annotations

from typing import Any

import pytest

from clinwell.web.results import charts

WAVES = ["Spring 2025 well-being survey", "Autumn 2025 well-being survey", "Spring 2026 survey"]
POINTS = [
    {"wave": w, "estimate": 0.4 + i / 50, "lower": 0.35, "upper": 0.5} for i, w in enumerate(WAVES)
]
DRIVERS = [
    {"label": "Hours per week on prior authorizations", "share": 0.6, "action_url": "/x/"},
    {"label": "Teamwork", "share": 0.4, "action_url": "/y/"},
]


def trend() -> dict[str, Any]:
    return charts.trend_spec("Satisfied with job (agree or strongly agree)", POINTS, True, 0.43)


def drivers() -> dict[str, Any]:
    return charts.drivers_spec("What distinguishes burned-out clinicians", DRIVERS)


@pytest.mark.parametrize("build", [trend, drivers])
def test_titles_wrap_and_are_limited_and_the_chart_fits_its_container(build: Any) -> None:
    spec = build()
    title = spec["title"]
    assert title["anchor"] == "start"
    assert isinstance(title["text"], list)
    assert all(len(line) <= charts.TITLE_WRAP for line in title["text"])
    assert title["limit"] == {"expr": charts.TITLE_LIMIT}
    assert spec["width"] == "container"
    assert spec["autosize"]["type"] == "fit-x"
    assert spec["autosize"]["contains"] == "padding"


def test_long_titles_are_split_into_lines_without_losing_words() -> None:
    lines = charts.title_lines("Satisfied with job (agree or strongly agree)")
    assert len(lines) == 2
    assert " ".join(lines) == "Satisfied with job (agree or strongly agree)"
    assert charts.title_lines("Burnout by wave") == ["Burnout by wave"]
    assert charts.title_lines("What distinguishes burned-out clinicians") == [
        "What distinguishes",
        "burned-out clinicians",
    ]


def test_wave_labels_are_angled_and_limited() -> None:
    for layer in trend()["layer"]:
        x = layer["encoding"].get("x")
        if x is None:  # the national rule spans the whole plot
            continue
        axis = x["axis"]
        assert axis["labelAngle"] == charts.LABEL_ANGLE
        assert -90 < axis["labelAngle"] < 0
        assert axis["labelAlign"] == "right"
        assert axis["labelLimit"] == {"expr": charts.LABEL_LIMIT}
        assert x["scale"] == {"type": "point", "padding": 0}


def test_driver_labels_are_limited_and_the_axis_title_stays_inside() -> None:
    enc = drivers()["encoding"]
    assert enc["y"]["axis"]["labelLimit"] == {"expr": charts.DRIVER_LABEL_LIMIT}
    assert enc["x"]["axis"]["titleAnchor"] == "end"


def test_driver_chart_data_holds_only_what_it_draws() -> None:
    assert drivers()["data"]["values"] == [
        {"label": d["label"], "share": d["share"]} for d in DRIVERS
    ]


@pytest.mark.parametrize("build", [trend, drivers])
def test_static_rendering_for_the_pdf_keeps_the_full_labels(build: Any) -> None:
    svg = charts.static_svg(build(), width=560)
    assert svg.startswith("<svg")
    assert "Satisfied with job (agree" in svg or "What distinguishes" in svg
    if build is trend:
        assert "Spring 2025 well-being survey" in svg  # not cut at the PDF's width
