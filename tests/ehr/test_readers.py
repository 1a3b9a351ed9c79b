"""Input formats: CSV vs Parquet, the Clarity ACCESS_LOG adapter, the default action map."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from clinwell.ehr import ACTIVITIES, compute_metrics, default_action_map
from clinwell.synth.audit_log import ACTIONS as SYNTH_ACTIONS
from clinwell.synth.audit_log import AuditLog


def test_csv_and_parquet_give_identical_results(tmp_path: Path, small_log: AuditLog) -> None:
    log = small_log
    for name, frame in (("events", log.events), ("schedule", log.schedule), ("orders", log.orders)):
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    log.actions.to_csv(tmp_path / "actions.csv", index=False)
    from_parquet = compute_metrics(
        tmp_path / "events.parquet",
        tmp_path / "schedule.parquet",
        tmp_path / "actions.csv",
        tmp_path / "orders.parquet",
    ).metrics
    from_csv = compute_metrics(
        tmp_path / "events.csv",
        tmp_path / "schedule.csv",
        tmp_path / "actions.csv",
        tmp_path / "orders.csv",
    ).metrics
    pd.testing.assert_frame_equal(from_parquet, from_csv, check_exact=True)
    pd.testing.assert_frame_equal(from_parquet, log.truth(), check_exact=True)


def test_clarity_access_log_adapter(tmp_path: Path) -> None:
    extract = tmp_path / "access_log.csv"
    extract.write_text(
        "ACCESS_TIME,USER_ID,METRIC_ID,METRIC_NAME,PAT_ID,WORKSTATION_ID\n"
        "2024-01-01 08:00:00,DRSMITH,60012,Clinical Note Signed,Z1,WS1\n"
        "2024-01-01 08:01:00,DRSMITH,20001,,Z1,WS1\n"  # empty name: falls back to the id
        "2024-01-01 08:02:30,DRSMITH,17108,Order list changed,Z1,WS1\n"
        "2024-01-01 08:03:00,DRSMITH,17108,Order list changed,Z1,WS1\n",
        encoding="utf-8",
    )
    schedule = pd.DataFrame(
        {
            "clinician_id": ["DRSMITH"],
            "start": [pd.Timestamp("2024-01-01 08:00")],
            "end": [pd.Timestamp("2024-01-01 12:00")],
        }
    )
    site_map = pd.DataFrame(
        {
            "action": ["Clinical Note Signed", "20001", "Order list changed"],
            "activity": ["note", "inbox", "order"],
        }
    )
    result = compute_metrics(extract, schedule, site_map)
    row = result.metrics.iloc[0]
    assert row["clinician_id"] == "DRSMITH"
    assert row["note_hours"] == 60 / 3600
    assert row["inbox_hours"] == 90 / 3600
    assert row["order_hours"] == 30 / 3600
    assert result.problems == ()


def test_default_action_map_is_valid_and_labelled_unconfirmed() -> None:
    amap = default_action_map()
    assert set(amap["activity"]) <= set(ACTIVITIES)
    assert not amap["action"].duplicated().any()
    assert (amap["confirmed"] == "false").all()
    assert {"note", "inbox", "order", "prescription", "chart_review"} <= set(amap["activity"])


def test_default_map_covers_the_synthetic_actions(small_log: AuditLog) -> None:
    amap = dict(zip(default_action_map()["action"], default_action_map()["activity"], strict=True))
    assert all(amap[name] == activity for name, activity in SYNTH_ACTIONS)
    # Without --actions, the shipped map gives the same metrics as the generator's own map.
    with_default = compute_metrics(small_log.events, small_log.schedule, None, small_log.orders)
    pd.testing.assert_frame_equal(with_default.metrics, small_log.truth(), check_exact=True)
