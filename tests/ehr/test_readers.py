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


CLARITY_BY_ID = (
    "ACCESS_TIME,USER_ID,METRIC_ID,METRIC_NAME,PAT_ID,WORKSTATION_ID\n"
    "2024-01-01 08:00:00,DRSMITH,60012,Clinical Note Signed,Z1,WS1\n"
    "2024-01-01 08:01:00,DRSMITH,20001,,Z1,WS1\n"  # empty name: the action is the id "20001"
    "2024-01-01 08:02:30,DRSMITH,17108,,Z1,WS1\n"  # empty name: "17108"
    "2024-01-01 08:03:00,DRSMITH,17108,Order list changed,Z1,WS1\n"
)
ONE_SESSION = pd.DataFrame(
    {
        "clinician_id": ["DRSMITH"],
        "start": [pd.Timestamp("2024-01-01 08:00")],
        "end": [pd.Timestamp("2024-01-01 12:00")],
    }
)


def test_clarity_metric_ids_match_the_default_map(tmp_path: Path) -> None:
    """An ACCESS_LOG row with an empty METRIC_NAME is matched by its METRIC_ID through the
    shipped map's metric_id column (20001 = In Basket message viewed, 17108 = Order list
    changed), not counted as other."""
    amap = default_action_map().set_index("action")
    assert amap.loc["In Basket message viewed", "metric_id"] == "20001"
    assert amap.loc["Order list changed", "metric_id"] == "17108"
    extract = tmp_path / "access_log.csv"
    extract.write_text(CLARITY_BY_ID, encoding="utf-8")
    result = compute_metrics(extract, ONE_SESSION)
    row = result.metrics.iloc[0]
    assert row["note_hours"] == 60 / 3600
    assert row["inbox_hours"] == 90 / 3600
    assert row["order_hours"] == 30 / 3600
    assert row["ehr_hours"] == 180 / 3600
    assert [p.kind for p in result.problems] == []  # nothing unmapped, no duplicates


def test_site_map_metric_id_column_is_matched_and_names_win_over_ids(tmp_path: Path) -> None:
    """A site map with a metric_id column maps ids too. An id whose text equals an action
    name of the map (here a site that names an action "20001") yields to that name, so it
    never becomes a duplicate_action problem."""
    extract = tmp_path / "access_log.csv"
    extract.write_text(CLARITY_BY_ID, encoding="utf-8")
    site_map = tmp_path / "site_map.csv"
    site_map.write_text(
        "Action,Activity,Metric_ID\n"
        "Clinical Note Signed,note,60012\n"
        "20001,chart_review,\n"  # a name made of digits: wins over the id 20001 below
        "In Basket message viewed,inbox,20001\n"
        "Order list changed,order,17108\n"
        "Order list changed again,order,17108\n",  # same id, same activity: merged
        encoding="utf-8",
    )
    result = compute_metrics(extract, ONE_SESSION, site_map)
    row = result.metrics.iloc[0]
    assert row["note_hours"] == 60 / 3600
    assert row["chart_review_hours"] == 90 / 3600  # "20001" → the named row
    assert row["inbox_hours"] == 0
    assert row["order_hours"] == 30 / 3600
    assert result.problems == ()


def test_site_map_without_metric_ids_leaves_ids_unmapped(tmp_path: Path) -> None:
    extract = tmp_path / "access_log.csv"
    extract.write_text(CLARITY_BY_ID, encoding="utf-8")
    site_map = pd.DataFrame(
        {
            "action": ["Clinical Note Signed", "Order list changed"],
            "activity": ["note", "order"],
        }
    )
    result = compute_metrics(extract, ONE_SESSION, site_map)
    (problem,) = result.problems
    assert problem.kind == "unmapped_action"
    assert problem.count == 2
