"""Support resources: one physician-health-program record per state, national lines, Minnesota."""

from __future__ import annotations

import pytest

from clinwell import knowledge as kb

_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
)
STATE_CODES = set(_CODES.split(" "))


def test_every_state_and_dc_has_exactly_one_php_record() -> None:
    directory = kb.resource_directory()
    assert {s.code for s in directory.states} == STATE_CODES
    phps = [r for r in directory.resources if r.kind == "physician_health_program"]
    assert sorted(r.scope for r in phps) == sorted(STATE_CODES)
    for code in STATE_CODES:
        record = directory.state_program(code)
        assert record.sources
        if record.id == f"php_{code.lower()}":  # no confirmed program: point to the directory
            assert not record.confirmed
            assert record.url == "https://fsphp.org/state-member-programs"
            assert record.note
            assert "NOT CONFIRMED" in record.note
            assert record.phone is None  # never invent a contact


def test_minnesota_program_is_hpsp() -> None:
    assert kb.resource_directory().state_program("mn").id == "mn_hpsp"


def test_national_lines_have_their_numbers() -> None:
    by_id = {r.id: r for r in kb.find_resources()}
    assert by_id["physician_support_line"].phone == "1-888-409-0141"
    assert by_id["lifeline_988"].phone == "988"
    assert by_id["lifeline_988"].kind == "crisis_line"


def test_state_filter_keeps_national_and_that_state_only() -> None:
    found = kb.find_resources(state="MN")
    scopes = {r.scope for r in found}
    assert scopes == {"national", "MN"}
    ids = {r.id for r in found}
    assert {
        "mn_hpsp",
        "mn_physicians_serving_physicians",
        "mn_practice_well_collaboratory",
        "physician_support_line",
        "lifeline_988",
    } <= ids
    assert found[0].kind == "crisis_line"  # crisis lines come first
    texas = kb.find_resources(state="tx", kind="physician_health_program")
    assert [r.id for r in texas] == ["php_tx"]


def test_kind_and_query_filters() -> None:
    assert {r.id for r in kb.find_resources(kind="crisis_line")} == {"lifeline_988"}
    found = kb.find_resources(query="SUBSTANCE")
    assert [r.id for r in found] == ["mn_physicians_serving_physicians"]
    assert kb.find_resources(state="MN", query="no such text anywhere") == []


def test_bad_filters_raise() -> None:
    with pytest.raises(kb.UnknownKeyError, match="state code 'ZZ'"):
        kb.find_resources(state="ZZ")
    with pytest.raises(kb.UnknownKeyError, match="resource kind"):
        kb.find_resources(kind="hotline")


def test_minnesota_psychiatric_assistance_line_is_listed_without_guessed_details() -> None:
    """Seed 000 names PAL but describes only the national line under that heading."""
    pal = next(r for r in kb.find_resources(state="MN") if r.id == "mn_psychiatric_assistance_line")
    assert pal.scope == "MN"
    assert pal.name == "Psychiatric Assistance Line (PAL)"
    assert not pal.confirmed
    assert pal.note
    assert "NOT CONFIRMED" in pal.note
    assert pal.phone is None  # never invent a contact
    assert pal.url is None
    assert [s.seed for s in pal.sources] == ["000_252bd735dba06775.txt"]
