"""FHIR export round-trips through fhir.resources (R4B Questionnaire)."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from clinwell.instruments import (
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
