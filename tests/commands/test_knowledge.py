"""The `clinwell knowledge ...` CLI, through Typer's CliRunner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from clinwell.cli import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    from clinwell.commands import knowledge

    # The module's console took its width when first imported (a test worker has no
    # terminal); the listings are checked at a wide terminal's width.
    knowledge.console.width = 200
    result = runner.invoke(app, ["knowledge", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["nam"], ["PA4-G3-3B", "Media and communications"]),
        (["nam", "--priority", "3"], ["PA3-G3-3C", "licensing"]),
        (["nasem"], ["Frontline care delivery", "Invest in research", "NOT CONFIRMED"]),
        (["levels"], ["External and regulatory", "Individual"]),
        (["interventions", "--level", "external_regulatory"], ["licensure_question_reform"]),
        (["interventions", "--driver", "inbox_burden"], ["inbox_team_triage"]),
        (["suggest", "--driver", "inbox_burden", "-n", "2"], ["inbox_team_triage", "Inbox burden"]),
        (["suggest", "-d", "stigma=2", "-d", "peer_support"], ["peer_support_program"]),
        (
            ["resources", "--state", "MN"],
            ["Health Professionals Services Program", "1-888-409-0141"],
        ),
        (
            ["resources", "--state", "TX", "--kind", "physician_health_program"],
            ["Texas", "NOT CONFIRMED"],
        ),
        (["recognition"], ["assessment.validated_survey", "NOT CONFIRMED"]),
        (["benchmarks"], ["43.2%", "62.8%", "2,440"]),
    ],
)
def test_listings(args: list[str], expected: list[str]) -> None:
    code, out = _run(*args)
    assert code == 0, out
    for text in expected:
        assert text in out


def test_recognition_readiness() -> None:
    code, out = _run("recognition", "-c", "eligibility.size", "-c", "assessment.validated_survey")
    assert code == 0, out
    assert "Readiness (estimate): none yet" in out
    assert "Missing for bronze" in out
    assert "eligibility.charm_charter" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["resources", "--state", "ZZ"], "unknown state code 'ZZ'"),
        (["suggest", "--driver", "nonsense"], "unknown driver or EHR metric 'nonsense'"),
        (["suggest", "--driver", "workflow=abc"], "weight after '=' must be a number"),
        (["interventions", "--level", "cosmic"], "unknown level 'cosmic'"),
        (["nam", "--priority", "9"], "unknown NAM priority area 9"),
        (["recognition", "-c", "bogus"], "unknown recognition criterion 'bogus'"),
    ],
)
def test_bad_input_is_a_clear_error(args: list[str], message: str) -> None:
    code, out = _run(*args)
    assert code == 2
    assert "Error:" in out
    assert message in out
    assert "Traceback" not in out
