"""The results catalog holds every scale and flag of a wave's instruments, headlines first."""

from __future__ import annotations

from clinwell.instruments import get_instrument
from clinwell.web.results.services.catalog import measure_groups, pick_group, wave_measures

INSTRUMENTS = ["single_item_burnout", "org_wellbeing", "who5"]


def test_every_output_of_every_instrument_is_a_measure() -> None:
    measures = wave_measures(INSTRUMENTS, {"org_wellbeing": ["org_wellbeing.19"]})
    columns = [m.column for m in measures]
    assert len(columns) == len(set(columns))
    expected = {o.name for i in INSTRUMENTS for o in get_instrument(i).outputs()}
    # the wave does not ask org_wellbeing.19, so the burnout level it scores is left out
    expected -= {"org_wellbeing.burnout", "org_wellbeing.burned_out"}
    assert set(columns) == expected
    heads = [m.headline is not None for m in measures]
    assert heads == sorted(heads, reverse=True)  # every headline before every other measure
    assert {"who5.raw", "who5.percent", "who5.poor_wellbeing"} <= set(columns)


def test_the_heatmap_picker_offers_the_headlines_then_each_instrument() -> None:
    measures = wave_measures(INSTRUMENTS)
    groups = measure_groups(measures)
    assert [g.key for g in groups] == ["headline", *INSTRUMENTS]
    assert all(m.headline for m in groups[0].measures)
    who5 = pick_group(measures, "who5")
    assert [m.column for m in who5.measures] == [
        "who5.raw",
        "who5.percent",
        "who5.poor_wellbeing",
        "who5.depression_screen",
    ]
    assert who5.label == "All of WHO-5 Well-Being Index"
    assert pick_group(measures, "nonsense").key == "headline"
    assert pick_group(measures, None).key == "headline"
