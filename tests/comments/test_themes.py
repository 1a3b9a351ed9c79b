"""Every id that a theme refers to exists in its source."""

from __future__ import annotations

from clinwell.comments import THEME_KEYS, theme, themes
from clinwell.instruments import get_instrument, load_library
from clinwell.knowledge import intervention, nam_plan, vocabulary


def test_the_ten_fixed_keys_in_order() -> None:
    assert tuple(t.key for t in themes()) == THEME_KEYS
    assert len(THEME_KEYS) == 10
    assert theme("safety_violence").label == "Safety and violence"


def test_every_item_and_scale_exists_in_the_instrument_library() -> None:
    instruments = {i: get_instrument(i) for i in load_library()}
    link_ids = {item.link_id for inst in instruments.values() for item in inst.items}
    scales = {f"{i}.{s.id}" for i, inst in instruments.items() for s in inst.scales}
    for t in themes():
        assert t.items or t.scales, t.key
        assert set(t.items) <= link_ids, (t.key, set(t.items) - link_ids)
        assert set(t.scales) <= scales, (t.key, set(t.scales) - scales)


def test_every_driver_priority_area_and_intervention_exists() -> None:
    drivers = vocabulary().driver_ids
    areas = {a.number for a in nam_plan().priority_areas}
    for t in themes():
        assert t.nam_priority_areas, t.key
        assert set(t.nam_priority_areas) <= areas, t.key
        assert set(t.drivers) <= drivers, (t.key, set(t.drivers) - drivers)
        assert t.interventions, t.key
        for intervention_id in t.interventions:
            assert intervention(intervention_id).id == intervention_id


def test_interventions_named_for_a_theme_target_one_of_its_drivers_or_say_why_not() -> None:
    for t in themes():
        for intervention_id in t.interventions:
            targets = set(intervention(intervention_id).drivers)
            assert targets & set(t.drivers) or t.note, (t.key, intervention_id)
