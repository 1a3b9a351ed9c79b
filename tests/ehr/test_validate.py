"""Bad input: counts and examples in lenient mode, the first problem in strict mode."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from clinwell.ehr import EhrInputError, EhrValidationError, MetricParams, compute_metrics

from .cases import ACTIONS


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


@pytest.fixture
def messy(tmp_path: Path) -> dict[str, Path]:
    events = write_csv(
        tmp_path / "events.csv",
        """
clinician_id,event_time,action
A,2024-01-01 08:00:00,NOTE
A,2024-01-01 08:01:00,NOTE
A,not a time,NOTE
A,2024-13-45 08:00:00,NOTE
A,2024-01-01 08:02:00,
Z,2024-01-01 08:00:00,NOTE
Z,2024-01-01 08:01:00,NOTE
A,2024-01-01 08:03:00,MYSTERY
""",
    )
    schedule = write_csv(
        tmp_path / "schedule.csv",
        """
clinician_id,start,end
A,2024-01-01 08:00,2024-01-01 12:00
A,2024-01-01 11:00,2024-01-01 13:00
A,2024-01-02 12:00,2024-01-02 08:00
A,someday,2024-01-03 12:00
""",
    )
    clean_events = write_csv(
        tmp_path / "clean_events.csv",
        """
clinician_id,event_time,action
A,2024-01-01 08:00:00,NOTE
A,2024-01-01 08:01:00,NOTE
A,2024-01-01 08:03:00,MYSTERY
""",
    )
    clean_schedule = write_csv(
        tmp_path / "clean_schedule.csv",
        """
clinician_id,start,end
A,2024-01-01 08:00,2024-01-01 12:00
""",
    )
    actions = tmp_path / "actions.csv"
    ACTIONS.to_csv(actions, index=False)
    return {
        "events": events,
        "schedule": schedule,
        "clean_events": clean_events,
        "clean_schedule": clean_schedule,
        "actions": actions,
    }


def test_lenient_reports_counts_and_examples(messy: dict[str, Path]) -> None:
    result = compute_metrics(messy["events"], messy["schedule"], messy["actions"])
    found = {(p.kind, p.column): p for p in result.problems}
    assert found[("unparseable_timestamp", "event_time")].count == 2
    assert found[("unparseable_timestamp", "event_time")].examples[0]["event_time"] == "not a time"
    assert found[("missing_value", "action")].count == 1
    assert found[("unscheduled_clinician", "clinician_id")].count == 2
    assert found[("unscheduled_clinician", "clinician_id")].examples[0]["clinician_id"] == "Z"
    assert found[("negative_session", "end")].count == 1
    assert found[("overlapping_session", "start")].count == 1
    assert found[("overlapping_session", "start")].examples[0]["start"] == "2024-01-01 11:00"
    assert found[("unparseable_timestamp", "start")].count == 1
    unmapped = found[("unmapped_action", "action")]
    assert (unmapped.count, unmapped.severity, unmapped.excluded) == (1, "info", False)
    assert str(messy["events"]) in found[("unparseable_timestamp", "event_time")].message()
    # Each example names its line in the CSV file (line 1 is the header).
    bad_times = found[("unparseable_timestamp", "event_time")].examples
    assert sorted(e["row"] for e in bad_times) == ["4", "5"]
    assert found[("unscheduled_clinician", "clinician_id")].examples[0]["row"] in ("7", "8")
    assert found[("overlapping_session", "start")].examples[0]["row"] == "3"


def test_lenient_result_equals_result_on_clean_rows(messy: dict[str, Path]) -> None:
    dirty = compute_metrics(messy["events"], messy["schedule"], messy["actions"]).metrics
    clean = compute_metrics(
        messy["clean_events"], messy["clean_schedule"], messy["actions"]
    ).metrics
    pd.testing.assert_frame_equal(dirty, clean)


def test_strict_stops_at_first_problem(messy: dict[str, Path]) -> None:
    with pytest.raises(EhrValidationError) as info:
        compute_metrics(
            messy["events"], messy["schedule"], messy["actions"], params=MetricParams(strict=True)
        )
    # The schedule is checked before events; its first problem is the unparseable start.
    assert info.value.problem.kind == "unparseable_timestamp"
    assert info.value.problem.column == "start"
    assert str(messy["schedule"]) in str(info.value)


def test_strict_passes_clean_input(messy: dict[str, Path]) -> None:
    result = compute_metrics(
        messy["clean_events"],
        messy["clean_schedule"],
        messy["actions"],
        params=MetricParams(strict=True),
    )
    assert [p.kind for p in result.problems] == ["unmapped_action"]


def test_missing_columns_name_file_and_columns(tmp_path: Path, messy: dict[str, Path]) -> None:
    bad = write_csv(tmp_path / "bad.csv", "clinician,event_time\nA,2024-01-01 08:00:00")
    with pytest.raises(EhrInputError) as info:
        compute_metrics(bad, messy["clean_schedule"], messy["actions"])
    text = str(info.value)
    assert str(bad) in text
    assert "clinician_id" in text
    assert "action" in text


def test_missing_file_is_named(tmp_path: Path, messy: dict[str, Path]) -> None:
    with pytest.raises(EhrInputError, match=r"nope\.parquet"):
        compute_metrics(tmp_path / "nope.parquet", messy["clean_schedule"])


def test_bad_action_map_rows(tmp_path: Path, messy: dict[str, Path]) -> None:
    amap = write_csv(
        tmp_path / "map.csv",
        "action,activity\nNOTE,note\nNOTE,inbox\nFOO,gardening\nBAR,Inbox\nBAR,inbox",
    )
    result = compute_metrics(messy["clean_events"], messy["clean_schedule"], amap)
    kinds = {p.kind: p.count for p in result.problems}
    assert kinds["duplicate_action"] == 2  # NOTE mapped to two activities; both excluded
    assert kinds["invalid_activity"] == 1
    # NOTE is excluded from the map, so its time counts as other, not note.
    assert result.metrics["note_hours"].iloc[0] == 0.0
    assert result.metrics["ehr_hours"].iloc[0] == 180 / 3600


def test_parameters_are_checked() -> None:
    events = pd.DataFrame(
        {"clinician_id": ["A"], "event_time": [pd.Timestamp("2024-01-01")], "action": ["x"]}
    )
    with pytest.raises(ValueError, match="idle_timeout"):
        compute_metrics(events, events, params=MetricParams(idle_timeout=0))
    with pytest.raises(ValueError, match="clock_end"):
        compute_metrics(events, events, params=MetricParams(clock_start="18:00", clock_end="07:00"))
    with pytest.raises(ValueError, match="engine"):
        compute_metrics(events, events, engine="oracle")
