"""Instants inside, the organization's calendar outside: checked against Python's zoneinfo."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clinwell.ehr import MetricParams, ParameterError, compute_metrics
from clinwell.ehr.zones import zone_rules

from .cases import ACTIONS, CHICAGO, DST_CASES, FALL_BACK

US = 1_000_000


def test_offsets_and_instants_match_zoneinfo() -> None:
    rules = zone_rules(CHICAGO, 2022, 2026)
    tz = ZoneInfo(CHICAGO)
    rng = np.random.default_rng(3)
    seconds = rng.integers(
        int(datetime(2022, 1, 1, tzinfo=UTC).timestamp()),
        int(datetime(2026, 12, 31, tzinfo=UTC).timestamp()),
        2000,
    )
    local = rules.local(seconds * US)
    for s, got in zip(seconds, local, strict=True):
        offset = datetime.fromtimestamp(int(s), tz).utcoffset()
        assert offset is not None
        assert got - s * US == int(offset.total_seconds()) * US
    # Wall-clock times → instants, as zoneinfo does with fold=0 (both transitions included).
    walls = np.concatenate([seconds, [1730597400, 1710037800]])  # 2024-11-03 01:30, 03-10 02:30
    instants, ambiguous, nonexistent = rules.instants(walls * US)
    for w, got in zip(walls, instants, strict=True):
        naive = datetime.fromtimestamp(int(w), UTC).replace(tzinfo=tz)
        assert got == int(naive.timestamp()) * US
    assert ambiguous[-2]
    assert nonexistent[-1]


def test_unknown_zone_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError) as info:
        MetricParams(time_zone="Mars/Olympus_Mons")
    assert info.value.parameter == "time_zone"


@pytest.mark.parametrize("strategy", ["window", "scan"])
def test_ambiguous_times_are_reported(strategy: str, tmp_path: Path) -> None:
    case = DST_CASES[3]
    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(case.events, preserve_index=False), path)
    result = compute_metrics(
        path, case.schedule, ACTIONS, params=MetricParams(**case.kwargs), strategy=strategy
    )
    found = {p.kind: p for p in result.problems}
    assert found["ambiguous_local_time"].count == 2
    assert found["ambiguous_local_time"].excluded is False


def test_offsets_in_csv_text_are_instants(tmp_path: Path) -> None:
    """The same fall-back instants written as local times with offsets, in CSV text."""
    tz = ZoneInfo(CHICAGO)
    lines = ["clinician_id,event_time,action"]
    for t in FALL_BACK:
        local = datetime.fromisoformat(t).astimezone(tz)
        lines.append(f"A,{local.isoformat()},NOTE")
    path = tmp_path / "events.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    case = DST_CASES[0]
    params = MetricParams(**case.kwargs)
    from_text = compute_metrics(path, case.schedule, ACTIONS, params=params).metrics
    from_instants = compute_metrics(case.events, case.schedule, ACTIONS, params=params).metrics
    pd.testing.assert_frame_equal(from_text, from_instants, check_exact=True)
    assert from_text["ehr_hours"].iloc[0] == 3.0
