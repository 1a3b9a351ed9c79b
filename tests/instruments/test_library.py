"""Organization imports: licensed item text, custom instruments, and the override rule."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from clinwell.instruments import (
    InstrumentError,
    get_instrument,
    install_instrument,
    instrument_data,
    load_library,
    prepare_import,
    same_scoring,
    score_answers,
    to_fhir_questionnaire,
    with_licensed_text,
)
from clinwell.instruments.anchors import anchors


def licensed_pfi() -> dict[str, Any]:
    q = to_fhir_questionnaire(get_instrument("pfi"))
    wording = anchors(get_instrument("pfi"))  # each key's identifying wording, where known
    for n, item in enumerate(q["item"], start=1):
        anchor = wording.get(item["linkId"], "").replace("…", " ")
        item["text"] = f"Licensed wording {n}" + (f" ({anchor})" if anchor else "")
        for opt in item["answerOption"]:
            opt["valueCoding"]["display"] = f"label {opt['valueCoding']['code']}"
    return q


def test_with_licensed_text_replaces_text_and_keeps_scoring() -> None:
    pfi = get_instrument("pfi")
    loaded = with_licensed_text(pfi, licensed_pfi(), "stanford.json")
    assert loaded.item("pfi.3").text == "Licensed wording 3 (satisfying)"
    assert loaded.item("pfi.3").options[0].label == "label 0"
    assert loaded.text_status == "verbatim"
    assert same_scoring(pfi, loaded)


def test_licensed_text_must_match_codes_and_weights() -> None:
    pfi = get_instrument("pfi")
    q = licensed_pfi()
    q["item"][0]["answerOption"][0]["extension"][0]["valueDecimal"] = 4
    with pytest.raises(InstrumentError, match=r"item\[0\]\.answerOption\[0\]: itemWeight differs"):
        with_licensed_text(pfi, q, "x.json")
    q = licensed_pfi()
    del q["item"][15]
    with pytest.raises(InstrumentError, match=re.escape("missing items: pfi.16")):
        with_licensed_text(pfi, q, "x.json")
    q = licensed_pfi()
    q["item"][0]["answerOption"][0]["valueCoding"]["code"] = "7"
    with pytest.raises(InstrumentError, match=re.escape("answer code '7' is not a code of pfi.1")):
        with_licensed_text(pfi, q, "x.json")


def test_licensed_text_in_another_order_is_refused_naming_the_item() -> None:
    pfi = get_instrument("pfi")
    q = licensed_pfi()
    q["item"][0]["text"], q["item"][1]["text"] = q["item"][1]["text"], q["item"][0]["text"]
    with pytest.raises(InstrumentError, match=r"x\.json: pfi\.1: .*reads like pfi\.2"):
        with_licensed_text(pfi, q, "x.json")
    q = licensed_pfi()
    q["item"][8]["text"] = "I feel happy at work"  # pfi.9 has no anchor, but pfi.1's matches
    with pytest.raises(InstrumentError, match=r"pfi\.9: .*reads like pfi\.1"):
        with_licensed_text(pfi, q, "x.json")
    q = licensed_pfi()
    q["item"][2]["text"] = "[Licensed text not loaded yet] PFI item 3."
    with pytest.raises(InstrumentError, match=r"pfi\.3 needs the item's licensed text"):
        with_licensed_text(pfi, q, "x.json")


def test_import_licensed_text_then_library_uses_it(tmp_path: Path, isolated_user_dir: Path) -> None:
    src = tmp_path / "pfi-licensed.json"
    src.write_text(json.dumps(licensed_pfi()), encoding="utf-8")
    inst = prepare_import(src)
    target = install_instrument(inst)
    assert target == isolated_user_dir / "pfi.json"
    assert get_instrument("pfi").item("pfi.1").text == "Licensed wording 1 (happy at work)"
    assert score_answers(get_instrument("pfi"), {"pfi.7": 4})["pfi.work_exhaustion"] is None


def test_import_custom_instrument_and_reject_changed_scoring(tmp_path: Path) -> None:
    doc = instrument_data(get_instrument("intent_to_leave"))
    doc["questionnaire"]["id"] = "my-leave"
    doc["scoring"]["instrument"] = "my_leave"
    for item in doc["questionnaire"]["item"]:
        item["linkId"] = item["linkId"].replace("intent_to_leave", "my_leave")
    for sc in doc["scoring"]["scales"]:
        sc["items"] = [i.replace("intent_to_leave", "my_leave") for i in sc["items"]]
    path = tmp_path / "my_leave.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    install_instrument(prepare_import(path))
    assert "my_leave" in load_library()

    changed = instrument_data(get_instrument("cbi"))
    changed["scoring"]["scales"][0]["min_answered"] = 1
    path = tmp_path / "cbi.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    with pytest.raises(
        InstrumentError, match=re.escape("differs from the shipped instrument 'cbi'")
    ):
        prepare_import(path)


def test_bare_questionnaire_must_match_a_shipped_id(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_text(json.dumps({"resourceType": "Questionnaire", "id": "mbi"}), encoding="utf-8")
    with pytest.raises(InstrumentError, match=re.escape("q.json: id: a bare Questionnaire")):
        prepare_import(path)


def test_tampered_user_file_is_rejected(isolated_user_dir: Path) -> None:
    doc = instrument_data(get_instrument("who5"))
    doc["scoring"]["scales"][1]["cutoffs"][0]["value"] = 60
    isolated_user_dir.mkdir(parents=True)
    (isolated_user_dir / "who5.json").write_text(json.dumps(doc), encoding="utf-8")
    load_library.cache_clear()
    with pytest.raises(InstrumentError, match=re.escape("who5.json: scoring: differs")):
        load_library()


def test_respondents_see_titles_without_the_administrators_qualifiers() -> None:
    from clinwell.instruments import get_instrument

    assert get_instrument("admin_burden").respondent_title == "Administrative burden"
    assert get_instrument("org_wellbeing").respondent_title == "Organizational well-being item bank"
    assert get_instrument("who5").respondent_title == get_instrument("who5").title  # no qualifier
