"""FHIR export round-trips through fhir.resources and carries the citations.

The exports are FHIR R4 Questionnaires, but fhir.resources 8.x ships no R4 module (only R4B
and R5), so they are validated with ``fhir.resources.R4B.questionnaire.Questionnaire``; R4B's
Questionnaire resource is structurally the same as R4's.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from clinwell.instruments import (
    Instrument,
    InstrumentError,
    get_instrument,
    instrument_data,
    load_library,
    parse_instrument,
    same_scoring,
    to_fhir_questionnaire,
)
from clinwell.instruments.loader import ITEM_WEIGHT, fhir_id


@pytest.mark.parametrize("instrument_id", sorted(load_library()))
def test_round_trip(instrument_id: str) -> None:
    inst = get_instrument(instrument_id)
    exported = to_fhir_questionnaire(inst)
    resource = Questionnaire.model_validate(exported)
    assert resource.id == fhir_id(instrument_id) == instrument_id.replace("_", "-")
    assert [i.linkId for i in resource.item] == list(inst.link_ids)
    dumped = json.loads(resource.model_dump_json(exclude_none=True))
    doc = instrument_data(inst) | {"questionnaire": dumped}
    again = parse_instrument(doc, "round-trip")
    assert same_scoring(inst, again)
    assert again == inst


def test_item_weights_carry_scores() -> None:
    resource = Questionnaire.model_validate(to_fhir_questionnaire(get_instrument("cbi")))
    first = resource.item[0].answerOption[0]
    assert first.valueCoding.code == "1"
    weights = [e.valueDecimal for e in first.extension if e.url == ITEM_WEIGHT]
    assert weights == [100]


def test_export_is_a_copy() -> None:
    inst = get_instrument("who5")
    exported = to_fhir_questionnaire(inst)
    exported["item"][0]["text"] = "changed"
    assert get_instrument("who5").item("who5.1").text != "changed"


CQF_CITATION = "http://hl7.org/fhir/StructureDefinition/cqf-citation"


def _citations(q: dict[str, Any]) -> list[str]:
    return [e["valueString"] for e in q.get("extension", []) if e["url"] == CQF_CITATION]


def _expected(inst: Instrument) -> list[str]:
    return [f"{c.text} {c.url}" if c.url else c.text for c in inst.citations]


@pytest.mark.parametrize("instrument_id", sorted(load_library()))
def test_export_carries_every_citation(instrument_id: str) -> None:
    inst = get_instrument(instrument_id)
    exported = to_fhir_questionnaire(inst)
    assert _citations(exported) == _expected(inst)
    assert _citations(dict(inst.questionnaire)) == _expected(inst)  # shipped files carry them
    resource = Questionnaire.model_validate(exported)
    assert [e.valueString for e in resource.extension if e.url == CQF_CITATION] == _expected(inst)


def test_export_adds_citations_missing_from_an_imported_questionnaire() -> None:
    doc = instrument_data(get_instrument("cbi"))
    del doc["questionnaire"]["extension"]
    inst = parse_instrument(doc, "org-import.json")
    exported = to_fhir_questionnaire(inst)
    assert _citations(exported) == _expected(inst)
    assert "extension" not in inst.questionnaire  # the instrument itself is not modified
    dumped = json.loads(Questionnaire.model_validate(exported).model_dump_json(exclude_none=True))
    assert parse_instrument(doc | {"questionnaire": dumped}, "round-trip") == inst


def test_export_keeps_other_questionnaire_extensions() -> None:
    doc = instrument_data(get_instrument("who5"))
    other = {"url": "https://example.org/ext", "valueString": "x"}
    doc["questionnaire"]["extension"] = [other]
    exported = to_fhir_questionnaire(parse_instrument(doc, "org.json"))
    assert exported["extension"][0] == other
    assert _citations(exported) == _expected(get_instrument("who5"))


def _mismatch(doc: dict[str, Any], how: str) -> None:
    ext = doc["questionnaire"]["extension"]
    if how == "text":
        ext[1]["valueString"] += " (edited)"
    elif how == "order":
        ext.reverse()
    elif how == "missing":
        del ext[1]
    elif how == "extra":
        ext.append({"url": CQF_CITATION, "valueString": "Someone. Another paper."})
    elif how == "no_url":  # the url left out of the valueString
        ext[0]["valueString"] = doc["scoring"]["citations"][0]["text"]


@pytest.mark.parametrize(
    ("how", "field"),
    [
        ("text", "questionnaire.extension[1].valueString"),
        ("order", "questionnaire.extension[0].valueString"),
        ("missing", "questionnaire.extension"),
        ("extra", "questionnaire.extension"),
        ("no_url", "questionnaire.extension[0].valueString"),
    ],
)
def test_mismatched_citation_is_rejected(how: str, field: str) -> None:
    doc = instrument_data(get_instrument("cbi"))
    assert len(_citations(doc["questionnaire"])) == 2
    _mismatch(doc, how)
    with pytest.raises(InstrumentError) as info:
        parse_instrument(doc, "cbi.json")
    assert str(info.value).startswith(f"cbi.json: {field}: ")
    assert "cqf-citation" in str(info.value)
