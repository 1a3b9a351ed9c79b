"""Contribution files: a valid one round-trips; every bad one is refused naming its field."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from clinwell.consortium import ContributionError, parse_contribution, period_kind

Doc = Callable[[], dict[str, Any]]


def test_a_valid_file_round_trips(valid: Doc) -> None:
    parsed = parse_contribution(json.dumps(valid()).encode(), "riverside.json")
    assert parsed.member_id == "riverside"
    assert parsed.period == "2026-H1"
    assert [c.measure for c in parsed.cells][:2] == ["single_item_burnout.burnout"] * 2
    assert parsed.cells[0].count == 149  # 400 × 0.3725
    assert parsed.impacts[0].interventions == ("team_documentation", "medical_scribes")
    again = parse_contribution(parsed.dumps())
    assert again == parsed


def _problems(document: Any) -> list[str]:
    with pytest.raises(ContributionError) as caught:
        parse_contribution(
            document if isinstance(document, bytes) else json.dumps(document), "bad.json"
        )
    assert str(caught.value).startswith("bad.json: ")
    return [str(p) for p in caught.value.problems]


def test_not_json_and_not_an_object() -> None:
    assert "not a JSON document" in _problems(b"{nope")[0]
    assert _problems(b"[1, 2]") == ["must be a JSON object"]


def test_wrong_schema_and_wrong_version(valid: Doc) -> None:
    doc = valid()
    doc["schema"] = "something.else"
    assert _problems(doc) == [
        "schema: must be 'clinwell.consortium.contribution', got 'something.else'"
    ]
    doc = valid()
    doc["version"] = 2
    assert _problems(doc) == ["version: this consortium reads version 1, got 2"]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("period",), "2026-Q3", "period: must be a year (2026) or a half-year (2026-H1)"),
        (("member", "id"), "River Side", "member.id: lower-case letters"),
        (("privacy", "min_n"), 3, "privacy.min_n: must be at least 5, got 3"),
        (("cells", 0, "estimate"), 1.5, "cells[0].estimate: 1.5 is outside [0, 1]"),
        (("cells", 0, "estimate"), 0.37251, "cells[0].estimate: 0.37251 of n=400 is no whole"),
        (("cells", 0, "n"), 4, "cells[0].n: must be at least 5, got 4"),
        (("cells", 0, "n"), 12.5, "cells[0].n: must be a whole number, got 12.5"),
        (("cells", 0, "lower"), 0.4, "cells[0].lower: 0.4 is above the estimate 0.3725"),
        (("cells", 0, "role"), "surgeon", "cells[0].role: unknown role group 'surgeon'"),
        (
            ("cells", 0, "kind"),
            "mean",
            "cells[0].kind: single_item_burnout.burnout is a proportion",
        ),
        (("cells", 2, "estimate"), 7.0, "cells[2].estimate: 7 is outside [1, 5]"),
        (("cells", 2, "sd"), -1, "cells[2].sd: -1 must be at least 0"),
        (("cells", 2, "sd"), 2.5, "cells[2].sd: 2.5 is impossible for values within [1, 5]"),
        (("cells", 3, "estimate"), float("nan"), "cells[3].estimate: must be a finite number"),
        (("cells", 3, "measure"), "ehr.hours", "cells[3].measure: unknown measure 'ehr.hours'"),
        (("impacts", 0, "se"), 0, "impacts[0].se: must be greater than 0"),
        (
            ("impacts", 0, "interventions"),
            ["yoga"],
            "impacts[0].interventions[0]: unknown intervention 'yoga'",
        ),
        (("impacts", 0, "n_treated_after"), 2, "impacts[0].n_treated_after: must be at least 5"),
        (("impacts", 0, "estimate"), 9.0, "impacts[0].estimate: 9 is outside [-4, 4]"),
        (("impacts", 0, "level"), "team", "impacts[0].level: unknown level 'team'"),
        (("impacts", 0, "finished_on"), "March", "impacts[0].finished_on: not a date"),
    ],
)
def test_an_impossible_value_is_refused_naming_its_field(
    valid: Doc, path: tuple[Any, ...], value: Any, expected: str
) -> None:
    doc = valid()
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    if isinstance(value, float) and value != value:  # NaN is not JSON: send the token
        text = json.dumps(doc, allow_nan=True).encode()
        problems = _problems(text)
    else:
        problems = _problems(doc)
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_listed_at_once(valid: Doc) -> None:
    doc = valid()
    doc["period"] = "last year"
    doc["cells"][0]["estimate"] = -0.1
    doc["cells"][2]["n"] = 0
    doc["surprise"] = True
    problems = _problems(doc)
    assert [p.split(":")[0] for p in problems] == [
        "surprise",
        "period",
        "cells[0].estimate",
        "cells[2].n",
    ]


def test_duplicates_and_role_rows_larger_than_their_total(valid: Doc) -> None:
    doc = valid()
    doc["cells"].append(dict(doc["cells"][1]))
    assert "cells[4]: single_item_burnout.burnout / physician / all repeats cells[1]" in (
        _problems(doc)
    )
    doc = valid()
    doc["cells"][1]["n"] = 500
    assert any(
        "the role rows hold 500 respondents, more than the all-roles row's 400" in p
        for p in _problems(doc)
    )
    doc = valid()
    doc["impacts"].append(dict(doc["impacts"][0]))
    assert "impacts[1].id: 'plan-1' repeats an earlier plan" in _problems(doc)


def test_an_empty_contribution_is_refused(valid: Doc) -> None:
    doc = valid()
    doc["cells"], doc["impacts"] = [], []
    assert _problems(doc) == ["cells: the contribution holds no numbers (no cells and no impacts)"]


def test_period_kinds() -> None:
    assert period_kind("2026") == "year"
    assert period_kind("2026-H2") == "half_year"
    with pytest.raises(ValueError, match="not a period"):
        period_kind("2026-07")


def test_the_published_json_schema_agrees_with_the_validator(valid: Doc) -> None:
    """The shipped JSON Schema accepts what the validator accepts, and lists the same
    role groups, specialty groups and levels (so a member's own tooling can check a file)."""
    import jsonschema

    from clinwell.consortium import ROLE_GROUPS, SPECIALTY_GROUPS
    from clinwell.consortium.contribution import schema_document
    from clinwell.knowledge import burnout_levels

    schema = schema_document()
    jsonschema.validate(valid(), schema)
    exported = parse_contribution(json.dumps(valid())).to_json()
    jsonschema.validate(exported, schema)
    cell = schema["properties"]["cells"]["items"]["properties"]
    assert cell["role"]["enum"] == list(ROLE_GROUPS)
    assert cell["specialty"]["enum"] == list(SPECIALTY_GROUPS)
    impact = schema["properties"]["impacts"]["items"]["properties"]
    assert impact["level"]["enum"] == list(burnout_levels().ids)
    doc = valid()
    doc["version"] = 2
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)
