"""Hand-built inputs with hand-computed expected metrics, shared by the DuckDB and Spark tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

ACTIONS = pd.DataFrame(
    {
        "action": ["NOTE", "INBOX", "ORDER", "RX", "CHART", "RESULT"],
        "activity": ["note", "inbox", "order", "prescription", "chart_review", "results"],
    }
)


def ts(*values: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), format="ISO8601"), dtype="datetime64[us]")


def utc(*values: str) -> pd.Series:
    """True instants (a timestamp with a time zone, UTC)."""
    return pd.Series(pd.to_datetime(list(values), format="ISO8601", utc=True)).astype(
        "datetime64[us, UTC]"
    )


def every(start: str, end: str, minutes: int) -> list[str]:
    """UTC instants from ``start`` to ``end`` inclusive, every ``minutes``."""
    times = pd.date_range(start, end, freq=f"{minutes}min", tz="UTC")
    return [t.isoformat() for t in times]


@dataclass
class Case:
    """Inputs, parameters and expected values (column → value, row by row)."""

    name: str
    events: pd.DataFrame
    schedule: pd.DataFrame
    kwargs: dict[str, Any] = field(default_factory=dict)
    orders: pd.DataFrame | None = None
    expected: dict[str, list[Any]] = field(default_factory=dict)


def _ev(rows: list[tuple[str, str, str]], instants: bool = False) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "clinician_id": [r[0] for r in rows],
            "event_time": (utc if instants else ts)(*[r[1] for r in rows]),
            "action": [r[2] for r in rows],
        }
    )


CHICAGO = "America/Chicago"
# Sunday 2024-11-03: clocks fall back at 02:00 CDT (07:00 UTC) to 01:00 CST.
FALL_BACK = every("2024-11-03T05:30Z", "2024-11-03T08:30Z", 10)  # 00:30 CDT → 02:30 CST: 3 h
# Sunday 2024-03-10: clocks spring forward at 02:00 CST (08:00 UTC) to 03:00 CDT.
SPRING_FORWARD = every("2024-03-10T07:30Z", "2024-03-10T10:30Z", 10)  # 01:30 CST → 05:30 CDT


def _sc(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "clinician_id": [r[0] for r in rows],
            "start": ts(*[r[1] for r in rows]),
            "end": ts(*[r[2] for r in rows]),
        }
    )


# Monday 2024-01-01. Session 08:00–12:00 (4 h).
GAPS_EVENTS = _ev(
    [
        ("A", "2024-01-01 08:00:00", "NOTE"),  # +60 s → note
        ("A", "2024-01-01 08:01:00", "INBOX"),  # +0.5 s → inbox
        ("A", "2024-01-01 08:01:00.500", "RX"),  # +299.5 s → prescription
        ("A", "2024-01-01 08:06:00", "ORDER"),  # +600 s idle → 0 or 300
        ("A", "2024-01-01 08:16:00", "CHART"),  # +300 s exactly: not longer than T → chart
        ("A", "2024-01-01 08:21:00", "NOTE"),  # last event → 0
    ]
)
SCHEDULE_A = _sc([("A", "2024-01-01 08:00", "2024-01-01 12:00")])

DST_CASES = [
    Case(
        "fall back: 3 h of instants are 3 h (America/Chicago)",
        _ev([("A", t, "NOTE") for t in FALL_BACK], instants=True),
        _sc([("A", "2024-11-04 08:00", "2024-11-04 12:00")]),
        {"time_zone": CHICAGO, "idle_timeout": 900},
        expected={
            "period_start": ["2024-10-28", "2024-11-04"],
            "ehr_hours": [3.0, 0.0],
            "note_hours": [3.0, 0.0],
            "wow_hours": [3.0, 0.0],
            "scheduled_hours": [0.0, 4.0],
        },
    ),
    Case(
        "spring forward: 3 h of instants are 3 h (America/Chicago)",
        _ev([("A", t, "NOTE") for t in SPRING_FORWARD], instants=True),
        _sc([("A", "2024-03-11 08:00", "2024-03-11 12:00")]),
        {"time_zone": CHICAGO, "idle_timeout": 900},
        expected={"period_start": ["2024-03-04", "2024-03-11"], "ehr_hours": [3.0, 0.0]},
    ),
    Case(
        "wall-clock times across spring forward are placed in the zone",
        _ev(
            [
                ("A", "2024-03-10 01:50:00", "NOTE"),
                ("A", "2024-03-10 01:55:00", "NOTE"),  # → 03:00 CDT is 5 real minutes later
                ("A", "2024-03-10 03:00:00", "NOTE"),
                ("A", "2024-03-10 03:05:00", "NOTE"),
            ]
        ),
        _sc([("A", "2024-03-10 01:00", "2024-03-10 04:00")]),  # 2 real hours
        {"time_zone": CHICAGO, "idle_timeout": 600},
        expected={"ehr_hours": [900 / 3600], "wow_hours": [0.0], "scheduled_hours": [2.0]},
    ),
    Case(
        "ambiguous wall-clock times take the earlier (daylight) instant",
        _ev(
            [
                ("A", "2024-11-03 00:50:00", "NOTE"),
                ("A", "2024-11-03 00:55:00", "NOTE"),
                ("A", "2024-11-03 01:05:00", "NOTE"),  # CDT, 06:05 UTC
                ("A", "2024-11-03 01:10:00", "NOTE"),  # CDT, 06:10 UTC
                ("A", "2024-11-03 02:05:00", "NOTE"),  # CST, 08:05 UTC: 115 min later, idle
            ]
        ),
        _sc([("A", "2024-11-03 00:00", "2024-11-03 03:00")]),  # 4 real hours
        {"time_zone": CHICAGO, "idle_timeout": 3600},
        expected={"ehr_hours": [1200 / 3600], "scheduled_hours": [4.0]},
    ),
    Case(
        "clock window and days in local time",
        _ev(
            [
                ("A", "2024-01-08T12:30:00Z", "NOTE"),  # 06:30 CST: before 07:00, outside
                ("A", "2024-01-08T12:35:00Z", "NOTE"),
                ("A", "2024-07-01T12:30:00Z", "NOTE"),  # 07:30 CDT: inside
                ("A", "2024-07-01T12:35:00Z", "NOTE"),
            ],
            instants=True,
        ),
        _sc([("A", "2024-01-08 08:00", "2024-01-08 12:00")]),
        {"time_zone": CHICAGO, "wow_mode": "clock"},
        expected={
            "period_start": ["2024-01-08", "2024-07-01"],
            "wow_hours": [300 / 3600, 0.0],
            "ehr_hours": [300 / 3600, 300 / 3600],
        },
    ),
]

CASES = [
    Case(
        "drop",
        GAPS_EVENTS,
        SCHEDULE_A,
        {"gap_rule": "drop"},
        expected={
            "ehr_hours": [(60 + 0.5 + 299.5 + 300) / 3600],
            "note_hours": [60 / 3600],
            "inbox_hours": [0.5 / 3600],
            "prescription_hours": [299.5 / 3600],
            "order_hours": [0.0],
            "chart_review_hours": [300 / 3600],
            "scheduled_hours": [4.0],
            "wow_hours": [0.0],
            "ehr_time8": [8 * ((60 + 0.5 + 299.5 + 300) / 3600) / 4.0],
        },
    ),
    Case(
        "cap",
        GAPS_EVENTS,
        SCHEDULE_A,
        {"gap_rule": "cap"},
        expected={"ehr_hours": [960 / 3600], "order_hours": [300 / 3600]},
    ),
    Case(
        "ties ordered by activity",
        _ev(
            [
                ("A", "2024-01-01 09:00:00", "CHART"),
                ("A", "2024-01-01 09:00:00", "NOTE"),  # note sorts first, gets the 0 s gap
                ("A", "2024-01-01 09:00:10", "INBOX"),
                ("A", "2024-01-01 09:00:20", "INBOX"),
            ]
        ),
        SCHEDULE_A,
        expected={
            "note_hours": [0.0],
            "chart_review_hours": [10 / 3600],
            "inbox_hours": [10 / 3600],
        },
    ),
    Case(
        "schedule WOW, half-open sessions, buffer",
        _ev(
            [
                ("A", "2024-01-01 07:55:00", "NOTE"),  # before start: outside unless buffer ≥ 5
                ("A", "2024-01-01 07:56:00", "NOTE"),
                ("A", "2024-01-01 11:59:00", "INBOX"),  # inside
                ("A", "2024-01-01 12:00:00", "INBOX"),  # at end: outside (end exclusive)
                ("A", "2024-01-01 12:01:00", "INBOX"),
            ]
        ),
        SCHEDULE_A,
        expected={"wow_hours": [120 / 3600], "ehr_hours": [180 / 3600]},
    ),
    Case(
        "buffer widens sessions",
        _ev(
            [
                ("A", "2024-01-01 07:55:00", "NOTE"),
                ("A", "2024-01-01 07:56:00", "NOTE"),
                ("A", "2024-01-01 11:59:00", "INBOX"),
                ("A", "2024-01-01 12:00:00", "INBOX"),
                ("A", "2024-01-01 12:01:00", "INBOX"),
            ]
        ),
        SCHEDULE_A,
        {"buffer_minutes": 5},
        expected={"wow_hours": [0.0]},
    ),
    Case(
        "night session across midnight and weeks",
        _ev(
            [
                ("B", "2024-01-07 23:59:00", "NOTE"),  # Sunday, inside night session
                ("B", "2024-01-08 00:01:00", "NOTE"),  # Monday, inside
                ("B", "2024-01-08 00:02:00", "NOTE"),
                ("B", "2024-01-08 07:00:00", "NOTE"),  # at end → outside
                ("B", "2024-01-08 07:01:00", "NOTE"),
            ]
        ),
        _sc([("B", "2024-01-07 19:00", "2024-01-08 07:00")]),
        expected={
            "period_start": ["2024-01-01", "2024-01-08"],
            "scheduled_hours": [12.0, 0.0],
            "ehr_hours": [120 / 3600, 120 / 3600],
            "wow_hours": [0.0, 60 / 3600],
            "ehr_time8": [8 * (120 / 3600) / 12.0, None],
        },
    ),
    Case(
        "clock WOW",
        _ev(
            [
                ("A", "2024-01-01 06:59:00", "NOTE"),  # before 07:00 → outside
                ("A", "2024-01-01 07:00:00", "NOTE"),  # inside
                ("A", "2024-01-01 17:29:00", "NOTE"),  # inside
                ("A", "2024-01-01 17:30:00", "NOTE"),  # outside (end exclusive)
                ("A", "2024-01-01 17:31:00", "NOTE"),
                ("A", "2024-01-06 10:00:00", "NOTE"),  # Saturday → outside
                ("A", "2024-01-06 10:02:00", "NOTE"),
            ]
        ),
        SCHEDULE_A,
        {"wow_mode": "clock"},
        expected={
            "wow_hours": [(60 + 60 + 120) / 3600],
            "ehr_hours": [(60 + 60 + 60 + 120) / 3600],
        },
    ),
    Case(
        "months and teamwork",
        _ev(
            [
                ("A", "2024-01-31 09:00:00", "ORDER"),
                ("A", "2024-01-31 09:01:00", "ORDER"),
                ("A", "2024-02-01 09:00:00", "ORDER"),
                ("A", "2024-02-01 09:01:30", "ORDER"),
            ]
        ),
        _sc(
            [
                ("A", "2024-01-31 08:00", "2024-01-31 12:00"),
                ("A", "2024-02-01 08:00", "2024-02-01 10:00"),
            ]
        ),
        {"period": "month"},
        orders=pd.DataFrame(
            {
                "order_id": ["1", "2", "3", "4"],
                "clinician_id": ["A", "A", "A", "A"],
                "entered_by": ["A", "RN1", "RN2", "RN3"],
                "event_time": ts(
                    "2024-01-31 09:00", "2024-01-31 09:05", "2024-02-01 09:00", "2024-02-01 09:05"
                ),
            }
        ),
        expected={
            "period_start": ["2024-01-01", "2024-02-01"],
            "scheduled_hours": [4.0, 2.0],
            "order_hours": [60 / 3600, 90 / 3600],
            "teamwork_orders_pct": [50.0, 100.0],
        },
    ),
]
CASES += DST_CASES
