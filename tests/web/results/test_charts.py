"""Chart specs stay readable on narrow screens and honest: labels and titles wrapped, never
cut; proportions on a fixed 0-100% axis; a legend entry for every reference line; no two
axis ticks with the same label; the whole chart fitted into its container."""

from __future__ import annotations

import re
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
def test_titles_wrap_are_never_cut_and_the_chart_fits_its_container(build: Any) -> None:
    spec = build()
    title = spec["title"]
    assert title["anchor"] == "start"
    assert isinstance(title["text"], list)
    assert all(len(line) <= charts.TITLE_WRAP for line in title["text"])
    assert "limit" not in title
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


def test_wave_labels_on_a_page_are_angled_in_full() -> None:
    for layer in trend()["layer"]:
        x = layer["encoding"].get("x")
        if x is None:  # the national rule spans the whole plot
            continue
        axis = x["axis"]
        assert x["field"] == "wave"
        assert axis["labelAngle"] == charts.LABEL_ANGLE
        assert axis["labelLimit"] == 0  # 0 = no limit in Vega
        assert "labelExpr" not in axis
        assert x["scale"] == {"type": "point", "padding": 0}


def test_wave_labels_in_the_pdf_are_wrapped_not_cut() -> None:
    spec = charts.trend_spec("Burnout", POINTS, True, wrap_labels=True)
    labels = [v["wave_label"] for v in spec["data"]["values"]]
    assert labels[0] == "Spring 2025\nwell-being\nsurvey"
    assert [label.replace("\n", " ") for label in labels] == WAVES  # no word lost
    axis = spec["layer"][0]["encoding"]["x"]["axis"]
    assert axis["labelExpr"] == charts.LINES_EXPR
    assert axis["labelAngle"] == 0
    assert axis["labelLimit"] == 0


@pytest.mark.parametrize("wrap", [False, True])
def test_wave_labels_are_drawn_in_full(wrap: bool) -> None:
    spec = charts.trend_spec("Burnout", POINTS, True, 0.4, wrap_labels=wrap)
    svg = charts.static_svg(spec, width=300)
    drawn = " ".join(re.sub(r"<[^>]+>", " ", svg).split())
    for wave in WAVES:
        assert all(word in drawn for word in wave.split())
        if not wrap:
            assert wave in drawn  # one line
    assert "…" not in svg


def test_driver_labels_are_wrapped_not_cut_and_the_axis_title_stays_inside() -> None:
    spec = drivers()
    enc = spec["encoding"]
    assert enc["y"]["axis"]["labelExpr"] == charts.LINES_EXPR
    assert enc["y"]["axis"]["labelLimit"] == 0
    assert spec["data"]["values"][0]["lines"] == "Hours per week on prior\nauthorizations"
    assert enc["x"]["axis"]["titleAnchor"] == "end"


def test_proportions_use_a_fixed_0_to_100_scale() -> None:
    y = trend()["layer"][0]["encoding"]["y"]
    assert y["scale"]["domain"] == [0, 1]
    assert y["scale"]["nice"] is False
    assert y["axis"]["values"] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert y["axis"]["format"] == ".0%"


def test_means_use_the_given_common_scale() -> None:
    spec = charts.trend_spec("Culture", POINTS, False, domain=(1.0, 5.0))
    y = spec["layer"][0]["encoding"]["y"]
    assert y["scale"]["domain"] == [1.0, 5.0]
    assert y["axis"]["tickMinStep"] == charts.MEAN_TICK_STEP


def test_every_reference_line_has_a_legend_entry() -> None:
    spec = charts.trend_spec("Burnout", POINTS, True, 0.45, reference_label="National (physicians)")
    reference = spec["layer"][-1]
    assert reference["mark"]["strokeDash"]
    assert reference["encoding"]["color"]["datum"] == "National (physicians)"
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == [charts.THIS_GROUP, "National (physicians)"]
    svg = charts.static_svg(spec, width=400)
    assert "National (physicians)" in svg
    assert charts.THIS_GROUP in svg
    plain = charts.trend_spec("Burnout", POINTS, True)
    assert all("color" not in layer["encoding"] for layer in plain["layer"])


def _tick_labels(svg: str) -> list[str]:
    return re.findall(r"role-axis-label\".*?</g>", svg, flags=re.S)


@pytest.mark.parametrize(
    ("proportion", "points"),
    [
        (True, POINTS),
        (
            False,
            [
                {"wave": w, "estimate": 54.1 + i / 100, "lower": 54.0, "upper": 54.3}
                for i, w in enumerate(WAVES)
            ],
        ),
    ],
)
def test_no_two_axis_ticks_share_a_label(proportion: bool, points: list[dict[str, Any]]) -> None:
    svg = charts.static_svg(charts.trend_spec("Measure", points, proportion), width=300)
    groups = _tick_labels(svg)
    assert len(groups) == 2  # the x and y axes
    for group in groups:
        texts = re.findall(r">([^<>]+)</text>", group)
        assert len(texts) == len(set(texts)), texts


def test_driver_chart_data_holds_only_what_it_draws() -> None:
    assert [
        {k: v for k, v in row.items() if k != "lines"} for row in drivers()["data"]["values"]
    ] == [{"label": d["label"], "share": d["share"]} for d in DRIVERS]


@pytest.mark.parametrize("build", [trend, drivers])
def test_static_rendering_for_the_pdf_keeps_the_full_labels(build: Any) -> None:
    svg = charts.static_svg(build(), width=560)
    assert svg.startswith("<svg")
    assert "Satisfied with job (agree" in svg or "What distinguishes" in svg
    if build is trend:
        assert "Spring 2025 well-being survey" in svg  # not cut at the PDF's width
