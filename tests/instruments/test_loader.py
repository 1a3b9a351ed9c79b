"""The shipped library follows the conventions; malformed files are rejected by file and field."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clinwell.instruments import (
    DOMAINS,
    KPIS,
    InstrumentError,
    get_instrument,
    instrument_data,
    load_instrument_file,
    load_library,
    parse_instrument,
)
from clinwell.instruments.library import SHIPPED_DIR, UnknownInstrumentError

SHIPPED = {
    "single_item_burnout",
    "mini_z2",
    "cbi",
    "who5",
    "pfi",
    "intent_to_leave",
    "org_wellbeing",
    "admin_burden",
}


def test_library_ships_every_instrument() -> None:
    assert set(load_library()) == SHIPPED
    assert {p.stem for p in SHIPPED_DIR.glob("*.json")} == SHIPPED


def test_unknown_instrument_names_known_ids() -> None:
    with pytest.raises(UnknownInstrumentError, match=re.escape("known: admin_burden")):
        get_instrument("mbi")


@pytest.mark.parametrize("instrument_id", sorted(SHIPPED))
def test_conventions(instrument_id: str) -> None:
    inst = get_instrument(instrument_id)
    numbers = [int(re.fullmatch(rf"{instrument_id}\.(\d+)", i).group(1)) for i in inst.link_ids]  # type: ignore[union-attr]
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(name.startswith(f"{instrument_id}.") for name in inst.output_names)
    assert len(set(inst.output_names)) == len(inst.output_names)
    for sc in inst.scales:
        for cut in sc.cutoffs:
            assert cut.provenance.source
    if inst.text_status == "placeholder":
        assert all("Licensed text not loaded" in it.text for it in inst.items)
        assert not inst.licence.redistribution_allowed


def test_issue_examples_of_output_columns() -> None:
    names = {n for i in load_library().values() for n in i.output_names}
    expected = {
        "single_item_burnout.score", "single_item_burnout.burnout", "cbi.personal", "cbi.work",
        "cbi.patient", "who5.raw", "who5.percent", "who5.poor_wellbeing",
        "who5.depression_screen", "mini_z2.total", "pfi.fulfillment", "pfi.work_exhaustion",
        "pfi.interpersonal_disengagement", "pfi.overall_burnout", "intent_to_leave.leave",
    }  # fmt: skip
    assert expected <= names


def test_item_counts_and_codes() -> None:
    counts = {i.id: len(i.items) for i in load_library().values()}
    assert counts["cbi"] == 19
    assert counts["mini_z2"] == 10
    assert counts["pfi"] == 16
    assert counts["who5"] == 5
    cbi = get_instrument("cbi")
    for link_id in cbi.link_ids:
        scores = {o.code: o.score for o in cbi.item(link_id).options}
        assert scores == {1: 100, 2: 75, 3: 50, 4: 25, 5: 0}
    assert [s.items for s in cbi.scales] == [
        tuple(f"cbi.{n}" for n in range(1, 7)),
        tuple(f"cbi.{n}" for n in range(7, 14)),
        tuple(f"cbi.{n}" for n in range(14, 20)),
    ]
    assert cbi.scale("work").reverse == ("cbi.10",)
    assert [s.min_answered for s in cbi.scales] == [3, 4, 3]
    assert {o.code: o.score for o in get_instrument("who5").item("who5.1").options} == {
        c: c for c in range(6)
    }


def test_licence_and_validation_metadata() -> None:
    mz = get_instrument("mini_z2")
    assert mz.licence.acknowledgement_required
    assert "commercial" in mz.licence.text.lower()
    assert get_instrument("single_item_burnout").licence.redistribution_allowed
    for custom in ("org_wellbeing", "admin_burden"):
        inst = get_instrument(custom)
        assert not inst.validated
        assert inst.validation_note == "custom — not externally validated"
    pfi_cuts = [c for s in get_instrument("pfi").scales for c in s.cutoffs]
    assert {c.id: c.provenance.confirmed for c in pfi_cuts}["burnout"] is False
    assert get_instrument("cbi").scale("personal").cutoffs[0].provenance.confirmed is False


def test_dashboard_tags_cover_kpis_domains_and_drivers() -> None:
    outputs = [c for i in load_library().values() for c in i.outputs()]
    assert {c.tags.kpi for c in outputs if c.tags.kpi} == set(KPIS)
    assert {c.tags.domain for c in outputs if c.tags.domain} == set(DOMAINS)
    drivers = {c.name for c in outputs if c.tags.driver}
    for name in ("teamwork", "workflow", "documentation_time", "ehr_after_hours",
                 "feeling_valued", "leadership", "work_control"):  # fmt: skip
        assert f"org_wellbeing.{name}" in drivers
    kpi_cols = {c.tags.kpi: c for c in outputs if c.tags.kpi and c.name.startswith("org_")}
    assert kpi_cols["job_satisfaction"].kind == "flag"
    assert kpi_cols["weekly_hours"].kind == "score"


def _doc(instrument_id: str = "cbi") -> dict[str, Any]:
    return instrument_data(get_instrument(instrument_id))


def _set(path: list[str | int], value: object) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        node: Any = doc
        for key in path[:-1]:
            node = node[key]
        if value is KeyError:
            del node[path[-1]]
        else:
            node[path[-1]] = value

    return apply


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_set(["scoring", "scales", 0, "min_answered"], 9), "scoring.scales[0].min_answered"),
        (_set(["scoring", "scales", 1, "items", 0], "cbi.99"), "scoring.scales[1].items[0]"),
        (_set(["scoring", "scales", 0, "range"], [0, 99]), "scoring.scales[0].range"),
        (_set(["scoring", "scales", 0, "method"], "median"), "scoring.scales[0].method"),
        (_set(["scoring", "scales", 0, "tags", "kpi"], "joy"), "scoring.scales[0].tags.kpi"),
        (
            _set(["scoring", "scales", 0, "cutoffs", 0, "value"], 150),
            "scoring.scales[0].cutoffs[0].value",
        ),
        (
            _set(["scoring", "scales", 0, "cutoffs", 0, "confirmed"], KeyError),
            "scoring.scales[0].cutoffs[0].confirmed",
        ),
        (
            _set(["scoring", "licence", "acknowledgement_required"], "yes"),
            "scoring.licence.acknowledgement_required",
        ),
        (_set(["scoring", "instrument"], "Bad Id"), "scoring.instrument"),
        (_set(["questionnaire", "id"], "cbj"), "questionnaire.id"),
        (_set(["questionnaire", "item", 2, "linkId"], "cbi.three"), "questionnaire.item[2].linkId"),
        (_set(["questionnaire", "item", 2, "linkId"], "cbi.2"), "questionnaire.item[2].linkId"),
        (
            _set(["questionnaire", "item", 0, "answerOption", 1, "valueCoding", "code"], "1"),
            "questionnaire.item[0].answerOption",
        ),
        (
            _set(["questionnaire", "item", 0, "answerOption", 0, "extension"], []),
            "questionnaire.item[0].answerOption[0]",
        ),
        (_set(["questionnaire", "copyright"], KeyError), "questionnaire.copyright"),
        (_set(["questionnaire", "resourceType"], "Patient"), "questionnaire.resourceType"),
    ],
)
def test_malformed_documents_name_the_field(
    change: Callable[[dict[str, Any]], None], field: str
) -> None:
    doc = copy.deepcopy(_doc())
    change(doc)
    with pytest.raises(InstrumentError) as info:
        parse_instrument(doc, source="broken.json")
    assert str(info.value).startswith(f"broken.json: {field}:")


def test_sum_requires_every_item() -> None:
    doc = _doc("who5")
    doc["scoring"]["scales"][0]["min_answered"] = 4
    with pytest.raises(InstrumentError, match=r"scales\[0\]\.min_answered.*sum needs every item"):
        parse_instrument(doc, "who5.json")


def test_load_instrument_file_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(InstrumentError, match=re.escape("nope.json: cannot read")):
        load_instrument_file(missing)
    bad = tmp_path / "bad.json"
    bad.write_text('{"questionnaire": ', encoding="utf-8")
    with pytest.raises(InstrumentError, match=re.escape("bad.json: invalid JSON at line 1")):
        load_instrument_file(bad)
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"questionnaire": {}}), encoding="utf-8")
    with pytest.raises(
        InstrumentError, match=re.escape("partial.json: scoring: required field is missing")
    ):
        load_instrument_file(partial)


def test_round_trip_through_document_form() -> None:
    for inst in load_library().values():
        again = parse_instrument(instrument_data(inst), "copy")
        assert again == inst


def test_intent_to_leave_is_labelled_as_unvalidated_paraphrase() -> None:
    # reference/instruments.md §6: the wording and the option labels are NOT CONFIRMED.
    inst = get_instrument("intent_to_leave")
    assert inst.validated is False
    assert inst.text_status == "paraphrase"
    assert "NOT CONFIRMED" in inst.validation_note
    leave = inst.scale("score").cutoffs[0]
    assert leave.id == "leave"
    assert leave.provenance.confirmed is False
    assert "NOT CONFIRMED" in leave.provenance.note


def test_pfi_rules_that_depend_on_the_item_split_are_unconfirmed() -> None:
    # reference/instruments.md §3: the 6/4/6 item split is NOT CONFIRMED, so no scale built
    # from it -- means or the Brady et al. raw sums -- may claim a confirmed rule.
    pfi = get_instrument("pfi")
    assert {sc.id: sc.rule.confirmed for sc in pfi.scales} == {
        "fulfillment": False,
        "work_exhaustion": False,
        "interpersonal_disengagement": False,
        "overall_burnout": False,
        "work_exhaustion_raw": False,
        "interpersonal_disengagement_raw": False,
    }
    for sid in ("work_exhaustion_raw", "interpersonal_disengagement_raw"):
        assert "NOT CONFIRMED" in pfi.scale(sid).rule.note
        assert "NOT CONFIRMED" in pfi.scale(sid).cutoffs[0].provenance.note


@pytest.mark.parametrize(
    ("scale", "numbers", "label"),
    [
        ("personal", range(1, 7), "personal burnout"),
        ("work", range(7, 14), "work-related burnout"),
        ("patient", range(14, 20), "patient-related burnout"),
    ],
)
def test_cbi_item_order_follows_kristensen_2005(scale: str, numbers: range, label: str) -> None:
    # Kristensen et al. 2005 appendix order: personal 1-6, work-related 7-13, client (patient)
    # 14-19 (reference/instruments.md §4: 6 / 7 / 6 items). Item wording is not shipped
    # (placeholder text), so the "key text" checked is each placeholder's scale and position.
    cbi = get_instrument("cbi")
    link_ids = tuple(f"cbi.{n}" for n in numbers)
    assert cbi.scale(scale).items == link_ids
    others = [s.items for s in cbi.scales if s.id != scale]
    assert not any(set(link_ids) & set(o) for o in others)
    for position, link_id in enumerate(link_ids, start=1):
        assert cbi.item(link_id).text.endswith(f"CBI {label} item {position}.") or (
            link_id == "cbi.10"
        )


def test_cbi_reverse_item_is_the_energy_for_family_and_friends_item() -> None:
    # The one reverse-scored item (reference §4) is the 4th work-related item of the appendix.
    cbi = get_instrument("cbi")
    assert cbi.scale("work").reverse == ("cbi.10",)
    text = cbi.item("cbi.10").text
    assert "work-related burnout item 4" in text
    assert "energy for family and friends" in text
    assert all("family" not in cbi.item(i).text for i in cbi.link_ids if i != "cbi.10")


def test_validity_labels_tell_validated_paraphrased_and_custom_apart() -> None:
    labels = {
        i: get_instrument(i).validity_label for i in ("who5", "intent_to_leave", "admin_burden")
    }
    assert labels == {
        "who5": "validated",
        "intent_to_leave": "not validated as worded",
        "admin_burden": "custom — not externally validated",
    }
